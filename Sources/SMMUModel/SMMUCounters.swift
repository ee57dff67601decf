/// Counts of what the hardware model did: structure fetches, walk reads, commands, events.
public struct SMMUCounters: Sendable, Hashable {
  public var steFetches = 0
  public var l1stdFetches = 0
  public var cdFetches = 0
  public var l1cdFetches = 0
  /// Page-table descriptor reads per level (0-3).
  public var walkReads = [0, 0, 0, 0]
  public var transactions = 0
  public var translated = 0
  public var bypassed = 0
  public var aborted = 0
  /// Commands consumed, by `Command.nameIndex`.
  public internal(set) var commandCounts = CommandCounts()
  /// Commands consumed, by name (those consumed at least once).
  public var commands: [String: Int] { commandCounts.byName }
  public var syncs: Int { commandCounts[Command.sync.nameIndex] }
  /// Events recorded, by name.
  public var events: [String: Int] = [:]
  public var commandErrors = 0

  public init() {}
}
