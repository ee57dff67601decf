/// A transaction the SMMU holds after a fault its configuration stalls on (IHI 0070 §3.12.2;
/// smmuv3-hardware.md §10.19): it waits for CMD_RESUME (retry or terminate) or CMD_STALL_TERM.
package struct StalledTransaction: Sendable, Hashable {
  package let sid: UInt32
  /// The STAG the event record carried.
  package let stag: UInt16
  package let transaction: Transaction
  /// The stall event (Stall=1).
  package let event: Event
}

/// What became of a stalled transaction: retried (and what the retry gave) or terminated.
package struct StallCompletion: Sendable, Hashable {
  package enum Action: String, Sendable, Hashable {
    /// RESUME with Ac=1: the transaction is translated again.
    case retry
    /// RESUME with Ac=0, Ab=1: terminated with an abort.
    case abort
    /// RESUME with Ac=0, Ab=0: terminated, reads as zero and writes ignored (RAZ/WI).
    case terminate
    /// STALL_TERM: terminated (abort) with the rest of its stream's stalls.
    case stallTerm = "stall-term"
  }
  package let stalled: StalledTransaction
  package let action: Action
  /// The retried translation, or an abort for a terminated transaction.
  package let result: TranslationResult

  package var description: String {
    "stalled \(stalled.transaction.description) stag \(stalled.stag): \(action.rawValue) \(result.summary)"
  }
}
