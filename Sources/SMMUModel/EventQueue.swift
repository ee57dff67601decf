/// The architectural event queue (IHI 0070 §3.5.2, §7.4): a ring of `capacity` records between
/// EVENTQ_PROD and EVENTQ_CONS. The SMMU's event log (`SMMU.events`) keeps every record raised,
/// for the UI; this is what software could read: how many records wait, how many were lost,
/// and the overflow flag.
package struct EventQueue: Sendable, Hashable {
  /// Entries (a power of two).
  package let capacity: Int
  /// Records written and not yet consumed (PROD - CONS).
  package private(set) var count = 0
  /// EVENTQ_PROD.OVFLG: toggled by the SMMU when a record is lost while no overflow is pending.
  package private(set) var overflowFlag = false
  /// EVENTQ_CONS.OVACKFLG: software copies OVFLG here when it consumes.
  package private(set) var overflowAcknowledged = false
  /// Non-stall records dropped because the queue was full.
  package private(set) var lost = 0
  /// Stall records that found the queue full: the SMMU retries them when there is room.
  package private(set) var waitingStallRecords = 0

  package init(capacity: Int) { self.capacity = Swift.max(1, capacity) }

  /// An overflow not yet acknowledged (OVFLG != OVACKFLG).
  package var overflowPending: Bool { overflowFlag != overflowAcknowledged }

  /// Writes one record; returns false when it was lost. A full queue drops non-stall records
  /// and toggles OVFLG once per overflow episode; stall records wait for room (§7.4).
  @discardableResult
  package mutating func push(stall: Bool) -> Bool {
    if count < capacity {
      count += 1
      return true
    }
    if stall {
      waitingStallRecords += 1
      return true
    }
    if !overflowPending { overflowFlag.toggle() }
    lost += 1
    return false
  }

  /// Software consumes every record and acknowledges the overflow (CONS = PROD,
  /// OVACKFLG = OVFLG); waiting stall records are then written.
  package mutating func consumeAll() {
    count = 0
    overflowAcknowledged = overflowFlag
    let waiting = waitingStallRecords
    waitingStallRecords = 0
    for _ in 0..<waiting { push(stall: true) }
  }
}
