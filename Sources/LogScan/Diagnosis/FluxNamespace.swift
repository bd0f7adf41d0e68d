/// The namespace Flux's controllers run in, learnt from the logs: a report fills `<flux-namespace>`
/// in the steps about Flux itself (its controllers' Deployments and pods, their Services,
/// endpoints, NetworkPolicies and leader leases) with it (docs/OUTPUT.md "The namespace Flux runs
/// in"). `flux install --namespace=flux` (or `bootstrap --namespace`) puts everything there, and a
/// `kubectl -n flux-system ...` then answers NotFound, which reads as "source-controller is gone".
///
/// What says so, in order of trust (`Clue`), each counted per namespace while reading
/// (`LogScanner.emit`, `LogScanner.scan(source:...)`):
/// 1. the host of an artifact URL, `source-controller.<ns>.svc[.<cluster domain>][.]`:
///    source-controller advertises `--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc...`
///    (its Deployment, FLUX-LOGS.md 1.4, 3.2), so the consumers name its namespace in every
///    download they log;
/// 2. the kubelet's path of a Flux controller's log, `/var/log/pods/<ns>_<pod>_<uid>/manager/<n>.log`
///    (`PodLogPath`, the pod's own namespace; its link `/var/log/containers/<pod>_<ns>_manager-<id>.log`);
/// 3. the leader lease a controller names, `<ns>/<controller>-leader-election` (controller-runtime
///    puts it in the pod's namespace; client-go's `attempting to acquire leader lease <ns>/<name>...`,
///    `"lock":"<ns>/<name>"` since v0.35; FLUX-LOGS.md 3.12);
/// 4. the event address, `notification-controller.<ns>.svc...` (`--events-addr`, FLUX-LOGS.md
///    3.14), named when an event could not be delivered.
/// The most trusted clue that was seen decides, by the namespace it named most often (ties:
/// flux-system, then the first by name). With none, Flux's default namespace stays: flux-system.
public struct FluxNamespaceClues: Sendable, Equatable {
    /// A kind of evidence, most trusted first.
    public enum Clue: Int, CaseIterable, Sendable {
        case artifactHost, podLogPath, leaderLease, eventAddress
    }

    /// Flux's default namespace (`flux install`, `flux bootstrap` and the flux CLI's `--namespace`).
    public static let standard = "flux-system"
    /// At most this many namespaces are counted per clue (a pathological input names more).
    static let namespacesPerClue = 64

    /// By `Clue.rawValue`: namespace → how many records (files, for `podLogPath`) named it.
    public private(set) var counts: [[String: Int]] = Array(repeating: [:], count: Clue.allCases.count)
    /// The last host `note(captures:text:)` read and what it said: a failing download repeats its
    /// host on every record, so most are counted without being parsed again.
    private var lastHost: (host: String, said: (clue: Clue, namespace: String)?)?

    public init() {}

    public static func == (a: FluxNamespaceClues, b: FluxNamespaceClues) -> Bool { a.counts == b.counts }

    /// Whether nothing was learnt.
    public var isEmpty: Bool { counts.allSatisfy(\.isEmpty) }

    /// Counts `namespace` for `clue` (`n` times); an empty or invalid name is ignored.
    public mutating func note(_ clue: Clue, _ namespace: String, _ n: Int = 1) {
        guard Self.isNamespace(namespace) else { return }
        let k = clue.rawValue
        if counts[k][namespace] == nil, counts[k].count >= Self.namespacesPerClue { return }
        counts[k][namespace, default: 0] += n
    }

    /// Adds what another part of the input taught (`ScanResult.absorb`).
    public mutating func absorb(_ other: FluxNamespaceClues) {
        for clue in Clue.allCases {
            for (ns, n) in other.counts[clue.rawValue].sorted(by: { $0.key < $1.key }) { note(clue, ns, n) }
        }
    }

    /// The namespace the most trusted clue seen names most often, nil when no clue was seen.
    public var namespace: String? { decided?.namespace }

    /// `namespace` and the clue that decided it.
    public var decided: (namespace: String, clue: Clue)? {
        for clue in Clue.allCases {
            let c = counts[clue.rawValue]
            guard let best = c.max(by: { a, b in
                if a.value != b.value { return a.value < b.value }
                if (a.key == Self.standard) != (b.key == Self.standard) { return b.key == Self.standard }
                return a.key > b.key
            }) else { continue }
            return (best.key, clue)
        }
        return nil
    }

    /// What a matched event says: the namespace of a Flux Service it names (captures `host`, else
    /// the host of `url`), and of a leader lease (capture `lease`, else the lease `text` names:
    /// pass the record's text for a signature that captures leases, nil for the others).
    public mutating func note(captures: [String: String], text: String?) {
        var host = captures["host"]
        if host == nil || host!.isEmpty, let url = captures["url"] { host = Self.host(ofURL: url) }
        if let host, !host.isEmpty {
            if lastHost?.host != host {
                lastHost = (host, Self.service(host: host).map { ($0.service == "source-controller" ? .artifactHost : .eventAddress, $0.namespace) })
            }
            if let said = lastHost?.said { note(said.clue, said.namespace) }
        }
        if let lease = captures["lease"], let ns = Self.namespace(ofLease: Substring(lease)) {
            note(.leaderLease, ns)
        } else if captures["lease"] == nil, let text, let lease = Self.leases(in: text).first, let ns = Self.namespace(ofLease: lease) {
            note(.leaderLease, ns)
        }
    }

    /// The Flux Service a host names and its namespace: `source-controller.flux.svc.cluster.local.`
    /// → (`source-controller`, `flux`); also `notification-controller`. The cluster domain may be
    /// any (`--cluster-domain`), or left out (`source-controller.flux.svc`); a name without `svc`
    /// as its third label (`source-controller.example.com`) names no namespace.
    public static func service(host: String) -> (service: String, namespace: String)? {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 3, labels[2] == "svc", labels[0] == "source-controller" || labels[0] == "notification-controller",
              isNamespace(labels[1]) else { return nil }
        return (String(labels[0]), String(labels[1]))
    }

    /// The host of `scheme://[user@]host[:port]/...`, nil when `url` has no `://`.
    static func host(ofURL url: String) -> String? {
        guard let r = url.firstRange(of: "://") else { return nil }
        var rest = url[r.upperBound...]
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.isEmpty ? nil : String(rest)
    }

    /// The namespace of a lease `<ns>/<name>`, nil for anything else.
    static func namespace(ofLease lease: Substring) -> String? {
        let parts = lease.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, isNamespace(parts[0]) else { return nil }
        return String(parts[0])
    }

    /// The Flux leader leases (`<ns>/<controller>-leader-election`) a record's payload names, in
    /// the order of client-go's wordings (leaderelection.go: `attempting to acquire leader lease %v...`,
    /// `successfully acquired lease %v`, `error retrieving resource lock %v: %v`, `failed to renew
    /// lease %v: %v`) and controller-runtime's `"lock":"ns/name"` member (zap's console encoder
    /// writes `"lock": "ns/name"`).
    static func leases(in payload: String) -> [Substring] {
        var out: [Substring] = []
        for key in ["\"lock\":\"", "\"lock\": \"", "leader lease ", "acquired lease ", "resource lock ", "renew lease "] {
            guard let range = payload.range(of: key) else { continue }
            let rest = payload[range.upperBound...].drop { $0 == " " }
            var value = rest.prefix { $0 != "\"" && $0 != " " && $0 != "\\" }
            while value.last == ":" { value = value.dropLast() }
            guard value.hasSuffix("-leader-election") || value.contains("-leader-election.") else { continue }
            // `attempting to acquire leader lease flux-system/x-leader-election...`
            while value.last == "." { value = value.dropLast() }
            out.append(value)
        }
        return out
    }

    /// A Kubernetes namespace name: a DNS-1123 label (lowercase letters, digits and `-`, at most
    /// 63, starting and ending with a letter or digit).
    static func isNamespace<S: StringProtocol>(_ s: S) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, let last = u.last, u.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        return alnum(first) && alnum(last) && u.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }
}
