/// Configuration-cache lines found to match memory at one `PhysicalMemory.generation`, so the
/// stale-line check (hazard a) re-reads a hit line only when memory may have changed since.
///
/// Equal generations of one memory read alike, and the memo travels with the SMMU value that
/// owns the memory: a line equal (address, qwords, count) to one found fresh at the current
/// generation is fresh. Any store, allocation, free or `unseen` change moves the generation,
/// and the next check forgets every line.
struct FreshLines: Sendable {
  /// At most this many lines are kept (the few that recent transactions hit).
  static let limit = 8
  /// The generation `lines` were checked at (none yet: memory's count starts at 0).
  private var generation: UInt64 = ~0
  /// Lines found equal to memory at `generation`.
  private var lines: [ConfigCacheLine] = []

  /// `line.isStale(in: memory)`, without the read when the line was found fresh at memory's
  /// current generation. A line found fresh is remembered; a stale one is not.
  mutating func isStale(_ line: ConfigCacheLine, in memory: borrowing PhysicalMemory) -> Bool {
    if generation == memory.generation {
      if lines.contains(line) { return false }
    } else {
      lines.removeAll(keepingCapacity: true)
      generation = memory.generation
    }
    if line.isStale(in: memory) { return true }
    if lines.count < Self.limit { lines.append(line) }
    return false
  }
}
