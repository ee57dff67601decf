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
  package private(set) var entries: [Entry] = []
  /// Invalidations that were still pending when some operation ended (each counted once,
  /// however many operations it outlived).
  package private(set) var leftPendingAtOperationEnd = 0
  /// The newest sequence number already counted in `leftPendingAtOperationEnd`.
  private var countedThrough: UInt64 = 0

  package init() {}

  /// Notes a consumed command: an invalidation becomes pending; a CMD_SYNC completes every
  /// invalidation consumed before it.
  mutating func consumed(_ c: Command, sequence: UInt64) {
    if c.isSync {
      // Removed one at a time: for the few a sync usually completes, cheaper than
      // `removeAll(keepingCapacity:)`, which runs the generic `replaceSubrange`.
      while !entries.isEmpty { entries.removeLast() }
    } else if c.isInvalidation {
      entries.append(Entry(sequence: sequence, command: c))
    }
  }

  /// An operation ended: counts the invalidations still pending that no earlier end counted,
  /// and returns how many are pending.
  mutating func endOperation() -> Int {
    for e in entries where e.sequence > countedThrough { leftPendingAtOperationEnd += 1 }
    if let last = entries.last { countedThrough = max(countedThrough, last.sequence) }
    return entries.count
  }
}

extension Command {
  /// True for the invalidations a CMD_SYNC completes: CFGI_*, TLBI_* and ATC_INV.
  package var isInvalidation: Bool {
    switch self {
    case .cfgiSTE, .cfgiSTERange, .cfgiCD, .cfgiCDAll, .tlbiNHAll, .tlbiNHASID, .tlbiNHVA, .tlbiNHVAA,
      .tlbiEL2All, .tlbiEL2ASID, .tlbiEL2VA, .tlbiEL2VAA, .tlbiS12VMAll, .tlbiS2IPA, .tlbiNSNHAll, .atcInv:
      true
    case .prefetchConfig, .sync, .syncSignal, .resume, .stallTerm, .raw: false
    }
  }
}
