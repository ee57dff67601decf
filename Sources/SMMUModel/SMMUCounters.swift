/// Counts of what the hardware model did: structure fetches, walk reads, commands, events.
package struct SMMUCounters: Sendable, Hashable {
  package var steFetches = 0
  package var l1stdFetches = 0
  package var cdFetches = 0
  package var l1cdFetches = 0
  /// Page-table descriptor reads per level (0-3).
  package var walkReads = [0, 0, 0, 0]
  package var transactions = 0
  package var translated = 0
  package var bypassed = 0
  package var aborted = 0
  /// Commands consumed, by `Command.nameIndex`.
  package internal(set) var commandCounts = CommandCounts()
  /// Commands consumed, by name (those consumed at least once).
  package var commands: [String: Int] { commandCounts.byName }
  package var syncs: Int { commandCounts[Command.syncNameIndex] }
  /// Events recorded, by name.
  package var events: [String: Int] = [:]
  package var commandErrors = 0

  package init() {}
}
