import PCRE2

/// The scanner's side of unknown-error mining: decides per matched record whether it is an
/// unknown error (`ErrorRule`), masks its text (`Masking`) and feeds the miner once the record's
/// controller is known and the filters accept it. One per `LogScanner` (not Sendable: it owns a
/// PCRE2 matcher).
final class UnknownErrorMining {
    let patterns: PatternSet
    var miner: ErrorMiner
    /// For each signature index: a generic reconcile wrapper (`ErrorRule.isGenericWrapper`).
    let generic: [Bool]
    /// Finds a wrapper's match in text encodings that join message and error (`flux logs`).
    let matcher = Matcher()

    init(patterns: PatternSet, miner: ErrorMiner = ErrorMiner()) {
        self.patterns = patterns
        self.miner = miner
        self.generic = patterns.signatures.map(ErrorRule.isGenericWrapper)
    }

    /// The record as a `MinedRecord` when it is an unknown error record, else nil. Its
    /// `controller` is the record's (`unknown` until the stream resolves it).
    func unknownError(_ r: Record, hits: [SignatureHit]) -> MinedRecord? {
        for h in hits where !generic[h.signature] { return nil }
        guard ErrorRule.isErrorRecord(r) else { return nil }
        let wrappers = hits.map { patterns.signatures[$0.signature] }
        let text = ErrorRule.minedText(r, wrappers: wrappers, matcher: matcher)
        return MinedRecord(tokens: Masking.tokens(text), time: r.time, controller: r.controller ?? "unknown",
                           object: r.object, location: r.location, example: cut(r.payload, at: 2000))
    }

    /// Mines a record whose controller is known, if the filters accept it the way they accept
    /// events (`ScanFilter.accepts`: controller, the object's namespace, the object, the time).
    func mine(_ m: MinedRecord, filter: ScanFilter) {
        if let c = filter.controller, m.controller != c { return }
        if let ns = filter.namespace, m.object?.namespace != ns { return }
        if let o = filter.object, m.object.map(ScanFilter.normalized) != o { return }
        if let t = m.time {
            if let s = filter.since, t < s { return }
            if let u = filter.until, t > u { return }
        }
        miner.add(m)
    }
}

extension UnknownErrorMining {
    /// Warnings when a cap of the miner was hit (counted, never silent).
    func warnings(overflow: Int) -> [ScanWarning] {
        var out: [ScanWarning] = []
        if overflow > 0 {
            out.append(ScanWarning(message: "\(overflow) error record(s) no signature knows were not mined: unmatched_errors holds at most \(miner.maxTemplates) templates"))
        }
        if miner.compactions > 0 {
            out.append(ScanWarning(message: "more than \(miner.maxKeys) distinct texts of error records no signature knows: they were grouped early \(miner.compactions) time(s), so unmatched_errors may depend on the input order"))
        }
        return out
    }
}
