/// The bits of an STE or CD that the SMMU reads given the entry's own V and Config, and the
/// bits that may change in place while in use (the 2025 "update-safe" rules). These drive
/// the hitless entry writer and the torn-update hazard check.
package enum UsedBits {
  /// Bits of an STE the hardware uses (Linux `arm_smmu_get_ste_used`, newest form with MEV).
  package static func ste(_ entry: EntryQwords) -> EntryQwords {
    typealias S = StreamTableEntry
    var used = EntryQwords()
    used[0] = S.v.mask
    guard S.v.get(entry[0]) == 1 else { return used }
    used[0] |= S.config.mask
    let cfg = S.config.get(entry[0])
    if cfg & 1 != 0 {
      used[0] |= S.s1fmt.mask | S.s1ContextPtr.mask | S.s1cdmax.mask
      used[1] |= S.s1dss.mask | S.s1cir.mask | S.s1cor.mask | S.s1csh.mask | S.s1stalld.mask
      used[1] |= S.strw.mask | S.eats.mask | S.mev.mask
      used[2] |= S.s2vmid.mask
      if S.s1dss.get(entry[1]) == S.S1DSS.bypass.rawValue { used[1] |= S.shcfg.mask }
    }
    if cfg & 2 != 0 {
      used[1] |= S.s2fwb.mask | S.eats.mask | S.shcfg.mask | S.mev.mask
      used[2] |= S.s2vmid.mask | S.vtcr.mask | S.s2aa64.mask | S.s2endi.mask | S.s2ptw.mask
      used[2] |= S.s2s.mask | S.s2r.mask
      used[3] |= S.s2ttb.mask
    }
    if cfg == S.Config.bypass.rawValue { used[1] |= S.shcfg.mask }
    return used
  }

  /// Bits of a CD the hardware uses (Linux `arm_smmu_get_cd_used`).
  package static func cd(_ entry: EntryQwords) -> EntryQwords {
    typealias C = ContextDescriptor
    var used = EntryQwords()
    used[0] = C.v.mask
    guard C.v.get(entry[0]) == 1 else { return used }
    used = EntryQwords(repeating: ~0)
    if C.epd0.get(entry[0]) == 1 {
      used[0] &= ~(C.t0sz.mask | C.tg0.mask | C.irgn0.mask | C.orgn0.mask | C.sh0.mask)
      used[1] &= ~C.ttb0.mask
    }
    return used
  }

  /// STE bits that may change in place between `current` and `target` (2025 update-safe).
  /// MEV is always safe; EATS=TRANS is safe unless either entry uses S1CHK or S2S.
  package static func steUpdateSafe(current: EntryQwords, target: EntryQwords) -> EntryQwords {
    typealias S = StreamTableEntry
    var safe = EntryQwords()
    safe[1] = S.mev.mask
    let s1chk = S.eats.set(0, S.eatsS1Check)
    let s2s = S.s2s.mask
    if (current[1] | target[1]) & s1chk == 0 && (current[2] | target[2]) & s2s == 0 {
      safe[1] |= S.eats.set(0, S.eatsTrans)
    }
    return safe
  }

  /// CDs have no update-safe bits.
  package static func cdUpdateSafe(current: EntryQwords, target: EntryQwords) -> EntryQwords {
    EntryQwords()
  }

  // MARK: The same over arrays of 8 qwords

  /// `ste(_:)` of an array of 8 qwords.
  package static func ste(_ entry: [UInt64]) -> [UInt64] { ste(EntryQwords(entry)).array }

  /// `cd(_:)` of an array of 8 qwords.
  package static func cd(_ entry: [UInt64]) -> [UInt64] { cd(EntryQwords(entry)).array }

  /// `steUpdateSafe(current:target:)` of arrays of 8 qwords.
  package static func steUpdateSafe(current: [UInt64], target: [UInt64]) -> [UInt64] {
    steUpdateSafe(current: EntryQwords(current), target: EntryQwords(target)).array
  }

  /// `cdUpdateSafe(current:target:)` of arrays of 8 qwords.
  package static func cdUpdateSafe(current: [UInt64], target: [UInt64]) -> [UInt64] {
    cdUpdateSafe(current: EntryQwords(current), target: EntryQwords(target)).array
  }
}
