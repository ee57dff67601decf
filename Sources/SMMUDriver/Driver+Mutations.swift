import SMMUModel

/// The steps `DriverMutation`s change that are not a single reordering in place: dropped
/// commands, the entry syncs, and the TLBI of a freed ASID.
extension Driver {
  /// Activates exactly these mutations from the next operation on (`inject`; empty: none).
  package mutating func inject(_ mutations: Set<DriverMutation>) { options.mutations = mutations }

  /// True when mutation `m` is active.
  func mutated(_ m: DriverMutation) -> Bool { !options.mutations.isEmpty && options.mutations.contains(m) }

  /// True when mutation `m` is active, which then counts as having changed what the driver
  /// does (`mutationsApplied`).
  mutating func applying(_ m: DriverMutation) -> Bool {
    guard mutated(m) else { return false }
    mutationsApplied.insert(m)
    return true
  }

  /// The mutation that drops `c` wherever the driver issues it (the `skip-*` ones), if active.
  static func dropper(of c: Command, _ m: Set<DriverMutation>) -> DriverMutation? {
    let by: DriverMutation? =
      switch c {
      case .cfgiSTE: .skipCFGISTE
      case .cfgiCD: .skipCFGICD
      case .tlbiNHASID: .skipTLBIASID
      case .tlbiNHVA, .tlbiS2IPA: .skipTLBIVA
      case .atcInv: .skipATCInv
      default: nil
      }
    return by.flatMap { m.contains($0) ? $0 : nil }
  }

  /// The CMD_SYNC that publishes entry stores and their CFGI (`skip-sync` leaves it out).
  mutating func syncEntries() {
    if !applying(.skipSync) { issue(.sync) }
  }

  /// TLBI_NH_ASID + CMD_SYNC of an ASID the driver freed. With `early-asid-reuse` it is held
  /// back: it is sent at the end of the operation after a later one that wrote a CD (by then
  /// the ASID may have a new owner whose CD is live).
  mutating func invalidateFreedASID(_ asid: UInt16) {
    guard applying(.earlyASIDReuse) else { return issue([.tlbiNHASID(vmid: 0, asid: asid), .sync]) }
    deferredASIDInvalidations.append((asid, false))
    note("early-asid-reuse: TLBI_NH_ASID \(asid) held back; ASID \(asid) is free again")
  }

  /// At the end of an operation: issues the first `count` held-back invalidations that are
  /// due, and makes the rest due when this operation wrote a CD (`early-asid-reuse`).
  mutating func settleDeferredASIDInvalidations(_ count: Int) {
    let due = deferredASIDInvalidations.prefix(count).filter(\.due).map(\.asid)
    if !due.isEmpty {
      deferredASIDInvalidations.removeFirst(due.count)
      note("early-asid-reuse: the held-back TLBI_NH_ASID of \(due.map(String.init).joined(separator: ", "))")
      issue(due.map { .tlbiNHASID(vmid: 0, asid: $0) } + [.sync])
    }
    guard storedCD else { return }
    for i in 0..<(count - due.count) { deferredASIDInvalidations[i].due = true }
  }
}
