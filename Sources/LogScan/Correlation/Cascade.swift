/// An incident folded under the root incident it waits on (JSON `downstream`, `downstream_signals`;
/// docs/OUTPUT.md).
public struct DownstreamIncident: Sendable, Codable {
    /// The folded incident's own id (CONTRACT.md `id`), kept so a reader can match earlier output.
    public var id: String
    /// The objects whose reconciliation waited or failed (the folded incident's affected objects), sorted.
    public var objects: [ObjectRef]
    public var severity: Severity
    public var failureClass: String
    /// Event time, UTC.
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    /// The folded incident's evidence, as the correlator summarised it.
    public var signals: [SignalSummary]
    /// The objects its events name as what it waits on (dependsOn, sourceRef, health-checked objects,
    /// its HelmChart), sorted; empty when its lines name none (the wildcard waits of `Cascade`).
    public var waitsOn: [ObjectRef]
}

extension DownstreamIncident {
    /// `list` with the incidents of the same objects, class and `waitsOn` merged into one, by
    /// first seen, then id. A wait that stops and comes back (more than a window apart) is a new
    /// incident each time, and under a root that fails for days they pile up: 10 GiB of the
    /// benchmark corpus folded 1,793 under one incident, whose spill (`IncidentSpill`) took 2.2 MB
    /// of JSON and 12 MB of encoder memory, the peak of the whole scan. Everything that reads
    /// `downstream` reads it merged the same way: objects, `waitsOn`, the highest severity, the
    /// earliest first and newest last event, and per signature, controller and role the summed
    /// count, earliest and newest event, and the earliest event's place, text and captures (ties:
    /// the smaller text, then place, as `Incident.downstreamSignals` picks). The merged incident
    /// keeps the earliest one's id.
    static func merged(_ list: [DownstreamIncident]) -> [DownstreamIncident] {
        let sorted = list.sorted { a, b in a.firstSeen != b.firstSeen ? a.firstSeen < b.firstSeen : a.id < b.id }
        var out: [DownstreamIncident] = []
        var at: [[String]: Int] = [:]
        for d in sorted {
            let key = [d.failureClass] + d.objects.map(\.description) + ["\u{0}"] + d.waitsOn.map(\.description)
            guard let k = at[key] else {
                at[key] = out.count
                out.append(d)
                continue
            }
            out[k].severity = max(out[k].severity, d.severity)
            if d.lastSeen > out[k].lastSeen { out[k].lastSeen = d.lastSeen }
            for s in d.signals {
                guard let j = out[k].signals.firstIndex(where: { $0.signature == s.signature && $0.controller == s.controller && $0.role == s.role }) else {
                    out[k].signals.append(s)
                    continue
                }
                var x = out[k].signals[j]
                x.count += s.count
                let earlier = (s.firstSeen.map { f in x.firstSeen.map { f < $0 } ?? true } ?? false)
                    || (s.firstSeen == x.firstSeen && ((s.example?.text ?? "", s.location.file, s.location.line)
                        < (x.example?.text ?? "", x.location.file, x.location.line)))
                if earlier { x.firstSeen = s.firstSeen; x.location = s.location; x.example = s.example; x.captures = s.captures }
                if let l = s.lastSeen, x.lastSeen.map({ l > $0 }) ?? true { x.lastSeen = l }
                out[k].signals[j] = x
            }
        }
        return out
    }
}

/// Folds downstream symptoms under the incident of the first failing object they wait on
/// (DESIGN.md "Correlation and diagnosis": "Downstream symptoms ... fold under the first failing
/// node"). Runs after correlation and before diagnosis; the root keeps its own id, class, objects,
/// signals, span and status, so its hypotheses are scored exactly as if nothing had been folded.
///
/// Which incidents are symptoms: those of class `dependency` (every failure in
/// Patterns/signatures/dependencies.yaml: FLUX-LOGS.md 3.11) and `health-check` (FLUX-LOGS.md 3.3).
/// An edge X → Y means "X waits on Y", read from the symptom's events:
/// - a `dependency` capture (`ns/name`, FLUX-LOGS.md 3.11: `dependency '%s' is not ready`, helm's
///   `dependencies do not meet ready condition (%s)`): the object of X's kind (a Kustomization
///   depends on Kustomizations, a HelmRelease on HelmReleases) in that namespace;
/// - the upstream (`source_kind`/`source_namespace`/`source_name`: `Source 'Kind/ns/name' not found`,
///   `HelmChart 'ns/name' is not ready: ...`, FLUX-LOGS.md 3.11, 3.2), or the upstream the correlator
///   learned for X's object from other events;
/// - a health check's `objects` list (`timeout waiting for: [Kind/ns/name status: '...', ...]`,
///   `Health check failed for [Kind 'ns/name', ...]`) or `object` (`can't determine status for ...`),
///   FLUX-LOGS.md 3.3;
/// - a HelmRelease `ns/name`: the HelmChart named `ns-name` in any namespace (source-controller
///   names the chart it builds for a release `<release namespace>-<release name>` and creates it
///   in the source's namespace; FLUX-LOGS.md 1.4 and 3.2 `helmchart/podinfo/podinfo-podinfo`).
/// Two waits name nothing: kustomize-controller's `Source artifact not found, retrying in 30s`
/// (its sourceRef has no artifact yet) and `Dependencies do not meet ready condition, retrying in
/// 30s` (FLUX-LOGS.md 3.11; the dependency's name is only in the Ready condition). They are
/// wildcard edges: to any failing source object (GitRepository, OCIRepository, Bucket,
/// ExternalArtifact), or any other object of the waiter's kind, overlapping in time, in any
/// namespace; a wildcard folds only when exactly one root is found.
///
/// A root is an incident with a failure of its own that is not a symptom, or a health-check
/// timeout whose checked objects lead to no other failure (the workload itself is the failure).
/// Edges are followed transitively (a fixed point over all incidents at once, so the result does
/// not depend on input order) to the root; a cycle (A dependsOn B dependsOn A) leads nowhere and
/// ends. A symptom folds into its root only when their spans overlap within the window; the root's
/// severity becomes the highest of all. Several roots: the most severe, then the earliest, then the
/// smallest id. A symptom with no root stays an incident of its own.
public struct Cascade {
    /// The gap in event time within which a symptom and its root must overlap, in milliseconds.
    public var windowMillis: Int64
    /// At most this many candidate incidents are looked at for one wildcard wait; a wait with more
    /// is not folded and counted in `Result.wildcardsOverCap`.
    public var wildcardCandidateCap = 512
    /// At most this many resolution passes; reaching it is counted in `Result.passCapHit`.
    public var passCap = 256

    public init(windowSeconds: Double = 900) {
        windowMillis = Int64(windowSeconds * 1000)
    }

    /// The incidents after folding, and what the caps left unfolded.
    public struct Result: Sendable {
        public var incidents: [Incident]
        /// Wildcard waits not folded because they had more than `wildcardCandidateCap` candidates.
        public var wildcardsOverCap = 0
        /// True when resolution stopped at `passCap` passes (some symptoms may be left unfolded).
        public var passCapHit = false

        /// Human-readable warnings for the caps that were hit (empty when none).
        public var warnings: [String] {
            var w: [String] = []
            if wildcardsOverCap > 0 {
                w.append("\(wildcardsOverCap) downstream wait(s) that name no object had too many candidate incidents to pick a root; they stay incidents of their own")
            }
            if passCapHit { w.append("folding downstream incidents stopped after its pass limit; some stay incidents of their own") }
            return w
        }
    }

    /// Source kinds a Kustomization's sourceRef can name (kustomize-controller v1 `spec.sourceRef.kind`).
    static let sourceKinds: Set<String> = ["GitRepository", "OCIRepository", "Bucket", "ExternalArtifact"]
    /// Incident classes whose failures are waits on another object.
    static let symptomClasses: Set<String> = ["dependency", "health-check"]
    /// Signatures whose line names no source: the sourceRef has no artifact (FLUX-LOGS.md 3.11).
    static let anySourceSignatures: Set<String> = ["source-artifact-not-ready"]
    /// Signatures whose line may name no dependency (kustomize-controller's form, FLUX-LOGS.md 3.11).
    static let anyDependencySignatures: Set<String> = ["dependency-not-ready"]

    /// What one symptom incident waits on.
    struct Waits {
        var named: Set<ObjectRef> = []
        /// HelmChart names, any namespace.
        var chartNames: Set<String> = []
        /// Wildcard: some failing source object.
        var anySource = false
        /// Wildcard: some other object of this kind (its dependsOn).
        var anyOfKind: String?
    }

    /// How long after a waiter's last wait its blocker's failures may still come (milliseconds):
    /// the 30 s dependsOn retry, twice, for clock skew between controllers.
    static let waitRetrySlackMillis: Int64 = 60_000

    /// Folds `incidents` (the correlator's output, in its order) using the events they came from
    /// (`occurrences`, in `Correlator.before` order). Returns the incidents in the correlator's order
    /// (severity, status, first seen, id), roots updated.
    /// - Parameter controllersRead: the controllers whose records the input held (`ScanResult.activity`'s
    ///   keys); a wait on a source stands in for it only when the source's controller is not
    ///   among them. Nil: none stands in.
    public func fold(_ incidents: [Incident], occurrences: [Occurrence], controllersRead: Set<String>? = nil) -> Result {
        var result = Result(incidents: incidents)
        let n = incidents.count
        guard n > 1 else { return result }

        // Events of symptom classes by object (indices into `occurrences`, not copies: at a close
        // of a long stream these were 2 MB of its peak), to read what each symptom incident waits on.
        var symptomEvents: [ObjectRef: [Int32]] = [:]
        for (k, o) in occurrences.enumerated() where o.role == .failure || o.role == .wrapper {
            guard Cascade.symptomClasses.contains(o.failureClass) else { continue }
            if let obj = o.object { symptomEvents[obj, default: []].append(Int32(k)) }
        }
        var byObject: [ObjectRef: [Int]] = [:]
        var byKind: [String: [Int]] = [:]
        var chartsByName: [String: [Int]] = [:]
        for (i, inc) in incidents.enumerated() {
            for obj in inc.affected {
                byObject[obj, default: []].append(i)
                if byKind[obj.kind]?.last != i { byKind[obj.kind, default: []].append(i) }
                if obj.kind == "HelmChart" { chartsByName[obj.name, default: []].append(i) }
            }
        }
        var waits: [Waits?] = Array(repeating: nil, count: n)
        for (i, inc) in incidents.enumerated() where Cascade.symptomClasses.contains(inc.failureClass) {
            // `waits` reads only the events that begin and end within the incident: each object's
            // list is in `Correlator.before` order (by `first`), so those that begin within it
            // are one slice, found by a binary search (an object failing all day has thousands).
            waits[i] = Cascade.waits(of: inc, events: inc.affected.flatMap { obj -> [Occurrence] in
                guard let list = symptomEvents[obj] else { return [] }
                let from = inc.firstSeen.millis, to = inc.lastSeen.millis
                var lo = 0, hi = list.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if occurrences[Int(list[mid])].first.millis < from { lo = mid + 1 } else { hi = mid }
                }
                var end = lo
                while end < list.count, occurrences[Int(list[end])].first.millis <= to { end += 1 }
                return list[lo..<end].map { occurrences[Int($0)] }
            })
        }

        // A wait that names a source object (GitRepository, OCIRepository, ...) with no incident
        // of its own in this input stands in for that source: its controller's log was not read
        // (kustomize-controller's log piped alone), so the wait is the only failure that names it
        // (a health check's `timeout waiting for: [GitRepository/ns/name status: 'InProgress',
        // ...]`). The waits that name no source (`Source artifact not found`) may fold under it
        // as under the source's own incident.
        var standIn: [Set<ObjectRef>] = Array(repeating: [], count: n)
        for i in 0..<n {
            guard let w = waits[i], let read = controllersRead else { continue }
            // A HelmChart too: helm-controller's `HelmChart 'ns/name' is not ready` with
            // source-controller's log not read (trial 15: a HelmRelease with dependsOn on the
            // waiting one stayed an incident of its own, samples/helmchart-cascade's frontend too).
            standIn[i] = w.named.filter { obj in
                (Cascade.sourceKinds.contains(obj.kind) || obj.kind == "HelmChart") && byObject[obj] == nil
                    && !read.contains(FluxControllers.controller(kind: obj.kind) ?? "source-controller")
            }
            for obj in standIn[i] where byKind[obj.kind]?.last != i { byKind[obj.kind, default: []].append(i) }
        }

        func overlaps(_ a: Int, _ b: Int) -> Bool {
            let x = incidents[a], y = incidents[b]
            return y.firstSeen.millis <= x.lastSeen.millis + windowMillis && y.lastSeen.millis >= x.firstSeen.millis - windowMillis
        }
        // Incidents of the objects `w` names, overlapping `i`, other than `i`.
        func namedCandidates(_ i: Int, _ w: Waits) -> [Int] {
            var out = Set<Int>()
            for t in w.named { for j in byObject[t] ?? [] where j != i && overlaps(i, j) { out.insert(j) } }
            for c in w.chartNames { for j in chartsByName[c] ?? [] where j != i && overlaps(i, j) { out.insert(j) } }
            return out.sorted()
        }
        // A wait that ended (the waiter resolved: `All dependencies are ready`, the source
        // ready) while a candidate kept failing was not a wait on that candidate: once what it
        // waits on is ready, a waiter goes on at its next retry (kustomize-controller requeues a
        // dependsOn wait every 30 s, FLUX-LOGS.md 1.4), so its blocker's failures end before the
        // waiter's last wait plus that retry. Named waits are not judged by this: the log names them.
        func outlived(_ waiter: Int, _ candidate: Int) -> Bool {
            let w = incidents[waiter]
            return w.status == .resolved && incidents[candidate].lastSeen.millis > w.lastSeen.millis + Cascade.waitRetrySlackMillis
        }
        func better(_ a: Int, than b: Int) -> Bool {
            let x = incidents[a], y = incidents[b]
            if x.severity != y.severity { return x.severity > y.severity }
            if x.firstSeen != y.firstSeen { return x.firstSeen < y.firstSeen }
            return x.id < y.id
        }
        func best(_ roots: Set<Int>) -> Int? { roots.min { better($0, than: $1) } }

        // root[i] == i: a root; nil: a symptom not resolved (yet).
        var root: [Int?] = (0..<n).map { waits[$0] == nil ? $0 : nil }
        // A health check whose checked objects have no incident at all failed on its own.
        for i in 0..<n where incidents[i].failureClass == "health-check" {
            if let w = waits[i], w.anyOfKind == nil, !w.anySource, namedCandidates(i, w).isEmpty { root[i] = i }
        }

        func rootsOf(_ i: Int, _ js: [Int], _ state: [Int?]) -> Set<Int> {
            Set(js.compactMap { j in state[j].flatMap { r in r != i && overlaps(i, r) ? r : nil } })
        }
        func namedPass() -> Bool {
            let state = root
            var changed = false
            for i in 0..<n where state[i] == nil {
                guard let w = waits[i] else { continue }
                if let r = best(rootsOf(i, namedCandidates(i, w), state)) { root[i] = r; changed = true }
            }
            return changed
        }
        func wildcardPass() -> Bool {
            let state = root
            var changed = false
            for i in 0..<n where state[i] == nil {
                guard let w = waits[i], w.anySource || w.anyOfKind != nil else { continue }
                let kinds = w.anySource ? Cascade.sourceKinds : [w.anyOfKind!]
                let own = Set(incidents[i].affected)
                var candidates: [Int] = []
                var looked = 0
                scan: for k in kinds.sorted() {
                    for j in byKind[k] ?? [] where j != i && overlaps(i, j) && !outlived(i, j) {
                        if looked > wildcardCandidateCap { break scan }
                        let objs = (incidents[j].affected + standIn[j]).filter { $0.kind == k && !own.contains($0) }
                        if objs.isEmpty { continue }
                        looked += 1
                        candidates.append(j)
                    }
                }
                if looked > wildcardCandidateCap {
                    result.wildcardsOverCap += 1
                    waits[i]!.anySource = false
                    waits[i]!.anyOfKind = nil
                    continue
                }
                // One root among every candidate, in any namespace: a wait that names nothing is
                // not given to the failure in its own namespace when another namespace has one too
                // (a trial: a Kustomization's dependsOn was given to its namespace's SOPS failure
                // while flux-system/infra-configs failed as well; dependsOn and sourceRef may
                // name another namespace).
                let roots = rootsOf(i, candidates, state)
                if roots.count == 1 {
                    root[i] = roots.first!
                    changed = true
                } else if roots.count > 1 {
                    // Roots only ever get added, so an ambiguous wait stays ambiguous: stop looking.
                    waits[i]!.anySource = false
                    waits[i]!.anyOfKind = nil
                }
            }
            return changed
        }
        // Health checks still unresolved failed on their own: first those whose checked objects'
        // incidents are all resolved, then the waits standing in for a source with no incident
        // (the top of their chain: the other waits may fold under them), else (a cycle of health
        // checks) all of them.
        func promote() -> Bool {
            let open = (0..<n).filter { root[$0] == nil && incidents[$0].failureClass == "health-check" }
            let leaves = open.filter { i in namedCandidates(i, waits[i]!).allSatisfy { root[$0] != nil } }
            let standing = (0..<n).filter { root[$0] == nil && !standIn[$0].isEmpty }
            let promoted = !leaves.isEmpty ? leaves : !standing.isEmpty ? standing : open
            for i in promoted { root[i] = i }
            return !promoted.isEmpty
        }

        var passes = 0, settled = false
        while !settled && passes < passCap {
            passes += 1
            settled = !namedPass() && !wildcardPass() && !promote()
        }
        if !settled { result.passCapHit = true }

        // Fold.
        var folded: [Int: [Int]] = [:]
        var gone = Set<Int>()
        for i in 0..<n {
            guard let r = root[i], r != i, root[r] == r, overlaps(i, r) else { continue }
            folded[r, default: []].append(i)
            gone.insert(i)
        }
        if folded.isEmpty, !standIn.contains(where: { !$0.isEmpty }) { return result }
        // At its exact size, sorted in place: a close folds every incident it correlated, and
        // growth by doubling or a sorted copy held the list one and a half or two times over.
        var out: [Incident] = []
        out.reserveCapacity(n - gone.count)
        for i in 0..<n {
            if gone.contains(i) { continue }
            var inc = incidents[i]
            if let members = folded[i] {
                for j in members {
                    let d = incidents[j]
                    let w = waits[j]!
                    let charts = w.chartNames.flatMap { chartsByName[$0] ?? [] }.filter { overlaps(j, $0) }
                        .flatMap { incidents[$0].affected }.filter { $0.kind == "HelmChart" && w.chartNames.contains($0.name) }
                    inc.downstream.append(DownstreamIncident(
                        id: d.id, objects: d.affected, severity: d.severity, failureClass: d.failureClass,
                        firstSeen: d.firstSeen, lastSeen: d.lastSeen, signals: d.signals,
                        waitsOn: (Array(w.named) + charts).uniqueSorted()))
                    inc.severity = max(inc.severity, d.severity)
                    if let due = d.nextTryDue { inc.nextTryDue = max(inc.nextTryDue ?? due, due) }
                    inc.runs += d.runs
                }
                inc.downstream = DownstreamIncident.merged(inc.downstream)
                let summary = Cascade.describe(inc.downstreamObjects)
                if !summary.isEmpty { inc.title += " (\(summary) waiting on it)" }
            }
            // Named unless the title names them already (`Source object not found for GitRepository/...`).
            if root[i] == i, !standIn[i].isEmpty, !standIn[i].contains(where: { inc.title.contains($0.description) }) {
                inc.title += Cascade.unread(standIn[i])
            }
            out.append(inc)
        }
        // The report's order (`ReportOrdered`), as the correlator gives it.
        out.sort { $0.precedes(inReport: $1) }
        result.incidents = out
        return result
    }

    /// Reads what a symptom incident waits on from its events (see the type's documentation).
    static func waits(of inc: Incident, events: [Occurrence]) -> Waits {
        var w = Waits()
        let own = Set(inc.affected)
        if let u = inc.upstream, !own.contains(u) { w.named.insert(u) }
        for o in events where inc.signatures.contains(o.signature)
            && o.first.millis >= inc.firstSeen.millis && o.last.millis <= inc.lastSeen.millis {
            guard let obj = o.object else { continue }
            var namedDependency = false
            // The capture sets read in place (`PackedCaptures.value`): no dictionary per event.
            for packed in CollectionOfOne(o.packedCaptures) + o.packedOtherCaptures {
                if let d = PackedCaptures.value(of: "dependency", in: packed), let ref = Cascade.dependency(d, of: obj) {
                    w.named.insert(ref)
                    namedDependency = true
                }
                if let list = PackedCaptures.value(of: "objects", in: packed) { w.named.formUnion(Cascade.objectList(list)) }
                if o.failureClass == "health-check", let one = PackedCaptures.value(of: "object", in: packed),
                   let ref = ObjectRef(parsing: one) { w.named.insert(ref) }
            }
            if var u = o.upstream {
                if u.namespace.isEmpty { u.namespace = obj.namespace }
                w.named.insert(u)
            } else if Cascade.anySourceSignatures.contains(o.signature), inc.upstream == nil || own.contains(inc.upstream!) {
                w.anySource = true
            }
            if Cascade.anyDependencySignatures.contains(o.signature), !namedDependency { w.anyOfKind = obj.kind }
            if obj.kind == "HelmRelease" { w.chartNames.insert("\(obj.namespace)-\(obj.name)") }
        }
        w.named.subtract(own)
        return w
    }

    /// What a title adds for the sources a wait stands in for (`fold`): `; GitRepository/ns/name
    /// not ready, source-controller's log not read` (the sources sorted; the controller that
    /// reconciles the first's kind).
    static func unread(_ sources: Set<ObjectRef>) -> String {
        let sorted = sources.sorted()
        let controller = FluxControllers.controller(kind: sorted[0].kind) ?? "its controller"
        return "; \(sorted.map(\.description).joined(separator: ", ")) not ready, \(controller)'s log not read"
    }

    /// `ns/name` (or `name`, in the waiter's namespace) as an object of the waiter's kind.
    static func dependency(_ text: String, of waiter: ObjectRef) -> ObjectRef? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !parts[0].isEmpty: return ObjectRef(kind: waiter.kind, namespace: waiter.namespace, name: String(parts[0]))
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: return ObjectRef(kind: waiter.kind, namespace: String(parts[0]), name: String(parts[1]))
        default: return nil
        }
    }

    /// The objects of a health check's list: fluxcd/pkg ssa `Kind/ns/name status: 'Status'[: err]`
    /// entries joined by `, ` (FLUX-LOGS.md 3.3), or kustomize-controller <= v0.14 `Kind 'ns/name'`.
    /// Text that is neither (an error message inside an entry) is skipped.
    static func objectList(_ list: String) -> [ObjectRef] {
        var text = list
        // ASCII (every list Flux writes) is read as bytes: a lasting health check's wait reads
        // thousands of these lists at each close (`waits`), and the Character-level reading was a
        // tenth of the whole run's time on the 1 GiB benchmark corpus.
        if let out = text.withUTF8({ objectList(ascii: $0) }) { return out }
        return objectListOfCharacters(list)
    }

    /// `objectList` over ASCII bytes; nil when there is a byte of 128 or more.
    static func objectList(ascii b: UnsafeBufferPointer<UInt8>) -> [ObjectRef]? {
        if b.contains(where: { $0 >= 0x80 }) { return nil }
        func string(_ from: Int, _ to: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self) }
        func find(_ needle: [UInt8], _ from: Int, _ to: Int) -> Int? {
            guard to - from >= needle.count else { return nil }
            var i = from
            while i <= to - needle.count {
                if b[i] == needle[0], (1..<needle.count).allSatisfy({ b[i + $0] == needle[$0] }) { return i }
                i += 1
            }
            return nil
        }
        func upper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        func hasSpace(_ from: Int, _ to: Int) -> Bool { (from..<to).contains { b[$0] == 0x20 } }
        // `ObjectRef(parsing:)` of the text from..<to, from its bytes: `Kind/ns/name` or `Kind/name`.
        func ref(_ from: Int, _ to: Int) -> ObjectRef? {
            var s1 = -1, s2 = -1, n = 0
            for i in from..<to where b[i] == 0x2F {
                n += 1
                if n == 1 { s1 = i } else if n == 2 { s2 = i } else { return nil }
            }
            if n == 2, s1 > from, s2 + 1 < to {
                return ObjectRef(kind: string(from, s1), namespace: string(s1 + 1, s2), name: string(s2 + 1, to))
            }
            if n == 1, s1 > from, s1 + 1 < to { return ObjectRef(kind: string(from, s1), namespace: "", name: string(s1 + 1, to)) }
            return nil
        }
        let status = Array(" status: ".utf8), quote = Array(" '".utf8), comma = Array(", ".utf8)
        var out: [ObjectRef] = []
        var start = 0
        while start <= b.count {
            // Pieces between ", " separators; empty ones are skipped.
            let end = find(comma, start, b.count) ?? b.count
            defer { start = end + 2 }
            var p = start
            while p < end, b[p] == 0x20 { p += 1 }
            guard p < end else { continue }
            if let r = find(status, p, end) {
                if !hasSpace(p, r), upper(b[p]), let o = ref(p, r) { out.append(o) }
            } else if let q = find(quote, p, end), b[end - 1] == 0x27, end - 1 >= q + 2 {
                // `Kind 'ns/name'`; a quote that only ends `Kind '` names nothing.
                let pathFrom = q + 2, pathTo = end - 1
                guard q > p, upper(b[p]), !hasSpace(p, q), !hasSpace(pathFrom, pathTo) else { continue }
                let slashes = (pathFrom..<pathTo).filter { b[$0] == 0x2F }
                if slashes.count == 1, slashes[0] > pathFrom, slashes[0] < pathTo - 1 {
                    out.append(ObjectRef(kind: string(p, q), namespace: string(pathFrom, slashes[0]), name: string(slashes[0] + 1, pathTo)))
                } else if slashes.isEmpty, pathFrom < pathTo {
                    out.append(ObjectRef(kind: string(p, q), namespace: "", name: string(pathFrom, pathTo)))
                }
            }
        }
        return out
    }

    /// `objectList` over Characters (text with non-ASCII bytes).
    static func objectListOfCharacters(_ list: String) -> [ObjectRef] {
        var out: [ObjectRef] = []
        for piece in list.split(separator: ", ") {
            let p = piece.drop { $0 == " " }
            if let r = p.range(of: " status: ") {
                let ref = p[..<r.lowerBound]
                if !ref.contains(" "), ref.first?.isUppercase == true, let o = ObjectRef(parsing: String(ref)) { out.append(o) }
            } else if let q = p.range(of: " '"), p.hasSuffix("'"), q.upperBound < p.endIndex {
                let kind = p[..<q.lowerBound], path = p[q.upperBound..<p.index(before: p.endIndex)]
                let nn = path.split(separator: "/", omittingEmptySubsequences: false)
                guard !kind.contains(" "), kind.first?.isUppercase == true, !path.contains(" ") else { continue }
                if nn.count == 2, !nn[0].isEmpty, !nn[1].isEmpty {
                    out.append(ObjectRef(kind: String(kind), namespace: String(nn[0]), name: String(nn[1])))
                } else if nn.count == 1, !nn[0].isEmpty {
                    out.append(ObjectRef(kind: String(kind), namespace: "", name: String(nn[0])))
                }
            }
        }
        return out
    }

    /// `5 Kustomizations, 2 HelmReleases` (kinds by count, then name); empty for no objects.
    public static func describe(_ objects: [ObjectRef]) -> String {
        let counts = Dictionary(grouping: objects, by: \.kind).mapValues(\.count)
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)\($0.value == 1 ? "" : "s")" }.joined(separator: ", ")
    }
}

extension Incident {
    /// Every object of the folded incidents that is not one of the root's own objects, sorted.
    public var downstreamObjects: [ObjectRef] {
        let own = Set(affected + (upstream.map { [$0] } ?? []))
        return downstream.flatMap(\.objects).filter { !own.contains($0) }.uniqueSorted()
    }
}

extension Array where Element == ObjectRef {
    func uniqueSorted() -> [ObjectRef] { Array(Set(self)).sorted() }
}

/// The evidence of one signature from one controller across the incidents folded under a root
/// (JSON `downstream_signals`, docs/OUTPUT.md).
public struct DownstreamSignal: Sendable {
    public var signature: String
    public var controller: String
    /// Events, summed over the folded incidents.
    public var count: Int
    /// The objects of the folded incidents that had this signal, sorted.
    public var objects: [ObjectRef]
    /// Event time, UTC.
    public var firstSeen: Timestamp?
    public var lastSeen: Timestamp?
    /// The earliest event's place and kept text (ties: the smaller text, then place).
    public var location: SourceLocation
    public var example: Example?

    /// Where the shown record is: `example`'s own place, else `location` (see `SignalSummary.examplePlace`).
    public var examplePlace: SourceLocation { example?.location ?? location }
}

extension Incident {
    /// The folded incidents' signals, one per (signature, controller): failures first, then by
    /// count (descending), then signature.
    public var downstreamSignals: [DownstreamSignal] {
        var by: [String: DownstreamSignal] = [:]
        for d in downstream {
            for s in d.signals {
                let key = s.signature + "\u{0}" + s.controller
                if var x = by[key] {
                    x.count += s.count
                    x.objects = (x.objects + d.objects).uniqueSorted()
                    let earlier = (s.firstSeen.map { f in x.firstSeen.map { f < $0 } ?? true } ?? false)
                        || (s.firstSeen == x.firstSeen && ((s.example?.text ?? "", s.location.file, s.location.line)
                            < (x.example?.text ?? "", x.location.file, x.location.line)))
                    if earlier { x.firstSeen = s.firstSeen; x.location = s.location; x.example = s.example }
                    if let l = s.lastSeen, x.lastSeen.map({ l > $0 }) ?? true { x.lastSeen = l }
                    by[key] = x
                } else {
                    by[key] = DownstreamSignal(signature: s.signature, controller: s.controller, count: s.count,
                                               objects: d.objects.uniqueSorted(), firstSeen: s.firstSeen, lastSeen: s.lastSeen,
                                               location: s.location, example: s.example)
                }
            }
        }
        let failures = Set(downstream.flatMap { $0.signals.filter { $0.role == .failure }.map { $0.signature + "\u{0}" + $0.controller } })
        return by.sorted { a, b in
            let fa = failures.contains(a.key), fb = failures.contains(b.key)
            if fa != fb { return fa }
            if a.value.count != b.value.count { return a.value.count > b.value.count }
            return a.key < b.key
        }.map(\.value)
    }
}

