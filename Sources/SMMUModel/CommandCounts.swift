/// Counts of commands by `Command.nameIndex`: a fixed array, no text on the counting path.
/// (An array, not 22 inline counters: the SMMU value, copied whole in places, stays small.)
package struct CommandCounts: Sendable, Hashable {
  private var counts = [Int](repeating: 0, count: Command.names.count)

  package init() {}

  /// The count of the command name at `index` in `Command.names`.
  package subscript(index: Int) -> Int {
    get { counts[index] }
    set { counts[index] = newValue }
  }

  /// Counts one command.
  package mutating func add(_ c: Command) { counts[c.nameIndex] += 1 }

  /// Counts one command of `Command.names[nameIndex]` (its `nameIndex` already known).
  package mutating func add(nameIndex: Int) { counts[nameIndex] += 1 }

  /// The names counted at least once, with their counts.
  package var byName: [String: Int] {
    var out: [String: Int] = [:]
    for (i, n) in counts.enumerated() where n > 0 { out[Command.names[i]] = n }
    return out
  }
}
