/// A count per translation-table level (0-3), held inline: a walk's descriptor reads, kept
/// without the heap allocation a four-element array costs on every transaction.
package struct LevelCounts: Sendable, Hashable {
  private var counts: (Int, Int, Int, Int) = (0, 0, 0, 0)

  package init() {}

  /// The count at `level` (0-3).
  package subscript(level: Int) -> Int {
    get {
      switch level {
      case 0: counts.0
      case 1: counts.1
      case 2: counts.2
      default: counts.3
      }
    }
    set {
      switch level {
      case 0: counts.0 = newValue
      case 1: counts.1 = newValue
      case 2: counts.2 = newValue
      default: counts.3 = newValue
      }
    }
  }

  /// The sum over the four levels.
  package var total: Int { counts.0 + counts.1 + counts.2 + counts.3 }

  package static func == (a: LevelCounts, b: LevelCounts) -> Bool {
    a.counts == b.counts
  }

  package func hash(into h: inout Hasher) {
    h.combine(counts.0)
    h.combine(counts.1)
    h.combine(counts.2)
    h.combine(counts.3)
  }
}
