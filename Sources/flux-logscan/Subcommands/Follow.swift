import ArgumentParser
import Foundation
import LogScan
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM during `follow`; the follow loop looks at it every tick.
nonisolated(unsafe) var followStopSignal: sig_atomic_t = 0

/// `flux-logscan follow PATH ...`: the sidecar (CONTRACT.md "Command line": follow files and
/// folders, survive rotation, emit as windows close; SIGINT/SIGTERM: flush, write state, exit 0).
struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow log files, folders or stdin as a sidecar: report incidents as they close or change, survive rotation.",
        discussion: """
        Reads what each file already holds, then waits for it to grow, as tail -F does: a file renamed away (kubelet or logrotate rotation) is read to its end and the new file at the path from its start; a truncated file is read again from its start; new files in the folders given (new pods, restarted containers) are picked up; a path that does not exist yet is waited for. Rotated and compressed files found at start (0.log.20261201-010203, *.gz) are read once.

        With - follows standard input: kubectl logs -f -n flux-system deploy/kustomize-controller | flux-logscan follow -

        ndjson writes {"type":"incident","seq":N,...} per incident as it closes or changes (a higher seq replaces the earlier record with the same id), then at the end the unmatched errors, input errors and one {"type":"stats",...}. text prints each incident's block as it closes or changes; markdown writes it as scan --format markdown does (html, one page written at the end, is scan's).

        --since TIME|DURATION as in scan: what the files hold before it is still read (lifetimes, context, which incidents were under way) but its failures make no incident, so a sidecar started on a node with days of logs (follow /var/log/pods --since 1h) does not report last week; a DURATION counts back from --now, else the wall clock when follow starts. follow has no --until (it follows logs as they grow): a past window is scan --since ... --until ....

        SIGINT or SIGTERM: emit what changed, write --state, exit 0. Exit 2 for a usage error, an invalid pattern file or an unreadable --state file.
        """
    )

    @Argument(help: "Log files or folders to follow; - for stdin.")
    var paths: [String]

    @Option(help: "Output format: ndjson, text or markdown (json and html, one document at the end, are scan's).")
    var format: FollowFormat = .ndjson

    @Option(parsing: .unconditional, help: "Correlation window: the gap in event time that closes an incident (a Go duration; default: \(Scan.defaultWindow)).",
            transform: Duration.parse)
    var window: Duration = Scan.defaultWindow

    @Option(parsing: .unconditional, help: "Emit an open incident that keeps changing at most this often (a Go duration; default: 1m0s).",
            transform: Duration.parse)
    var reportEvery: Duration = Duration(seconds: 60)

    @Option(parsing: .unconditional, help: "Only events at or after this time (RFC 3339) or this long before --now (e.g. 2h) make incidents; what comes before is still read, as scan --since.",
            transform: TimeOrDuration.parse)
    var since: TimeOrDuration?

    @Option(parsing: .unconditional, help: "The time --since durations count back from (RFC 3339; default: the wall clock at start).")
    var now: String?

    /// `--until`, parsed only so that `validate` can say why `follow` has none.
    @Option(parsing: .unconditional, help: .hidden)
    var until: String?

    @Option(help: "A JSON file where the offsets of the followed files are kept: read at start (if present) to go on where the last run stopped, written every 30 s and at stop.")
    var state: String?

    @OptionGroup var selection: SelectionOptions

    @OptionGroup var patternOptions: PatternOptions

    @Option(help: "Colour: auto, always or never.")
    var color: ColorMode = .auto

    @Option(help: "Show only incidents at or above this severity.")
    var minSeverity: Severity = .info

    /// Stop once every input is read to its end: a finished log (an archive, `kubectl logs`
    /// without `-f`) read the way `follow` reads a live one, incidents written as they close.
    @Flag(name: .shortAndLong, help: "Also print every matched event as it is read (text: one line each; ndjson: {\"type\":\"event\"} lines).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print one summary line per incident record (text and markdown).")
    var quiet = false

    @Flag(help: "Stop once every input is read to its end instead of waiting for more (a finished log read as follow reads a live one).")
    var untilCaughtUp = false

    func validate() throws {
        if format == .json {
            throw ValidationError("--format json writes one document at the end; follow writes as incidents close: use --format ndjson (or text)")
        }
        if format == .html {
            throw ValidationError("--format html writes one page at the end; follow writes as incidents close: use --format markdown (or scan --format html)")
        }
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (stdin) can be followed once") }
        if until != nil {
            throw ValidationError("follow has no --until: it follows the logs as they grow; for a past window use scan --since ... --until ... (or follow --until-caught-up to stop at the end of what the files hold)")
        }
        try TimeOrDuration.validate(since: since, until: nil, now: now)
    }

    /// What changed in an incident written again by `follow --format text`: "now resolved",
    /// "error, was info; no longer transient", or "more evidence" when neither its status, its
    /// severity nor its transient mark did.
    static func change(from before: (first: Int, status: IncidentStatus, severity: Severity, transient: Bool),
                       to incident: Incident) -> String {
        var parts: [String] = []
        if incident.status != before.status { parts.append("now \(incident.status.rawValue)") }
        if incident.severity != before.severity { parts.append("\(incident.severity.rawValue), was \(before.severity.rawValue)") }
        if incident.transient != before.transient { parts.append(incident.transient ? "now transient" : "no longer transient") }
        return parts.isEmpty ? "more evidence" : parts.joined(separator: "; ")
    }

    func run() throws {
        let patterns = try loadPatterns(patternOptions.patternDirs)
        var resume: FollowState?
        if let state {
            // Checked now, not when the state is first written.
            let dir = (state as NSString).deletingLastPathComponent
            if access(dir.isEmpty ? "." : dir, W_OK) != 0 {
                Output.stderr("flux-logscan: error: --state \(state): cannot write in \(dir.isEmpty ? "." : dir) (\(String(cString: strerror(errno))))\n")
                throw ExitCode(2)
            }
            do { resume = try FollowState.load(path: state) } catch {
                Output.stderr("flux-logscan: error: \(error)\n")
                throw ExitCode(2)
            }
        }
        let nowTime = TimeOrDuration.now(now)
        var filter = selection.filter
        filter.since = since?.resolve(now: nowTime)
        let scanner = LogScanner(patterns: patterns, windowSeconds: window.seconds)
        scanner.filter = filter
        scanner.referenceYear = nowTime.year
        scanner.referenceTime = nowTime
        let follower = Follower(scanner: scanner, patterns: patterns, windowSeconds: window.seconds)
        // Patterns compiled, options read: the code that did it is not needed again (a sidecar
        // runs for days).
        StartupPages.release()
        follower.minSeverity = minSeverity
        follower.reportEverySeconds = reportEvery.seconds
        follower.stopWhenCaughtUp = untilCaughtUp
        let useColor = color == .always || (color == .auto && Output.stdoutIsTTY)
        var report = TextReport(color: useColor)
        report.quiet = quiet
        if verbose {
            // CONTRACT.md: `-v` prints matched events (ndjson: `{"type":"event",...}` lines).
            let eventReport = report
            switch format {
            case .ndjson, .json, .html: scanner.eventObserver = { Output.stdout(JSONReport.event($0).rendered + "\n") }
            case .text, .markdown: scanner.eventObserver = { Output.stdout(eventReport.event($0) + "\n") }
            }
        }
        switch format {
        case .ndjson, .json, .html:
            follower.onIncident = { incident, seq in
                let fields: [(String, JSON)] = [("type", .string("incident")), ("seq", .int(seq))] + JSONReport.incident(incident)
                Output.stdout(JSON.object(fields).rendered + "\n")
            }
        case .text, .markdown:
            // A record of an incident shown before says so, and what changed since it was last
            // written: its status, its severity (a transient incident that proved not to be).
            let markdown = MarkupReport(format: .markdown)
            var shown: [String: (first: Int, status: IncidentStatus, severity: Severity, transient: Bool)] = [:]
            follower.onIncident = { incident, seq in
                var update: String?
                if let before = shown[incident.id] {
                    update = "update of [\(before.first)] (the same incident, \(Self.change(from: before, to: incident)))"
                    shown[incident.id] = (before.first, incident.status, incident.severity, incident.transient)
                } else {
                    if shown.count >= 100_000 { shown = [:] }
                    shown[incident.id] = (seq, incident.status, incident.severity, incident.transient)
                }
                if quiet {
                    // One line per record: `[seq] <summary>`, an update saying which it updates.
                    let line = "[\(seq)] " + (update.map { $0 + ": " } ?? "") + report.summaryLine(incident)
                    Output.stdout(format == .markdown ? "- " + line + "\n" : line + "\n")
                } else if format == .markdown {
                    Output.stdout((update.map { markdown.note($0 + ":") } ?? "") + markdown.block(incident, number: seq) + "\n")
                } else {
                    Output.stdout("\n" + (update.map { $0 + ":\n" } ?? "") + report.block(incident, number: seq))
                }
            }
        }
        if let state {
            follower.saveState = { s in
                do { try s.save(path: state) } catch { Output.stderr("flux-logscan: warning: \(error)\n") }
            }
        }
        // Notes are written as they happen; an input error written then is not repeated at the end.
        let noted = NotedLines()
        follower.onNote = { noted.add($0); Output.stderr("flux-logscan: \($0)\n") }

        // SIGINT/SIGTERM: the loop sees the flag at its next tick, stops the readers and flushes.
        // A parent may have left them blocked (a test runner, some init systems): taken back
        // here, before any thread starts, so that every thread inherits the unblocked mask.
        signal(SIGINT) { _ in followStopSignal = 1 }
        signal(SIGTERM) { _ in followStopSignal = 1 }
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        let control = follower.control
        let watcher = Thread {
            while !control.isStopped {
                if followStopSignal != 0 { control.stop(); break }
                usleep(100_000)
            }
        }
        watcher.start()
        let analysis = follower.run(inputs: paths, resume: resume)
        control.stop()

        let scan = analysis.scan
        for w in scan.warnings { Output.stderr("flux-logscan: warning: \(w.message)\n") }
        for e in scan.inputErrors where !noted.contains("error: \(e)") { Output.stderr("flux-logscan: error: \(e)\n") }
        switch format {
        case .ndjson, .json, .html:
            for u in scan.unmatchedErrors {
                Output.stdout(JSON.object([("type", .string("unmatched_error"))] + JSONReport.unmatched(u)).rendered + "\n")
            }
            for e in scan.inputErrors {
                Output.stdout(JSON.object([("type", .string("input_error"))] + JSONReport.inputError(e)).rendered + "\n")
            }
            Output.stdout(JSON.object([("type", .string("stats"))] + JSONReport.stats(scan.stats)).rendered + "\n")
        case .markdown:
            Output.stdout("flux-logscan follow: stopped after \(scan.stats.records) records, \(scan.stats.events) events; \(follower.seq - (resume?.seq ?? 0)) incident report(s) written\n")
        case .text:
            Output.stdout("\nflux-logscan follow: stopped after \(scan.stats.records) records, \(scan.stats.events) events; \(follower.seq - (resume?.seq ?? 0)) incident report(s) written\n")
        }
        if let state {
            do { try follower.state.save(path: state) } catch {
                Output.stderr("flux-logscan: error: \(error)\n")
                throw ExitCode(2)
            }
        }
        if !scan.inputErrors.isEmpty { throw ExitCode(2) }
    }
}

/// `follow --format`: the formats that write incidents as they close. `json` and `html` are
/// parsed only so that `validate` can say why follow refuses them; help lists ndjson, text and
/// markdown.
enum FollowFormat: String, ExpressibleByArgument, CaseIterable {
    case ndjson, text, markdown, json, html
    static var allValueStrings: [String] { ["ndjson", "text", "markdown"] }
}

/// The notes `follow` wrote on stderr while it ran (reader threads add to it under the follower's
/// lock; read after they stopped).
final class NotedLines: @unchecked Sendable {
    private var lines: Set<String> = []
    private let lock = NSLock()
    func add(_ line: String) { lock.lock(); lines.insert(line); lock.unlock() }
    func contains(_ line: String) -> Bool { lock.lock(); defer { lock.unlock() }; return lines.contains(line) }
}
