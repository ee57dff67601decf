/// A transaction evaluated against one chosen cache state, changing nothing: the question a
/// checker asks at an observation point ("if the SMMU held these lines, what would this
/// transaction do?").
package struct Probe: Sendable {
  /// One configuration structure the transaction used.
  package struct Line: Sendable, Hashable {
    package let key: ConfigCacheKey
    package let line: ConfigCacheLine
    /// Served from the chosen cache state (false: fetched from memory now).
    package let cached: Bool
  }

  package let outcome: TranslationResult.Outcome
  /// The event the transaction would record, if any.
  package let event: Event?
  /// The structures used, in lookup order.
  package let lines: [Line]
  /// Root of the final stage's translation table, when the configuration reached a walk.
  package let root: UInt64?
  /// The TLB entry that served the transaction, if one did.
  package let tlbHit: TLBEntry?
  /// The TLB entry a walk would insert, and its key.
  package let tlbFill: (key: TLBKey, entry: TLBEntry)?
  /// The key a walk looked up (what a TLB entry must match to serve this context).
  package let tlbKey: TLBKey?
  /// True when the configuration itself failed (a C_BAD_* or fetch event), not the walk.
  package let configError: Bool
}

extension SMMU {
  /// This SMMU with its configuration cache holding exactly `cached` and its TLB exactly
  /// `tlbEntries` (a cache state a checker chose), observing nothing.
  package func holding(_ cached: [ConfigCacheKey: ConfigCacheLine], _ tlbEntries: [(TLBKey, TLBEntry)])
    -> SMMU
  {
    var s = self
    s.observations = nil
    s.configCache = ConfigCache(capacity: max(cached.count, 1))
    for (k, line) in cached { s.configCache.insert(k, line) }
    s.tlb = TLB(capacity: max(tlbEntries.count, 1))
    s.tlbShifts = 1 << 12
    s.truthfulFill = nil
    for (k, e) in tlbEntries {
      s.tlb.insert(k, e)
      s.tlbShifts |= 1 << UInt64(k.shift)
    }
    return s
  }

  /// The memory addresses `t`'s lookup and walk read now, with nothing cached (the walk is
  /// recorded, so this costs more than a probe).
  package func readAddresses(_ t: Transaction) -> [UInt64] {
    let r = resolve(t, useCaches: false, recordWalk: true)
    return r.lookup.walkBox?.value.steps.compactMap(\.address) ?? []
  }

  /// Evaluates `t` as if the configuration cache held exactly `cached` and the TLB exactly
  /// `tlbEntries`: structures not in `cached` are fetched from memory as it is now. Nothing
  /// changes: no counter, event, cache fill or stall.
  package func probe(
    _ t: Transaction, cached: [ConfigCacheKey: ConfigCacheLine] = [:], tlbEntries: [(TLBKey, TLBEntry)] = [],
    unseen: [UInt64: UInt64] = [:]
  ) -> Probe {
    // With nothing cached, a lookup reads memory: no copy of the SMMU is needed.
    let r: Resolution
    if unseen.isEmpty {
      r =
        cached.isEmpty && tlbEntries.isEmpty
        ? resolve(t, useCaches: false) : holding(cached, tlbEntries).resolve(t, useCaches: true)
    } else {
      var s = holding(cached, tlbEntries)
      s.memory.unseen = unseen
      r = s.resolve(t, useCaches: true)
    }
    var lines: [Probe.Line] = []
    for (k, l) in r.lookup.hits { lines.append(Probe.Line(key: k, line: l, cached: true)) }
    for (k, l) in r.lookup.fills { lines.append(Probe.Line(key: k, line: l, cached: false)) }
    let order = Dictionary(r.lookup.touched.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    lines.sort { order[$0.key, default: 0] < order[$1.key, default: 0] }
    return Probe(
      outcome: r.outcome, event: r.event, lines: lines, root: r.root, tlbHit: r.tlbHit,
      tlbFill: r.tlbKey.flatMap { k in r.tlbFill.map { (k, $0) } }, tlbKey: r.tlbKey,
      configError: r.configError)
  }
}
