import ArgumentParser
import LogScan
import SystemPackage

/// `flux-logscan patterns list|test|lint`: show, try and check signatures and hypotheses.
struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Show, try and check signatures and hypotheses.",
        subcommands: [List.self, Test.self, Lint.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A table of signatures: id, controllers (any: every Flux controller), severity, literal.")
        @OptionGroup var common: PatternOptions
        func run() throws {
            let set = try loadPatterns(common.patternDirs)
            let rows = set.signatures.map { s in
                [s.id, s.controllers.isEmpty || Set(s.controllers) == Set(FluxControllers.all) ? "any" : s.controllers.joined(separator: ","),
                 s.healthy ? "healthy" : s.severity.rawValue, String(decoding: s.literal, as: UTF8.self)]
            }
            let header = ["ID", "CONTROLLERS", "SEVERITY", "LITERAL"]
            var widths = header.map(\.count)
            // Columns as wide as their cells, up to 40: a longer cell (a list of five controllers)
            // runs over instead of widening every row.
            for r in rows { for (i, c) in r.enumerated() { widths[i] = min(40, max(widths[i], c.count)) } }
            func line(_ r: [String]) -> String {
                r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: max(0, widths[i] - c.count) + 2) }.joined()
            }
            Output.stdout(([line(header)] + rows.map(line)).joined(separator: "\n") + "\n")
            Output.stdout("\(set.signatures.count) signatures, \(set.hypotheses.count) hypotheses\n")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "For each line of FILE (or - for stdin): the signatures that hit and their captures.")
        @OptionGroup var common: PatternOptions
        @Argument(help: "A log file, or - for stdin.") var file: String = "-"
        func run() throws {
            let set = try loadPatterns(common.patternDirs)
            let matcher = SignatureMatcher(patterns: set)
            let fd: FileDescriptor
            if file == "-" { fd = .standardInput } else {
                do { fd = try FileDescriptor.open(FilePath(file), .readOnly) } catch {
                    Output.stderr("flux-logscan: error: \(file): \(error)\n"); throw ExitCode(2)
                }
            }
            var hitsTotal = 0
            // CRI `P` parts and Docker chunks re-joined per stream, as `scan` joins them (a trial:
            // a node's 0.log split at 16 KiB matched nothing here), up to the line cap.
            var parts: [String: (bytes: [UInt8], first: Int)] = [:]
            let cap = LineReader().lineCap
            do {
                try LineReader().read(fd, name: file) { line, number, truncated in
                    let env = Envelope.peel(line)
                    var first = number
                    var joined: [UInt8]?
                    if let key = env.stream {
                        let payload = env.ownedPayload ?? Array(line[env.payloadOffset...])
                        if env.fragment {
                            var p = parts[key] ?? ([], number)
                            p.bytes += payload.prefix(max(0, cap - p.bytes.count))
                            parts[key] = p
                            return
                        }
                        if let p = parts.removeValue(forKey: key) {
                            joined = p.bytes + payload.prefix(max(0, cap - p.bytes.count))
                            first = p.first
                        }
                    }
                    let place = SourceLocation(file: file, line: first)
                    let record = joined.map { bytes in
                        bytes.withUnsafeBytes { RecordDecoder.decodePayload($0, envelope: env, location: place, truncated: truncated) }
                    } ?? RecordDecoder.decode(line, location: place, truncated: truncated)
                    let hits = matcher.match(record)
                    if hits.isEmpty { return }
                    hitsTotal += hits.count
                    for h in hits {
                        let caps = h.captures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                        Output.stdout("\(file):\(first): \(set.signatures[h.signature].id) \(caps)\n")
                    }
                }
            } catch {
                Output.stderr("flux-logscan: error: \(error)\n"); throw ExitCode(2)
            }
            if file != "-" { try? fd.close() }
            if hitsTotal == 0 { Output.stdout("no signature matched\n") }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pattern files: YAML, fields, regexes, duplicate ids, references, examples and backtracking risks.",
            discussion: """
            Every finding is printed as file:line:column: error|warning: message. Errors: YAML and \
            unknown or missing fields, regexes that do not compile, duplicate ids or ids that are not \
            kebab-case, unknown controllers, unknown signals in hypotheses (an entry with an error is \
            left out of a scan), examples that fail, and regexes that risk catastrophic backtracking, found by \
            shape (nested quantifiers such as (a+)+$, overlapping repeated alternations such as \
            (?:[^"\\\\]|\\\\.)*) and by running the examples and adversarial variants of them under a \
            low PCRE2 match limit. Warnings: adjacent overlapping repeats, leading or trailing .*, \
            missing source, literal or examples. Exit status 2 when there is an error.
            """)
        @OptionGroup var common: PatternOptions
        func run() throws {
            let report = PatternLint.lint(userDirectories: common.patternDirs)
            for f in report.findings { Output.stderr("\(f)\n") }
            let errors = report.errors.count, warnings = report.warnings.count
            if errors > 0 {
                Output.stderr("flux-logscan: \(errors) error(s), \(warnings) warning(s)\n")
                throw ExitCode(2)
            }
            Output.stdout("ok: \(report.signatures) signatures, \(report.hypotheses) hypotheses, \(report.examples) examples pass, \(warnings) warning(s)\n")
        }
    }
}
