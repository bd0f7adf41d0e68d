import Testing
@testable import LogScan

/// `EventStore.absorb`: events read into two stores (two inputs on two threads) and merged must
/// give what one store given the same events gives.
@Suite struct EventStoreTests {
    static let patterns = PatternLoader.shipped().set

    /// An event of signature `id` from kustomize-controller about Kustomization flux-system/`object`
    /// at `second` seconds past 09:00:00 UTC, 2026-03-02.
    static func event(_ id: String, _ second: Int64, object: String, captures: [String: String], file: String,
                      line: Int, level: Level, text: String) throws -> Event {
        let index = try #require(patterns.signatures.firstIndex { $0.id == id })
        let s = patterns.signatures[index]
        return Event(time: Timestamp(millis: 1_772_442_000_000 + second * 1000), controller: "kustomize-controller",
                     object: ObjectRef(kind: "Kustomization", namespace: "flux-system", name: object),
                     signature: s.id, severity: s.severity, role: s.role, failureClass: s.failureClass,
                     captures: captures, location: SourceLocation(file: file, line: line), level: level, text: text,
                     stream: 0, signatureIndex: index)
    }

    /// A connection-refused artifact fetch as kustomize-controller logs it (FLUX-LOGS.md 3.2,
    /// the seed's NetworkPolicy case) at `second` seconds past 09:00:00 UTC, 2026-03-02.
    static func refused(_ second: Int64, object: String, file: String, line: Int) throws -> Event {
        let text = "{\"level\":\"error\",\"msg\":\"Reconciliation failed after 3m35s\",\"error\":\"failed to download artifact, error: GET http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/sha.tar.gz giving up after 10 attempt(s): Get ...: dial tcp 10.43.12.7:80: connect: connection refused\"}"
        return try event("artifact-fetch-connection-refused", second, object: object,
                         captures: ["ip": "10.43.12.7", "port": "80", "source_kind": "gitrepository",
                                    "source_namespace": "flux-system", "source_name": "flux-system"],
                         file: file, line: line, level: .error, text: text + "\(second)")
    }

    static func summary(_ store: EventStore) -> [String] {
        store.occurrences().map {
            "\($0.signature) \($0.controller) \($0.object?.description ?? "-") \($0.upstream?.description ?? "-") \($0.first.millis)-\($0.last.millis) ×\($0.count) \($0.location)"
        }.sorted()
    }

    /// A kustomize-controller wait on a dependsOn target (FLUX-LOGS.md 3.11,
    /// `Dependencies do not meet ready condition, retrying in 30s`; class `dependency`, a symptom
    /// class `Cascade.waits` reads) at `second` seconds past 09:00:00 UTC, 2026-03-02.
    static func waiting(_ second: Int64, object: String, line: Int) throws -> Event {
        let text = "{\"level\":\"info\",\"msg\":\"Dependencies do not meet ready condition, retrying in 30s\",\"controller\":\"kustomization\",\"Kustomization\":{\"name\":\"\(object)\",\"namespace\":\"flux-system\"}}"
        return try event("dependency-not-ready", second, object: object, captures: [:], file: "k.log", line: line, level: .info, text: text)
    }

    /// Runs at 0, 70, 150, 230, 500 and 560 s with a 120 s window (60 s buckets: six runs); the
    /// last two follow the first four 270 s after they ended.
    static let seconds: [Int64] = [0, 70, 150, 230, 500, 560]

    /// `EventStore.chains` and `settle(runs:chains:)`: the old runs of an incident that stays open
    /// merge into one run per chain (issue "Archives and folders", memory). Failures of a class
    /// that is not a symptom class (the refused artifact fetch, class `artifact-fetch`) make one
    /// chain across the 270 s gap: the incident's other events fill it, or it would not be one.
    @Test func oldRunsOfAnOpenIncidentMergeByChain() throws {
        let events = try Self.seconds.map { try Self.refused($0, object: "apps", file: "k.log", line: Int($0) + 1) }
        let store = EventStore(patterns: Self.patterns, windowSeconds: 120)
        for e in events { store.add(e, signatureIndex: e.signatureIndex) }
        #expect(store.runCount == 6)
        let chains = store.chains(in: [Array(0..<6)], endingBefore: .max)
        #expect(chains.map(\.count) == [6])
        // Runs that end at or after the cutoff stay as they are.
        #expect(store.chains(in: [Array(0..<6)], endingBefore: events[4].time!.millis).map(\.count) == [4])
        // Runs of two incidents never merge.
        #expect(store.chains(in: [Array(0..<2), Array(2..<6)], endingBefore: .max).map(\.count).sorted() == [2, 4])
        #expect(store.settle(runs: [], chains: chains) == 5)
        let runs = store.occurrences()
        #expect(runs.map(\.count) == [6])
        #expect(runs.map { ($0.last.millis - $0.first.millis) / 1000 } == [560])
        #expect(runs.allSatisfy { $0.summary && $0.namingCount == 1 })
        #expect(runs[0].location == SourceLocation(file: "k.log", line: 1))
        #expect(runs[0].example?.text.hasSuffix("}0") == true)
        // The later runs' namings of their GitRepository keep their own times: the one within a
        // window of the oldest run left (the merged one, from 0 s) counts now, the other four
        // when the correlator reaches them.
        let kustomization = ObjectRef(kind: "Kustomization", namespace: "flux-system", name: "apps")
        let repository = try #require(events[0].upstream)
        #expect(store.learnedUpstreams.counts[kustomization]?[repository] == 1)
        #expect(store.learnedUpstreams.pending.map { $0.first / 1000 - 1_772_442_000 } == [150, 230, 500, 560])
    }

    /// A chain's first run gives the merged run its kept text, so runs with no kept text before
    /// the first that has one chain apart. With no text kept per key (`examplesPerKey` 0), only
    /// the run at 500 s keeps one (more than a window after the one before): 0-230 s are one
    /// chain with no text, 500-560 s another beginning at its text.
    @Test func runsWithoutTextChainApartFromTheFirstText() throws {
        let store = EventStore(patterns: Self.patterns, windowSeconds: 120)
        store.examplesPerKey = 0
        for second in Self.seconds {
            let e = try Self.refused(second, object: "apps", file: "k.log", line: Int(second) + 1)
            store.add(e, signatureIndex: e.signatureIndex)
        }
        let chains = store.chains(in: [Array(0..<6)], endingBefore: .max)
        #expect(chains.map(\.count).sorted() == [2, 4])
        store.settle(runs: [], chains: chains)
        let runs = store.occurrences().sorted { $0.first < $1.first }
        #expect(runs.map(\.count) == [4, 2])
        #expect(runs[0].example == nil)
        #expect(runs[1].example?.text.hasSuffix("}500") == true)
    }

    /// Runs of a symptom class (`dependency`): `Cascade.waits` reads of them what lies wholly
    /// within a waiting incident's span, so a merged run never straddles the first or last event
    /// of another symptom incident holding the same object and signature (or still growing).
    @Test func symptomChainsNeverStraddleAnotherWaitingIncident() throws {
        let store = EventStore(patterns: Self.patterns, windowSeconds: 120)
        store.examplesPerKey = 10  // every run keeps its text, so texts never split a chain here
        for second in Self.seconds {
            let e = try Self.waiting(second, object: "apps", line: Int(second) + 1)
            store.add(e, signatureIndex: e.signatureIndex)
        }
        let start = Timestamp(millis: 1_772_442_000_000)
        func incident(_ from: Int64, _ to: Int64, object: String) -> Incident {
            Incident(id: "\(from)", title: "", severity: .warning, status: .open,
                     firstSeen: Timestamp(millis: start.millis + from * 1000), lastSeen: Timestamp(millis: start.millis + to * 1000),
                     controllers: ["kustomize-controller"], objects: [], upstream: nil,
                     affected: [ObjectRef(kind: "Kustomization", namespace: "flux-system", name: object)],
                     failureClass: "dependency", signals: [], signatures: ["dependency-not-ready"])
        }
        func chains(_ others: [Incident], cutoff: Int64 = .max) -> [Int] {
            store.chains(in: [Array(0..<6)] + others.map { _ in [] }, endingBefore: cutoff,
                         incidents: [incident(0, 600, object: "apps")] + others).map(\.count).sorted()
        }
        // Without the incidents, the window rule: the 270 s gap splits.
        #expect(store.chains(in: [Array(0..<6)], endingBefore: .max).map(\.count).sorted() == [2, 4])
        // Alone: one chain.
        #expect(chains([]) == [6])
        // Another wait on the same object from 100 s: the runs before it and those after.
        #expect(chains([incident(100, 700, object: "apps")]) == [2, 4])
        // One that ended at 200 s: the runs that ended by then and the rest.
        #expect(chains([incident(-60, 200, object: "apps")]) == [3, 3])
        // About another object, or holding the whole span: nothing to straddle.
        #expect(chains([incident(100, 400, object: "infra")]) == [6])
        #expect(chains([incident(-60, 700, object: "apps")]) == [6])
        // Still growing (it ends after the cutoff), it may hold the object later.
        #expect(chains([incident(300, 800, object: "infra")], cutoff: start.millis + 700_000) == [2, 4])
    }

    /// Capture sets no run, timeline or evidence key holds any more leave the store when runs
    /// settle (`EventStore.retireCaptures`), but still count once against the cap per signature:
    /// with a cap of 3 sets, `z` (the signature's first), `a` (settled, retired, then seen again)
    /// and `b` fill it, and only `c` folds, as when nothing is settled.
    @Test func retiredCaptureSetsStillCountOnce() throws {
        let tested = Set(Self.patterns.hypotheses.flatMap { ($0.supports + $0.contradicts).filter { $0.capture != nil }.flatMap(\.signals) })
        let index = try #require(Self.patterns.signatures.firstIndex { $0.role == .failure && !tested.contains($0.id) })
        func event(_ second: Int64, ip: String) throws -> Event {
            var e = try Self.refused(second, object: "apps", file: "k.log", line: Int(second) + 1)
            e.signature = Self.patterns.signatures[index].id
            e.signatureIndex = index
            e.captures = ["ip": ip]
            return e
        }
        for retire in [false, true] {
            let store = EventStore(patterns: Self.patterns, windowSeconds: 120)
            store.captureSetsPerSignature = 3
            store.add(try event(0, ip: "z"), signatureIndex: index)
            store.add(try event(1000, ip: "a"), signatureIndex: index)
            if retire {
                store.settle(runs: [1])
                #expect(!store.sizes.contains("capture sets 3,"))
            }
            for (second, ip) in [(2000, "a"), (3000, "b"), (4000, "c")] { store.add(try event(Int64(second), ip: ip), signatureIndex: index) }
            #expect(store.foldedCaptures[Int32(index)] == 1, "settled: \(retire)")
            let ips = store.occurrences().map { $0.captures["ip"] ?? "-" }
            #expect(ips.suffix(3) == ["a", "b", "z"], "settled: \(retire)")
        }
    }

    /// Kept texts that outlive a close are deflated (`Example.compacted()`) and read back whole:
    /// the seed's refused-fetch record from samples/networkpolicy-9090.
    @Test func compactedExampleReadsBackTheSameText() throws {
        let record = #"{"level":"info","ts":"2026-11-24T02:41:12.479Z","msg":"request failed","controller":"kustomization","controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization","Kustomization":{"name":"apps","namespace":"flux-system"},"namespace":"flux-system","name":"apps","reconcileID":"4796076a-fbf1-4748-93c8-b6cb55f76e87","error":"Get \"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/dd1f1fe7e70db0348a411049e90755f4ceb115fc.tar.gz\": dial tcp 10.43.89.232:80: connect: connection refused","method":"GET","url":"http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/flux-system/dd1f1fe7e70db0348a411049e90755f4ceb115fc.tar.gz"}"#
        let place = SourceLocation(file: "kustomize-controller.log", line: 3)
        let example = Example(location: place, text: record).compacted()
        guard case .deflated(let bytes, let count) = example.storage else { Issue.record("not deflated"); return }
        #expect(count == record.utf8.count)
        #expect(bytes.count * 2 < record.utf8.count)
        #expect(example.text == record)
        #expect(example.location == place)
        let short = Example(location: place, text: "Reconciler error")
        guard case .plain(let text) = short.compacted().storage else { Issue.record("deflated"); return }
        #expect(text == "Reconciler error")
    }

    /// A capture set packed into one string and back (EventStore's storage of capture sets), with
    /// the captures of the seed's refused fetch and values holding the separator and digits.
    @Test func packedCapturesRoundTrip() {
        let refused = ["ip": "10.43.12.7", "port": "80", "source_kind": "gitrepository",
                       "source_namespace": "flux-system", "source_name": "flux-system"]
        #expect(PackedCaptures.pack(["port": "80"]) == "4:port2:80")
        #expect(PackedCaptures.pack([:]) == "")
        let tricky = ["object": "Kustomization/flux-system/apps: 3:x", "empty": "", "né": "12:ü"]
        for c in [refused, tricky, [:]] { #expect(PackedCaptures.unpack(PackedCaptures.pack(c)) == c) }
        #expect(PackedCaptures.pack(refused) == PackedCaptures.pack(refused.merging(["ip": "10.43.12.7"]) { a, _ in a }))
        // A long set (kustomize-controller's health-check timeout names every object it waited
        // for, FLUX-LOGS.md: `timeout waiting for: [Deployment/ns/name status: 'InProgress', ...]`)
        // is kept deflated, and equal sets still pack equal.
        let objects = (1...16).map { "Deployment/apps/service-\($0) status: 'InProgress'" }.joined(separator: ", ")
        let health = ["duration": "5m0.836441815s", "objects": objects]
        let packed = PackedCaptures.pack(health)
        #expect(packed.hasPrefix("~"))
        #expect(packed.utf8.count < objects.utf8.count / 2)
        #expect(PackedCaptures.unpack(packed) == health)
        #expect(PackedCaptures.pack(health.merging(["duration": "5m0.836441815s"]) { _, b in b }) == packed)
    }

    /// `value(of:in:)` reads one value in place as `unpack(_:)[key]` finds it: plain and deflated
    /// sets, keys that are prefixes of others, non-ASCII keys and values, and absent keys.
    @Test func packedCaptureValueIsTheUnpackedOne() {
        let objects = (1...16).map { "Deployment/apps/service-\($0) status: 'InProgress'" }.joined(separator: ", ")
        let sets: [[String: String]] = [
            [:], ["port": "80"], ["p": "1", "port": "80", "po": ""],
            ["object": "Kustomization/flux-system/apps: 3:x", "empty": "", "né": "12:ü"],
            ["duration": "5m0.836441815s", "objects": objects],
        ]
        for c in sets {
            let packed = PackedCaptures.pack(c)
            for key in ["port", "p", "po", "ports", "object", "empty", "né", "ne\u{301}", "duration", "objects", "", "missing"] {
                #expect(PackedCaptures.value(of: key, in: packed) == PackedCaptures.unpack(packed)[key])
            }
        }
    }

    @Test func twoStoresMergedEqualOne() throws {
        let a = try [0, 40, 80, 700, 3600].map { try Self.refused($0, object: "apps", file: "a.log", line: Int($0) + 1) }
        let b = try [20, 60, 900, 3610].map { try Self.refused($0, object: "apps", file: "b.log", line: Int($0) + 1) }
            + [try Self.refused(30, object: "infra", file: "b.log", line: 31)]
        let index = a[0].signatureIndex
        let one = EventStore(patterns: Self.patterns, windowSeconds: 900)
        for e in a + b { one.add(e, signatureIndex: index) }
        let left = EventStore(patterns: Self.patterns, windowSeconds: 900)
        let right = EventStore(patterns: Self.patterns, windowSeconds: 900)
        for e in a { left.add(e, signatureIndex: index) }
        for e in b { right.add(e, signatureIndex: index) }
        left.absorb(right)
        #expect(Self.summary(left) == Self.summary(one))
        // 10 events, 7.5-minute buckets: apps in [0, 450) s, [450, 900), [900, 1350), [3600, 4050); infra once.
        #expect(Self.summary(one).count == 5)
        #expect(left.occurrences().reduce(0) { $0 + $1.count } == 10)
    }

    @Test func theSameRecordInBothInputsCountsOnce() throws {
        let e = try Self.refused(10, object: "apps", file: "a.log", line: 11)
        var again = e
        again.location = SourceLocation(file: "copy-of-a.log", line: 11)
        let left = EventStore(patterns: Self.patterns, windowSeconds: 900)
        let right = EventStore(patterns: Self.patterns, windowSeconds: 900)
        left.add(e, signatureIndex: e.signatureIndex)
        right.add(again, signatureIndex: e.signatureIndex)
        right.add(try Self.refused(11, object: "apps", file: "copy-of-a.log", line: 12), signatureIndex: e.signatureIndex)
        left.absorb(right)
        let runs = left.occurrences()
        #expect(runs.count == 1)
        #expect(runs.first?.count == 2)
        #expect(left.duplicates == 1)
        #expect(runs.first?.location == SourceLocation(file: "a.log", line: 11))
    }

    @Test func absorbIntoAnEmptyStoreAdoptsIt() throws {
        let e = try Self.refused(10, object: "apps", file: "a.log", line: 11)
        let part = EventStore(patterns: Self.patterns, windowSeconds: 900)
        part.add(e, signatureIndex: e.signatureIndex)
        let whole = EventStore(patterns: Self.patterns, windowSeconds: 900)
        #expect(whole.isEmpty)
        whole.absorb(part)
        #expect(Self.summary(whole) == ["artifact-fetch-connection-refused kustomize-controller Kustomization/flux-system/apps GitRepository/flux-system/flux-system 1772442010000-1772442010000 ×1 a.log:11"])
    }

    /// `Reconciliation failed after <duration>`: every record has its own duration (FLUX-LOGS.md
    /// 3.1). A day of them at one per 10 minutes (144) keeps each its own captures; past the cap
    /// they fold into the first set and are counted.
    @Test func distinctCapturesStayTheirOwnUntilTheCap() throws {
        let store = EventStore(patterns: Self.patterns, windowSeconds: 900)
        var events: [Event] = []
        for k in 0..<144 {
            var e = try Self.refused(Int64(k) * 600, object: "apps", file: "a.log", line: k + 1)
            e.captures["ip"] = "10.43.12.\(k)"
            events.append(e)
        }
        for e in events { store.add(e, signatureIndex: e.signatureIndex) }
        let ips = Set(store.occurrences().compactMap { $0.captures["ip"] })
        #expect(ips.count == 144)
        #expect(store.foldedCaptures.isEmpty)

        let small = EventStore(patterns: Self.patterns, windowSeconds: 900)
        small.captureSetsPerSignature = 100
        for e in events { small.add(e, signatureIndex: e.signatureIndex) }
        #expect(Set(small.occurrences().compactMap { $0.captures["ip"] }).count == 100)
        #expect(small.foldedCaptures.values.reduce(0, +) == 44)
    }

    /// Whether a record's text is kept depends on its own input only, and a run's text is its
    /// first record's: a sidecar read a rotated `0.log.<time>.gz` after the live `0.log` (one
    /// store, `follow`), the live file's records used up the three texts kept per (signature,
    /// controller, object), and the run showed the rotated file's line 10 with a live record's
    /// text; `follow` and `scan` gave the incident different ids. Here the live file's three
    /// refused fetches of one minute come first, then the rotated file's earlier one: the run's
    /// place and text are the rotated file's record, in one store or in two merged.
    @Test func theEarliestRecordGivesTheRunItsTextInAnyOrder() throws {
        func events() throws -> [Event] {
            try [(50, 3), (40, 2), (30, 1), (10, 10)].map { (second: Int64, line: Int) in
                var e = try Self.refused(second, object: "apps", file: line == 10 ? "0.log.20261124-093622.gz" : "0.log", line: line)
                e.stream = line == 10 ? 1 : 0
                return e
            }
        }
        let one = EventStore(patterns: Self.patterns, windowSeconds: 120)
        for e in try events() { one.add(e, signatureIndex: e.signatureIndex) }
        let live = EventStore(patterns: Self.patterns, windowSeconds: 120), rotated = EventStore(patterns: Self.patterns, windowSeconds: 120)
        for e in try events() { (e.stream == 0 ? live : rotated).add(e, signatureIndex: e.signatureIndex) }
        live.absorb(rotated)
        for store in [one, live] {
            let runs = store.occurrences()
            #expect(runs.count == 1 && runs.first?.count == 4)
            #expect(runs.first?.location == SourceLocation(file: "0.log.20261124-093622.gz", line: 10))
            #expect(runs.first?.example?.location == runs.first?.location)
            #expect(runs.first?.example?.text.hasSuffix("}10") == true)
        }
    }

    /// A run whose first record's text was not kept (three earlier minutes of the object in its
    /// input used the three) shows no text, not a later record's text from another input at the
    /// first one's place: read into one store and merged from two.
    @Test func anEarlierRunWithoutTextTakesNoLaterText() throws {
        let later = try Self.refused(190, object: "apps", file: "0.log", line: 1)
        let earlier = try ([0, 60, 120, 185] as [Int64]).enumerated().map { (i, second) in
            var e = try Self.refused(second, object: "apps", file: "0.log.gz", line: i + 1)
            e.stream = 1
            return e
        }
        let one = EventStore(patterns: Self.patterns, windowSeconds: 120)
        for e in [later] + earlier { one.add(e, signatureIndex: e.signatureIndex) }
        let live = EventStore(patterns: Self.patterns, windowSeconds: 120), rotated = EventStore(patterns: Self.patterns, windowSeconds: 120)
        live.add(later, signatureIndex: later.signatureIndex)
        for e in earlier { rotated.add(e, signatureIndex: e.signatureIndex) }
        live.absorb(rotated)
        for store in [one, live] {
            let runs = store.occurrences()
            #expect(runs.count == 4)
            for run in runs where run.example != nil { #expect(run.example?.location == run.location) }
            let third = try #require(runs.first { $0.first.millis == 1_772_442_000_000 + 185_000 })
            #expect(third.count == 2 && third.location == SourceLocation(file: "0.log.gz", line: 4))
            #expect(third.example == nil)
        }
    }
}
