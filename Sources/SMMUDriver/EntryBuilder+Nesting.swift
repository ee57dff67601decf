import SMMUModel

extension EntryBuilder {
  /// The physical STE of a nested domain whose vSTE is stage 1 (`arm_smmu_make_nested_cd_table_ste`,
  /// upstream-2026.md §1.4): the parent's S2 STE (built with the host's ATS decision), q0
  /// replaced by V, Config nested and the guest's q0 fields, the guest's q1 fields ORed into
  /// q1 with MEV. q2-q3 (VMID, VTCR, S2TTB) stay the parent's.
  package static func nestedSTE(vste: NestedSTE, s2STE: StreamTableEntry) -> StreamTableEntry {
    typealias S = StreamTableEntry
    var e = s2STE
    e.qwords[0] = S.v.mask | S.config.set(0, S.Config.nested.rawValue)
    e.qwords[0] |= vste.q0 & ~S.config.mask
    e.qwords[1] |= vste.q1
    e[S.mev] = 1
    return e
  }
}
