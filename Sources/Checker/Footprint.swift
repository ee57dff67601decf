import SMMUModel

/// What a stream's outcomes depend on: the memory its configuration lookups read (or the
/// cached lines they used were fetched from), and whether stage 2 is involved. An operation
/// that stores to none of it, frees none of it and invalidates none of its structures leaves
/// the stream's possible outcomes as they were, so the checker need not evaluate it again.
struct Footprint: Sendable {
  /// Qword addresses.
  private(set) var addresses: Set<UInt64> = []
  /// Some lookup used stage 2 (a nested or stage-2 STE): always evaluate.
  private(set) var stage2 = false

  mutating func add(_ p: Probe) {
    for l in p.lines {
      for i in 0..<l.line.count { addresses.insert(l.line.address &+ UInt64(i * 8)) }
      if case .ste = l.key {
        let config = StreamTableEntry(qwords: l.line.entry).configValue
        if config == .s2Translate || config == .nested { stage2 = true }
      }
    }
  }

  /// True when a store to `stored` or a free of `freed` may change what the stream sees.
  func touched(by stored: Set<UInt64>, freed: [Allocation]) -> Bool {
    if stage2 { return true }
    if !addresses.isDisjoint(with: stored) { return true }
    return freed.contains { r in addresses.contains { r.contains($0) } }
  }
}
