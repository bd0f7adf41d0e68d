import ArgumentParser
import Foundation
import LogScan

/// `flux-logscan [scan] [PATH ...]`: read logs, print incidents (CONTRACT.md).
struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan logs (files, folders, or stdin) and report incidents with ranked root causes.",
        discussion: """
        With no PATH, or PATH "-", reads standard input. A folder is walked (sorted; *.log, *.txt, *.gz, *.tar, *.tgz, rotated N.log.DATE and names without an extension). gzip and tar are recognised by their content.

        Exit status: 2 for a usage error, an invalid pattern file or an unreadable input; 1 when an incident is at or above --fail-on; 0 otherwise. SIGINT (Ctrl-C) or SIGTERM stops the reading: the report covers what was read until then, and the exit status is 130 or 143 (a second one ends at once).
        """
    )

    @Argument(help: "Log files or folders; - or nothing for stdin.")
    var paths: [String] = []

    @Option(help: "Output format: text, json, ndjson, markdown (for a ticket, an issue or a chat) or html (one self-contained page).")
    var format: OutputFormat = .text

    /// `--window`'s default: 15 minutes (CONTRACT.md).
    static let defaultWindow = Duration(seconds: 900)

    // `transform:` gives a bad value an error that says what is expected; it also hides the
    // default from the help, hence the default written in the text. `.unconditional`: a value
    // that starts with `-` (`--window -5m`, `--jobs -1`) is the option's value, told what is
    // wrong with it, not "Missing value" (a trial).
    @Option(parsing: .unconditional, help: "Correlation window: the gap in event time that closes an incident (a Go duration: 15m, 90s, 1h30m; default: \(Scan.defaultWindow)).",
            transform: Duration.parse)
    var window: Duration = Scan.defaultWindow

    @Option(parsing: .unconditional, help: "Only events at or after this time (RFC 3339) or this long before --now (e.g. 2h).", transform: TimeOrDuration.parse)
    var since: TimeOrDuration?

    @Option(parsing: .unconditional, help: "Only events at or before this time or this long before --now.", transform: TimeOrDuration.parse)
    var until: TimeOrDuration?

    @Option(parsing: .unconditional, help: "The time durations count back from (RFC 3339; default: the wall clock).")
    var now: String?

    @OptionGroup var selection: SelectionOptions

    @OptionGroup var patternOptions: PatternOptions

    @Option(help: "Colour: auto, always or never.")
    var color: ColorMode = .auto

    @Option(help: "Exit 1 when an incident is at or above this severity.")
    var failOn: Severity = .error

    @Option(help: "Show only incidents at or above this severity.")
    var minSeverity: Severity = .info

    @Flag(name: .shortAndLong, help: "Print every matched event, as it is read (input by input, not merged by time; the report is).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print one summary line per incident.")
    var quiet = false

    @Option(parsing: .unconditional, help: "Threads: inputs read at once and incidents scored at once; the default is this machine's number of cores. The report does not depend on it; -v reads one input at a time.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Matching only: print how many records each signature matched (signature<TAB>count; a JSON document with --format json, count lines with ndjson), no correlation.")
    var counts = false

    @Flag(help: .hidden)
    var noPrefilter = false

    /// Runs (failure events of one signature, object and bucket) held before incidents are closed
    /// while reading one input (LogScan Pipeline/Closing.swift); 0 never closes. Hidden: tests set
    /// it low to compare closing with the whole-input analysis.
    @Option(help: .hidden)
    var closeAfterRuns: Int = 8192

    /// Incidents closed while reading kept in memory; once more close, all of them wait on disk
    /// (LogScan IncidentSpill). Hidden: tests set it to 0 so that every closed incident goes to disk.
    @Option(help: .hidden)
    var closedInMemory: Int = 2000

    /// The time `--since/--until` durations count back from: `--now`, else the wall clock.
    var nowTime: Timestamp { TimeOrDuration.now(now) }

    /// Checks the options that need more than their own type. Errors thrown here, during
    /// parsing, are reported with `scan`'s usage; thrown from `run()` they would get the root
    /// command's.
    func validate() throws {
        try TimeOrDuration.validate(since: since, until: until, now: now)
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if counts, format == .markdown || format == .html {
            throw ValidationError("--counts writes a table of numbers: use --format text (tab-separated), json or ndjson")
        }
    }

    func run() throws {
        // A broken pattern file is reported and left out; the scan goes on and exits 2.
        let (patterns, patternProblems) = loadPatterns(lenient: patternOptions.patternDirs)
        if patternProblems > 0 {
            Output.stderr("flux-logscan: scanning with the patterns that loaded; the exit status will be 2\n")
        }
        let nowTime = self.nowTime
        var filter = selection.filter
        filter.since = since?.resolve(now: nowTime)
        filter.until = until?.resolve(now: nowTime)

        let scanner = LogScanner(patterns: patterns, windowSeconds: window.seconds, prefilter: !noPrefilter)
        scanner.filter = filter
        scanner.referenceYear = nowTime.year
        scanner.referenceTime = nowTime
        if closeAfterRuns > 0, !counts { scanner.closeBudget = closeAfterRuns }
        // Incidents closed while reading wait on disk for the report (LogScan IncidentSpill).
        scanner.spillClosed = true
        // So do timelines' older entries (LogScan TimelineSpill): memory stays flat as input grows.
        scanner.timelineSpill = TimelineSpill()
        scanner.closedInMemory = max(0, closedInMemory)
        scanner.countsOnly = counts
        let useColor = color == .always || (color == .auto && Output.stdoutIsTTY)
        var report = TextReport(color: useColor)
        report.quiet = quiet
        report.expandTransient = verbose
        if verbose && !counts {
            // Events are printed as they are matched (once their controller is known).
            let textReport = report
            switch format {
            case .text: scanner.eventObserver = { Output.stdout(textReport.event($0) + "\n") }
            case .ndjson: scanner.eventObserver = { Output.stdout(JSONReport.event($0).rendered + "\n") }
            // One document: events would break it (json and ndjson list them as data).
            case .json, .markdown, .html: break
            }
        }
        let inputs = paths.isEmpty ? ["-"] : paths
        // Patterns compiled, options read: the code that did it is not needed again.
        StartupPages.release()
        var walker = InputWalker()
        // FLUX_LOGSCAN_DEBUG: resident memory (now and peak so far) after each phase, on Linux.
        func memory(_ phase: String) {
            guard getenv("FLUX_LOGSCAN_DEBUG") != nil, let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return }
            let lines = status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM") }
            Output.stderr("memory after \(phase): " + lines.map { $0.replacingOccurrences(of: "\t", with: "").replacingOccurrences(of: "  ", with: "") }.joined(separator: ", ") + "\n")
            _ = debugMallocTrim(0)
            if let after = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
               let rss = after.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS") }) {
                Output.stderr("  after malloc_trim: " + rss.replacingOccurrences(of: "\t", with: "").replacingOccurrences(of: "  ", with: "") + "\n")
            }
        }
        Self.stopOnSignals()
        let paths = walker.expand(inputs)
        scanner.walked = walker.found
        scanner.scan(paths: paths, jobs: jobs)
        let interrupted = InputInterrupt.signal
        if interrupted != 0 {
            Output.stderr("flux-logscan: \(interrupted == SIGTERM ? "SIGTERM" : "SIGINT"): stopped reading; the report covers what was read until then\n")
        }
        memory("reading")
        if getenv("FLUX_LOGSCAN_DEBUG") != nil { Output.stderr("store: \(scanner.storeSizes)\n") }
        var scan = scanner.finish()
        scan.inputErrors.insert(contentsOf: walker.errors, at: 0)
        scan.warnings.append(contentsOf: walker.notes.map { ScanWarning(message: $0) })
        if let note = InputWalker.vanishedNote(walker.vanished + scan.vanished) { scan.warnings.append(ScanWarning(message: note)) }
        if interrupted != 0 {
            // In the report itself too: a pasted or saved report must say it is partial.
            scan.warnings.insert(ScanWarning(message: "stopped by \(interrupted == SIGTERM ? "SIGTERM" : "SIGINT") while reading: this report covers only the input read until then"), at: 0)
        }
        if walker.skippedInFolders > 0 {
            scan.warnings.append(ScanWarning(message: "\(walker.skippedInFolders) file(s) in the folders given were skipped: their names do not look like logs (give them by name to read them): \(InputWalker.some(walker.skipped))"))
        }
        if counts {
            // Damage inside the inputs is a warning naming file:line here too (CONTRACT.md).
            for w in scan.warnings { Output.stderr("flux-logscan: warning: \(w.message)\n") }
            // Per signature, in the patterns' order: `id<TAB>count` lines; with --format json one
            // document {"counts": {id: count}, "stats": ...}; ndjson one `count` line each, then `stats`.
            let rows = patterns.signatures.map { ($0.id, scan.countsBySignature[$0.id] ?? 0) }
            switch format {
            case .json:
                let doc = JSON.object([("counts", .object(rows.map { ($0.0, .int($0.1)) })), ("stats", .object(JSONReport.stats(scan.stats)))])
                Output.stdout(doc.pretty() + "\n")
            case .ndjson:
                for (id, n) in rows {
                    Output.stdout(JSON.object([("type", .string("count")), ("signature", .string(id)), ("count", .int(n))]).rendered + "\n")
                }
                Output.stdout(JSON.object([("type", .string("stats"))] + JSONReport.stats(scan.stats)).rendered + "\n")
            default:
                for (id, n) in rows { Output.stdout("\(id)\t\(n)\n") }
            }
            for e in scan.inputErrors { Output.stderr("flux-logscan: error: \(e)\n") }
            if interrupted != 0 { throw ExitCode(128 + interrupted) }
            if !scan.inputErrors.isEmpty || patternProblems > 0 { throw ExitCode(2) }
            return
        }
        // Incidents are diagnosed a batch at a time as the report is written (LogScan
        // IncidentStream): --controller/--namespace/--object choose incidents (a root incident
        // shows when what is asked for waits on it); --min-severity hides some of those;
        // --fail-on counts them all.
        let stream = IncidentStream(scan: consume scan, patterns: patterns, windowSeconds: window.seconds, jobs: jobs,
                                    select: { filter.accepts($0) })
        memory("correlation")
        scan = stream.scan
        let selected = stream.entries
        let shown = selected.filter { $0.severity >= minSeverity }

        var warnings = scan.warnings.map(\.message)
        if let since = filter.since, let w = scan.beforeSinceWarning(since: since) { warnings.append(w) }
        for (id, n) in scan.limitHits.sorted(by: { $0.key < $1.key }) {
            warnings.append("signature \(id): PCRE2 match limit hit on \(n) record(s); those records were not matched by it")
        }
        for e in scan.inputErrors { Output.stderr("flux-logscan: error: \(e)\n") }
        let each = { (body: (Incident) -> Void) in stream.forEach(minSeverity: minSeverity, body) }

        // What the text, Markdown and HTML reports say when no incident is shown.
        var context = TextReport.Context()
        context.hidden = selected.count - shown.count
        context.notSelected = stream.unselected
        context.unreadable = scan.inputErrors.count
        context.filtered = scan.stats.filteredEvents
        context.unmatchedRecords = scan.stats.unmatchedRecords
        context.skippedByName = walker.skippedInFolders
        switch format {
        case .text:
            report.write(count: shown.count, severities: shown.map(\.severity), transient: shown.filter(\.transient).count,
                         stats: scan.stats, warnings: warnings, context: context, unmatched: scan.unmatchedErrors,
                         incidents: each) { Output.stdout($0) }
        case .markdown, .html:
            var markupReport = MarkupReport(format: format.markup!)
            markupReport.quiet = quiet
            markupReport.expandTransient = verbose
            markupReport.write(count: shown.count, severities: shown.map(\.severity), transient: shown.filter(\.transient).count,
                               stats: scan.stats, warnings: warnings, context: context, unmatched: scan.unmatchedErrors,
                               inputErrors: scan.inputErrors, incidents: each) { Output.stdout($0) }
        case .json:
            for w in warnings { Output.stderr("flux-logscan: warning: \(w)\n") }
            JSONReport.writeDocument(count: shown.count, incidents: each, stats: scan.stats, unmatched: scan.unmatchedErrors,
                                     inputErrors: scan.inputErrors) { Output.stdout($0) }
        case .ndjson:
            for w in warnings { Output.stderr("flux-logscan: warning: \(w)\n") }
            var seq = 0
            each { i in
                seq += 1
                let fields: [(String, JSON)] = [("type", .string("incident")), ("seq", .int(seq))] + JSONReport.incident(i)
                Output.stdout(JSON.object(fields).rendered + "\n")
            }
            for u in scan.unmatchedErrors {
                Output.stdout(JSON.object([("type", .string("unmatched_error"))] + JSONReport.unmatched(u)).rendered + "\n")
            }
            for e in scan.inputErrors {
                Output.stdout(JSON.object([("type", .string("input_error"))] + JSONReport.inputError(e)).rendered + "\n")
            }
            Output.stdout(JSON.object([("type", .string("stats"))] + JSONReport.stats(scan.stats)).rendered + "\n")
        }
        // An incident closed while reading that could not be read back from its temporary file.
        for e in stream.readErrors { Output.stderr("flux-logscan: error: \(e)\n") }
        // Timeline entries that could not be read back: the diagnosis read less evidence than there was.
        let lostSegments = scanner.timelineSpill?.readFailures ?? 0
        if lostSegments > 0 {
            Output.stderr("flux-logscan: error: \(lostSegments) segment(s) of healthy and lifecycle evidence could not be read back from \(scanner.timelineSpill?.path ?? "the temporary file"); the report was diagnosed without them\n")
        }

        memory("the report")
        if getenv("FLUX_LOGSCAN_DEBUG") != nil { Output.stderr(stream.lifetimes.lifetimeReport + "\n") }
        // CONTRACT.md: stopped by SIGINT/SIGTERM, the report of what was read, then 130/143.
        if interrupted != 0 { throw ExitCode(128 + interrupted) }
        if !scan.inputErrors.isEmpty || patternProblems > 0 || !stream.readErrors.isEmpty || lostSegments > 0 { throw ExitCode(2) }
        if selected.contains(where: { $0.severity >= failOn }) { throw ExitCode(1) }
    }

    /// SIGINT and SIGTERM stop the reading (`InputInterrupt`) and let the report be written; a
    /// second one ends the process at once, as the signal's default does. Unblocked here, before
    /// any reader thread starts (a parent may have left them blocked; threads inherit the mask).
    static func stopOnSignals() {
        _ = InputInterrupt.signal  // initialised before a handler can touch it
        for signo in [SIGINT, SIGTERM] {
            signal(signo) { signo in
                if InputInterrupt.signal != 0 {
                    signal(signo, SIG_DFL)
                    raise(signo)
                }
                InputInterrupt.signal = signo
            }
        }
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }

}

/// glibc's `malloc_trim(3)`: gives free heap memory back to the system, so that the resident
/// size `FLUX_LOGSCAN_DEBUG` prints after it is close to what is in use.
@_silgen_name("malloc_trim") func debugMallocTrim(_ pad: Int) -> Int32
