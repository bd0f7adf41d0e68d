/// One template of error records no signature knows (CONTRACT.md `unmatched_errors`, extended in
/// docs/OUTPUT.md): the masked text with `<*>` where records differ, how many records, and the
/// earliest record as an example.
public struct UnmatchedError: Sendable, Equatable {
    /// Tokens joined by single spaces, variables as `<*>` (`Masking`, Drain).
    public var template: String
    /// Records in this template.
    public var count: Int
    /// The earliest record (by time, then file and line) without its envelope, cut at 2,000 bytes.
    public var example: String
    /// Where that record is: input name and 1-based line.
    public var location: SourceLocation
    /// Controllers that wrote records of this template, sorted.
    public var controllers: [String]
    /// Time of the first and last record (UTC), nil when no record had a time.
    public var firstSeen: Timestamp?
    public var lastSeen: Timestamp?
}

/// One unknown error record, ready to mine: its masked tokens and what the report shows of it.
public struct MinedRecord: Sendable {
    public var tokens: [String]
    public var time: Timestamp?
    public var controller: String
    /// The object the record is about, for `--namespace`/`--object`.
    public var object: ObjectRef?
    public var location: SourceLocation
    /// The record without its envelope, cut at 2,000 bytes.
    public var example: String

    /// FNV-1a of (time, controller, record text): the same record read from two inputs (a pod's
    /// file and a `kubectl logs --prefix` capture of it) has the same identity and is mined once.
    var identity: UInt64 {
        var h: UInt64 = 0xcbf29ce484222325 ^ UInt64(bitPattern: time?.millis ?? -1)
        for b in controller.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        h = (h ^ 0xff) &* 0x100000001b3
        for b in example.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    public init(tokens: [String], time: Timestamp?, controller: String, object: ObjectRef? = nil,
                location: SourceLocation, example: String) {
        self.tokens = tokens
        self.time = time
        self.controller = controller
        self.object = object
        self.location = location
        self.example = example
    }
}

/// Drain-style template mining (He, Zhu, Zheng, Lyu, "Drain: An Online Log Parsing Approach with
/// Fixed Depth Tree", ICWS 2017) of the error records no signature knows.
///
/// Records are masked (`Masking`) as they come and counted per distinct token sequence (a *key*);
/// the clustering runs once, at the end, over the keys in a fixed order (count descending, then
/// the key's text), so the same set of records gives the same templates, counts and examples in
/// any file order. Clustering follows Drain: keys are grouped by token count and leading token (a
/// leading token holding a digit or a variable goes to the `<*>` group, Drain's rule for its
/// tree), each key joins the group's most similar template when the share of equal positions
/// reaches `similarity` (ties: the template with more `<*>`, then the older), and positions that
/// differ become `<*>`.
///
/// Bounded: at most `maxKeys` distinct keys are held (each with one example of at most 2,000
/// bytes); when a new key would exceed that, the held keys are clustered and replaced by their
/// templates (`compactions` counts it: from then on the grouping may depend on input order). At
/// most `maxTemplates` templates are made; records of keys that fit none are counted in
/// `overflow`, never dropped silently.
public final class ErrorMiner {
    public let maxTemplates: Int
    public let maxKeys: Int
    /// Drain's similarity threshold `st`: the share of equal token positions needed to join a template.
    public let similarity: Double

    struct Entry {
        var tokens: [String]
        var count: Int
        var controllers: Set<String>
        var first: Timestamp?
        var last: Timestamp?
        var example: String
        var location: SourceLocation
        var exampleTime: Timestamp?
        /// Identities of the key's records (at most `ErrorMiner.identitiesPerKey`), for dedupe.
        var seen: Set<UInt64> = []

        /// Whether the example of `o` comes before ours: by time (no time last), then place.
        func later(than o: (time: Timestamp?, location: SourceLocation)) -> Bool {
            switch (exampleTime, o.time) {
            case let (a?, b?) where a != b: return b < a
            case (nil, _?): return true
            case (_?, nil): return false
            default: return o.location < location
            }
        }

        /// One more record of this key.
        mutating func add(_ r: MinedRecord) {
            count += 1
            controllers.insert(r.controller)
            if let t = r.time {
                if first == nil || t < first! { first = t }
                if last == nil || t > last! { last = t }
            }
            if later(than: (r.time, r.location)) {
                example = r.example
                location = r.location
                exampleTime = r.time
            }
        }

        mutating func absorb(_ o: Entry) {
            let both = seen.isEmpty || o.seen.isEmpty ? 0 : seen.intersection(o.seen).count
            count += o.count - both
            if seen.count + o.seen.count <= ErrorMiner.identitiesPerKey { seen.formUnion(o.seen) }
            controllers.formUnion(o.controllers)
            if let f = o.first, first == nil || f < first! { first = f }
            if let l = o.last, last == nil || l > last! { last = l }
            if later(than: (o.exampleTime, o.location)) {
                example = o.example
                location = o.location
                exampleTime = o.exampleTime
            }
        }
    }

    var entries: [String: Entry] = [:]
    /// Records mined (after filters).
    public private(set) var records = 0
    /// Records left out because the template cap was reached (so far; `finish` adds the rest).
    public private(set) var overflow = 0
    /// How many times the key table was full and clustered early.
    public private(set) var compactions = 0

    /// - Parameters:
    ///   - maxTemplates: the cap on templates (clusters).
    ///   - maxKeys: the cap on distinct masked texts held before clustering.
    ///   - similarity: Drain's `st`, in (0, 1].
    public init(maxTemplates: Int = 1000, maxKeys: Int = 5000, similarity: Double = 0.5) {
        self.maxTemplates = maxTemplates
        self.maxKeys = max(maxKeys, maxTemplates + 1)
        self.similarity = similarity
    }

    /// Identities kept per key to drop records read twice; past it, records are counted as read.
    public static let identitiesPerKey = 4096
    /// Records dropped because the same record (time and text) was already mined.
    public private(set) var duplicates = 0

    /// Adds one record (once: the same record read again is counted in `duplicates`).
    public func add(_ r: MinedRecord) {
        let key = r.tokens.joined(separator: " ")
        let id = r.identity
        if let i = entries.index(forKey: key) {
            if entries.values[i].seen.contains(id) { duplicates += 1; return }
            records += 1
            entries.values[i].add(r)
            if entries.values[i].seen.count < ErrorMiner.identitiesPerKey { entries.values[i].seen.insert(id) }
            return
        }
        records += 1
        var e = Entry(tokens: r.tokens, count: 1, controllers: [r.controller], first: r.time, last: r.time,
                      example: r.example, location: r.location, exampleTime: r.time)
        e.seen = [id]
        if entries.count >= maxKeys {
            let (clusters, lost) = ErrorMiner.cluster(Array(entries.values), similarity: similarity, maxTemplates: maxTemplates)
            overflow += lost
            compactions += 1
            entries = [:]
            for c in clusters { entries[c.tokens.joined(separator: " ")] = c }
            if let i = entries.index(forKey: key) { entries.values[i].add(r); return }
        }
        entries[key] = e
    }

    /// Adds the records another miner (another input's) collected; equal masked texts merge, so
    /// the result does not depend on which miner saw which record.
    public func absorb(_ other: ErrorMiner) {
        records += other.records
        duplicates += other.duplicates
        for (key, e) in other.entries {
            if let mine = entries[key], !mine.seen.isEmpty, !e.seen.isEmpty {
                let both = mine.seen.intersection(e.seen).count
                records -= both
                duplicates += both
            }
        }
        overflow += other.overflow
        compactions += other.compactions
        for (key, e) in other.entries {
            if let i = entries.index(forKey: key) { entries.values[i].absorb(e) } else { entries[key] = e }
        }
        if entries.count > maxKeys {
            let (clusters, lost) = ErrorMiner.cluster(Array(entries.values), similarity: similarity, maxTemplates: maxTemplates)
            overflow += lost
            compactions += 1
            entries = [:]
            for c in clusters { entries[c.tokens.joined(separator: " ")] = c }
        }
    }

    /// An empty miner with the same caps and threshold.
    public func emptyCopy() -> ErrorMiner {
        ErrorMiner(maxTemplates: maxTemplates, maxKeys: maxKeys, similarity: similarity)
    }

    /// The templates, most records first (then by template), and the records left out by the
    /// template cap (including those of earlier compactions).
    public func finish() -> (templates: [UnmatchedError], overflow: Int) {
        let (clusters, lost) = ErrorMiner.cluster(Array(entries.values), similarity: similarity, maxTemplates: maxTemplates)
        let out = clusters.map { c in
            UnmatchedError(template: c.tokens.joined(separator: " "), count: c.count, example: c.example, location: c.location,
                           controllers: c.controllers.sorted(), firstSeen: c.first, lastSeen: c.last)
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.template < $1.template }
        return (out, overflow + lost)
    }

    struct GroupKey: Hashable {
        var length: Int
        var lead: String
    }

    /// Drain's first two tree levels: token count, then the leading token (`<*>` when it holds a
    /// digit or a variable).
    static func group(_ tokens: [String]) -> GroupKey {
        guard let lead = tokens.first else { return GroupKey(length: 0, lead: "") }
        let variable = lead.contains(Masking.wildcard) || lead.utf8.contains { $0 >= 48 && $0 <= 57 }
        return GroupKey(length: tokens.count, lead: variable ? Masking.wildcard : lead)
    }

    /// Drain's `simSeq`: the share of positions holding the same token (variables masked in both
    /// count as the same).
    static func similarity(_ template: [String], _ tokens: [String]) -> Double {
        if tokens.isEmpty { return 1 }
        var same = 0
        for (a, b) in zip(template, tokens) where a == b { same += 1 }
        return Double(same) / Double(tokens.count)
    }

    /// Clusters entries in a fixed order (count descending, then text) into at most
    /// `maxTemplates` templates; returns them and the number of records that fit none.
    static func cluster(_ items: [Entry], similarity threshold: Double, maxTemplates: Int) -> ([Entry], Int) {
        let keyed = items.map { ($0.tokens.joined(separator: " "), $0) }
            .sorted { $0.1.count != $1.1.count ? $0.1.count > $1.1.count : $0.0 < $1.0 }
        var clusters: [Entry] = []
        var groups: [GroupKey: [Int]] = [:]
        var lost = 0
        for (_, item) in keyed {
            let g = group(item.tokens)
            var best: (index: Int, sim: Double, wildcards: Int)?
            for ci in groups[g] ?? [] {
                let sim = similarity(clusters[ci].tokens, item.tokens)
                guard sim >= threshold else { continue }
                let wild = clusters[ci].tokens.reduce(0) { $0 + ($1 == Masking.wildcard ? 1 : 0) }
                if best == nil || sim > best!.sim || (sim == best!.sim && wild > best!.wildcards) {
                    best = (ci, sim, wild)
                }
            }
            if let best {
                var c = clusters[best.index]
                for i in c.tokens.indices where c.tokens[i] != item.tokens[i] { c.tokens[i] = Masking.wildcard }
                c.absorb(item)
                clusters[best.index] = c
            } else if clusters.count < maxTemplates {
                groups[g, default: []].append(clusters.count)
                clusters.append(item)
            } else {
                lost += item.count
            }
        }
        // Two templates of a group can end up equal after merges: one template, one count.
        var merged: [Entry] = []
        var at: [String: Int] = [:]
        for c in clusters {
            let k = c.tokens.joined(separator: " ")
            if let i = at[k] { merged[i].absorb(c) } else { at[k] = merged.count; merged.append(c) }
        }
        return (merged, lost)
    }
}
