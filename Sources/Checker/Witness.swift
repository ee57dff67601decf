import SMMUModel

/// The cache state behind an outcome: the cached structures that differ from memory and the
/// TLB entry used, if any. Empty: memory as it is.
struct Witness: Sendable, CustomStringConvertible {
  /// The whole cache state: every configuration line held.
  var cached: [ConfigCacheKey: ConfigCacheLine] = [:]
  /// Configuration structures held in a version memory no longer has.
  var keys: [ConfigCacheKey] = []
  var parts: [String] = []
  /// The TLB entry that served the page.
  var tlb: TLBKey?
  var tlbEntry: TLBEntry?
  /// The ATC entry that served the page (an ATS endpoint's), if any.
  var atc: (sid: UInt32, key: ATCKey)?

  /// This state with a TLB entry serving the page.
  func with(tlb k: TLBKey, _ e: TLBEntry) -> Witness {
    var w = self
    w.tlb = k
    w.tlbEntry = e
    w.parts.append("TLB \(k) -> \(hex(e.outputPage)) (walked from table \(hex(e.root)))")
    return w
  }

  /// `state` holding this cache state.
  func apply(to state: SMMU) -> SMMU {
    state.holding(cached, tlb.flatMap { k in tlbEntry.map { [(k, $0)] } } ?? [])
  }

  var description: String { parts.isEmpty ? "memory" : parts.joined(separator: "; ") }

  /// The commands that would have dropped what this state holds.
  var missing: String? {
    if let a = atc { return InvalidationScope.droppedBy(sid: a.sid, a.key) }
    if let k = keys.first { return InvalidationScope.droppedBy(k) }
    if let t = tlb { return InvalidationScope.droppedBy(t) }
    return nil
  }
}
