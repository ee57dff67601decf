extension SMMU {
  /// Why an STE is ILLEGAL on this SMMU (a subset of IHI 0070 §5.2.2), or nil.
  package func steIllegality(_ ste: StreamTableEntry) -> String? {
    typealias S = StreamTableEntry
    let cfg = ste.configValue
    if (cfg == .s1Translate || cfg == .nested) && !features.stage1 { return "stage 1 not implemented" }
    if (cfg == .s2Translate || cfg == .nested) && !features.stage2 { return "stage 2 not implemented" }
    if cfg == .s1Translate || cfg == .nested {
      if ste[S.s1stalld] == 1 && features.stallModel != .stallOrTerminate {
        return "S1STALLD with STALL_MODEL != 00"
      }
      if features.ssidBits > 0 && Int(ste[S.s1cdmax]) > features.ssidBits { return "S1CDMax > SSIDSIZE" }
      if features.ssidBits > 0 && ste[S.s1cdmax] > 0 && ste[S.s1fmt] != 0 && ste[S.s1fmt] != 3
        && !features.twoLevelCDTable
      {
        return "2-level S1Fmt without CD2L"
      }
    }
    return nil
  }

  /// Why a CD is ILLEGAL (a subset of IHI 0070 §5.4.2), or nil.
  package func cdIllegality(_ cd: ContextDescriptor, ste: StreamTableEntry) -> String? {
    typealias C = ContextDescriptor
    if cd[C.aa64] == 0 { return "AArch32 format not modelled" }
    if !features.asid16 && cd.asidValue > 0xFF { return "ASID[15:8] without ASID16" }
    if cd[C.s] == 1 && ste[StreamTableEntry.s1stalld] == 1 { return "S=1 with S1STALLD" }
    if cd[C.s] == 1 && features.stallModel == .terminateOnly { return "S=1 with STALL_MODEL=01" }
    if cd[C.s] == 0 && features.stallModel == .stallForced { return "S=0 with STALL_MODEL=10" }
    return nil
  }
}
