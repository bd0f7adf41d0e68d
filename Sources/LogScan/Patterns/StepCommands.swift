/// What in a hypothesis' step is a command and what is prose (docs/PATTERNS.md "Commands and
/// prose in steps"). A check is printed as a command (`$ ...` in the text report, a `sh` block in
/// markdown); a fix is a sentence that may hold commands. The placeholder filler adds `-n
/// <namespace>` only to commands (`Placeholders.command`), and `patterns lint` warns about a
/// check that reads as prose and about prose that the filler would take for a command.
public enum StepCommands {
    /// The `flux` CLI's subcommands (flux2 cmd/flux: `flux <verb> ...`).
    public static let fluxVerbs: Set<String> = [
        "bootstrap", "build", "check", "completion", "create", "debug", "delete", "diff", "envsubst",
        "events", "export", "get", "install", "logs", "migrate", "pull", "push", "reconcile", "resume",
        "stats", "suspend", "tag", "trace", "tree", "uninstall", "version",
    ]

    /// kubectl's subcommands (`kubectl [-n NS] <verb> ...`).
    public static let kubectlVerbs: Set<String> = [
        "annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale", "certificate",
        "cluster-info", "config", "cordon", "cp", "create", "debug", "delete", "describe", "diff", "drain",
        "edit", "events", "exec", "explain", "expose", "get", "kustomize", "label", "logs", "patch",
        "port-forward", "proxy", "replace", "rollout", "run", "scale", "set", "taint", "top", "uncordon",
        "version", "wait",
    ]

    /// Words a sentence starts with that no program is called: a check that starts with one reads
    /// as prose (`check the ...`, `then ...`).
    static let proseWords: Set<String> = [
        "a", "an", "and", "ask", "check", "compare", "confirm", "ensure", "fix", "give", "if", "look",
        "make", "or", "put", "read", "see", "set", "the", "then", "use", "verify", "when",
    ]

    /// Words of a sentence that a name never is here: `flux create secret git without
    /// --private-key-file` in prose is no command making a secret named `without`.
    public static let sentenceWords: Set<String> = proseWords.union([
        "without", "with", "to", "would", "makes", "is", "are", "for", "in", "on", "of", "that", "which", "it",
    ])

    /// Whether the words of `command` (`flux create secret <type> <name> ...`) name a secret: the
    /// word after the type is there and is not a word of a sentence (`sentenceWords`).
    public static func createsNamedSecret<S: StringProtocol>(_ words: [S]) -> Bool {
        words.count > 4 && words[0] == "flux" && words[1] == "create" && words[2] == "secret"
            && !sentenceWords.contains(words[4].lowercased())
    }

    /// kubectl's global flags that take the next word as their value (`-n apps`).
    static let valueFlags: Set<String> = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-l", "--selector"]

    /// Whether `text` starts as a `flux` or `kubectl` command: its program word, global flags
    /// with their values, then one of the program's subcommands (`flux reconcile source git`,
    /// `kubectl -n apps get pods`). False for prose that names the tool (`flux to check ...`,
    /// `kubectl access to ...`) and for text that starts with another word.
    public static func isFluxOrKubectlCommand<S: StringProtocol>(_ text: S) -> Bool {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let program = words.first, program == "flux" || program == "kubectl" else { return false }
        guard let verb = subcommand(Array(words.dropFirst())) else { return false }
        return (program == "flux" ? fluxVerbs : kubectlVerbs).contains(verb)
    }

    /// The first word after global flags (and their values), without trailing punctuation.
    static func subcommand<S: StringProtocol>(_ words: [S]) -> String? {
        var i = 0
        while i < words.count, words[i].hasPrefix("-") {
            let flag = String(words[i])
            i += 1
            if !flag.contains("="), valueFlags.contains(flag) { i += 1 }
        }
        guard i < words.count else { return nil }
        var verb = Substring(words[i])
        while let last = verb.last, ".,;:)\"'".contains(last) { verb.removeLast() }
        return String(verb)
    }

    /// Why a check (printed as a command) reads as prose, or nil when it reads as a command: it
    /// starts with a capital letter or a word sentences start with (`Check the ...`, `if ...`),
    /// or calls `flux`/`kubectl` with a word that is none of its subcommands.
    public static func proseInCheck(_ text: String) -> String? {
        let trimmed = text.drop(while: { $0 == " " })
        guard let first = trimmed.split(separator: " ").first else { return "it is empty" }
        if let c = first.first, c.isUppercase {
            return "it starts with the capitalised word '\(first)', as a sentence does"
        }
        if proseWords.contains(first.lowercased()) {
            return "it starts with '\(first)', as a sentence does"
        }
        if first == "flux" || first == "kubectl", !isFluxOrKubectlCommand(trimmed) {
            return "'\(first)' is followed by no \(first) subcommand"
        }
        return nil
    }

    /// The places in `text` where `flux ` or `kubectl ` stands as a word (at the start, or after a
    /// space, `(`, `"`, `'`, `|`, `;` or `` ` ``) but no subcommand follows it: prose that the
    /// filler would take for a command (`Use flux to check the gitrepository <name>` got `-n
    /// team-a` after the name). Each is the text from the word on, up to 40 characters.
    public static func proseCommandWords(_ text: String) -> [String] {
        let chars = Array(text)
        var found: [String] = []
        for program in ["flux ", "kubectl "] {
            let p = Array(program)
            var i = 0
            while i + p.count <= chars.count {
                defer { i += 1 }
                guard chars[i..<(i + p.count)].elementsEqual(p) else { continue }
                if i > 0, !" (\"'|;`".contains(chars[i - 1]) { continue }
                let rest = String(chars[i...])
                let words = rest.split(separator: " ")
                if !isFluxOrKubectlCommand(rest) || (words.count > 4 && words[0] == "flux" && words[1] == "create" && words[2] == "secret" && !createsNamedSecret(words)) {
                    found.append(String(rest.prefix(40)))
                }
            }
        }
        return found
    }

    /// The `flux create secret git` commands in `text` that would make a new SSH key pair: an SSH
    /// URL (`--url=ssh://...`, or `--url=<url>` with no HTTPS credentials `--username`,
    /// `--password`, `--bearer-token`) and no `--private-key-file`. Without that flag the command
    /// generates a key pair (flux2 `flux create secret git`: "For Git over SSH, the host and SSH
    /// keys are automatically generated"), and the deploy key the Git host knows stops working:
    /// a fix for known_hosts turned into an authentication outage (a trial). Each is the command
    /// up to its end (a line break, `)`, `;`, `&&` or ` (`), up to 80 characters.
    public static func newKeyPairCommands(_ text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let r = rest.range(of: "flux create secret git ") {
            let words = rest[r.lowerBound...].split(separator: " ")
            rest = rest[r.upperBound...]
            guard createsNamedSecret(words) else { continue }
            var end = rest.endIndex
            for stop in ["\n", ")", ";", "&&", " ("] {
                if let s = rest.range(of: stop), s.lowerBound < end { end = s.lowerBound }
            }
            let command = "flux create secret git " + rest[..<end]
            let ssh = command.contains("--url=ssh://")
                || (command.contains("--url=<url>") && !["--username", "--password", "--bearer-token"].contains(where: command.contains))
            if ssh, !command.contains("--private-key-file") { found.append(String(command.prefix(80))) }
        }
        return found
    }
}
