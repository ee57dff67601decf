/// Invalidation commands (CFGI_*, TLBI_*, ATC_INV) the SMMU has consumed that no later
/// consumed CMD_SYNC has completed yet. The architecture completes an invalidation only at a
/// following CMD_SYNC: until then the SMMU may still use what it cached. The model applies
/// each invalidation at consumption (its caches are deterministic) and keeps this list beside
/// them, so what is pending can be asked for and counted.
package struct PendingInvalidations: Sendable, Hashable {
  /// One consumed invalidation.
  package struct Entry: Sendable, Hashable {
    /// The command's position in the queue: CONS after it was consumed (1 for the first).
    package let sequence: UInt64
    package let command: Command
  }

  /// The pending invalidations, oldest first.
  package var entries: [Entry] { Array(storage[..<live]) }
  /// How many invalidations are pending.
  package var count: Int { live }
  /// The pending invalidations are the first `live` of `storage`; the rest is storage kept for
  /// reuse, so a CMD_SYNC completes them by resetting the count.
  private var storage: [Entry] = []
  private var live = 0
  /// Invalidations that were still pending when some operation ended (each counted once,
  /// however many operations it outlived).
  package private(set) var leftPendingAtOperationEnd = 0
  /// The newest sequence number already counted in `leftPendingAtOperationEnd`.
  private var countedThrough: UInt64 = 0

  package init() {}

  /// Notes a consumed command: an invalidation becomes pending; a CMD_SYNC completes every
  /// invalidation consumed before it.
  mutating func consumed(_ c: Command, sequence: UInt64) {
    consumed(c, nameIndex: c.nameIndex, sequence: sequence)
  }

  /// `consumed(_:sequence:)` for a command whose `nameIndex` is already known.
  @inline(__always)
  mutating func consumed(_ c: Command, nameIndex: Int, sequence: UInt64) {
    if nameIndex == Command.syncNameIndex {
      live = 0
    } else if Command.isInvalidation(nameIndex: nameIndex) {
      let e = Entry(sequence: sequence, command: c)
      if live < storage.count { storage[live] = e } else { storage.append(e) }
      live += 1
    }
  }

  /// An operation ended: counts the invalidations still pending that no earlier end counted,
  /// and returns how many are pending.
  mutating func endOperation() -> Int {
    guard live > 0 else { return 0 }
    for e in storage[..<live] where e.sequence > countedThrough { leftPendingAtOperationEnd += 1 }
    countedThrough = max(countedThrough, storage[live - 1].sequence)
    return live
  }

  package static func == (a: PendingInvalidations, b: PendingInvalidations) -> Bool {
    a.storage[..<a.live] == b.storage[..<b.live] && a.leftPendingAtOperationEnd == b.leftPendingAtOperationEnd
      && a.countedThrough == b.countedThrough
  }

  package func hash(into h: inout Hasher) {
    h.combine(live)
    for e in storage[..<live] { h.combine(e) }
    h.combine(leftPendingAtOperationEnd)
    h.combine(countedThrough)
  }
}

extension Command {
  /// True for the invalidations a CMD_SYNC completes: CFGI_*, TLBI_* and ATC_INV.
  package var isInvalidation: Bool { Self.isInvalidation(nameIndex: nameIndex) }

  /// True when `Command.names[nameIndex]` is an invalidation a CMD_SYNC completes: CFGI_STE
  /// through ATC_INV, the positions 1...17 of `names` (checked against every case by
  /// `PendingClassificationTests`).
  package static func isInvalidation(nameIndex: Int) -> Bool { nameIndex >= 1 && nameIndex <= 17 }
}
