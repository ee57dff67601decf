import SMMUDriver
import SMMUModel

extension ObservationPoint {
  /// True when this point begins a breaking update the operation needs: a store of V=0 into
  /// an L1 descriptor, or into qword 0 of an STE or CD unless the entry is valid both before
  /// and after the operation and those two differ in at most one qword of used bits,
  /// update-safe bits excepted (the entry writer's rule since Linux 7.0, upstream-2026.md §3).
  /// The aborts of an avoidable V=0 window are judged like any other outcome (docs/checker.md,
  /// decision 5).
  func beginsNeededBreak(before: SMMU, after: SMMU) -> Bool {
    guard clearsValid, case .store(let address, _, _) = event,
      let p = state.memory.purpose(containing: address), p != .streamTableL1, p != .cdTableL1
    else { return clearsValid }
    let kind: EntryWriter.Kind = p == .streamTable ? .ste : .cd
    let valid = kind == .ste ? StreamTableEntry.v.mask : ContextDescriptor.v.mask
    let base = address & ~63
    guard let old = try? before.memory.readEntry(base), let new = try? after.memory.readEntry(base),
      old[0] & valid != 0, new[0] & valid != 0
    else { return true }
    return EntryWriter(kind: kind).analyse(current: old, target: new).diff.nonzeroBitCount > 1
  }
}
