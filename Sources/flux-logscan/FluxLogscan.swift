import ArgumentParser
import CMalloc
import LogScan
#if canImport(Glibc)
import Glibc
#endif

/// The `flux-logscan` command (CONTRACT.md "Command line"). `scan` is the default subcommand.
struct FluxLogscan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flux-logscan",
        abstract: "Find why Flux CD is stuck: read controller logs, match failure signatures, correlate them into incidents and rank root causes.",
        discussion: """
        Examples:
          kubectl logs -n flux-system deploy/kustomize-controller | flux-logscan
          flux-logscan kustomize-controller.log source-controller.log --format json
          flux-logscan follow /var/log/pods --state /var/lib/flux-logscan/state.json
          flux-logscan explain networkpolicy-blocks-artifact-port
        """,
        version: "0.1.0",
        subcommands: [Scan.self, Follow.self, PatternsCommand.self, Explain.self],
        defaultSubcommand: Scan.self
    )
}

@main
enum Main {
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        // Memory freed goes back to the system (a sidecar or a scan of a large archive runs for
        // long and frees a lot at each close of incidents): blocks of 64 KiB and more get mappings
        // of their own, returned when freed (glibc otherwise raises this threshold up to 32 MiB as
        // large blocks are freed, and keeps them in the heap), and the top of the heap is trimmed
        // past 64 KiB. On the 2 GiB benchmark archive: 3.5 MiB less peak RSS, CPU within noise.
        flux_malloc_return_freed(64 * 1024)
        do {
            var command = try FluxLogscan.parseAsRoot()
            try command.run()
        } catch {
            let code = FluxLogscan.exitCode(for: error)
            let message = FluxLogscan.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Output.stdout(message + "\n") }
                exit(0)
            }
            if !message.isEmpty { Output.stderr(message + "\n") }
            // ArgumentParser's usage errors are EX_USAGE (64); CONTRACT.md says 2.
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
