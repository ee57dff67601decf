/// The stall model (IHI 0070 §3.12.2, §5.5; smmuv3-hardware.md §10.19): a translation fault
/// whose configuration asks for a stall (CD.S=1 for stage 1, STE.S2S=1 for stage 2; always
/// with STALL_MODEL=force) is recorded with Stall=1 and an STAG, and the transaction is held
/// until CMD_RESUME retries or terminates it, or CMD_STALL_TERM terminates its stream's stalls.
extension SMMU {
  /// True when a fault under a stage whose stall bit (CD.S or STE.S2S) is `bit` stalls: the
  /// SMMU supports stalls and the bit is set, or stalls are forced.
  func stallsOnFault(_ bit: UInt64) -> Bool {
    switch features.stallModel {
    case .terminateOnly: false
    case .stallOrTerminate: bit == 1
    case .stallForced: true
    }
  }

  /// Holds a faulting transaction: allocates its STAG and returns the stalled outcome and the
  /// event marked Stall=1.
  mutating func holdStalled(_ t: Transaction, _ e: Event) -> (TranslationResult.Outcome, Event) {
    let stag = nextSTAG
    nextSTAG &+= 1
    var event = e
    event.stall = true
    event.stag = stag
    stalledTransactions.append(StalledTransaction(sid: t.sid, stag: stag, transaction: t, event: event))
    return (.stalled(stag: stag), event)
  }

  /// RESUME (or one transaction of a STALL_TERM): an unknown STAG is a no-op; retry translates
  /// the transaction again (it may stall again, with a new STAG); the others terminate it.
  mutating func resume(sid: UInt32, stag: UInt16, action: StallCompletion.Action) {
    guard let i = stalledTransactions.firstIndex(where: { $0.sid == sid && $0.stag == stag }) else { return }
    let held = stalledTransactions.remove(at: i)
    let result: TranslationResult
    switch action {
    case .retry:
      result = translate(held.transaction)
    case .abort, .terminate, .stallTerm:
      counters.aborted += 1
      let how = action == .terminate ? "terminated (RAZ/WI)" : "terminated (abort)"
      result = TranslationResult(
        outcome: .aborted, event: nil, servedBy: "-", path: ["stall stag \(stag) \(how)"], hazards: [])
    }
    stallCompletions.append(StallCompletion(stalled: held, action: action, result: result))
    if stallCompletions.count >= 2 * logLimit {
      stallCompletions.removeFirst(stallCompletions.count - logLimit)
    }
  }
}
