extension SMMU {
  /// The first ILLEGAL condition (`IllegalCondition.ste`) a valid STE meets on this SMMU, or
  /// nil. Config 0xx (abort or reserved) is never ILLEGAL.
  package func steIllegalCondition(_ ste: StreamTableEntry) -> IllegalCondition<STEIllegalityContext>? {
    guard ste[StreamTableEntry.config] >= 4 else { return nil }
    return .first(of: IllegalCondition.ste, in: STEIllegalityContext(ste: ste, features: features))
  }

  /// Why an STE is ILLEGAL on this SMMU ("NAME: EXPLANATION"), or nil.
  package func steIllegality(_ ste: StreamTableEntry) -> String? { steIllegalCondition(ste)?.reason }

  /// The first ILLEGAL condition (`IllegalCondition.cd`) a CD meets when `ste` locates it, or
  /// nil.
  package func cdIllegalCondition(_ cd: ContextDescriptor, ste: StreamTableEntry)
    -> IllegalCondition<CDIllegalityContext>?
  {
    .first(of: IllegalCondition.cd, in: CDIllegalityContext(cd: cd, ste: ste, features: features))
  }

  /// Why a CD is ILLEGAL ("NAME: EXPLANATION"), or nil.
  package func cdIllegality(_ cd: ContextDescriptor, ste: StreamTableEntry) -> String? {
    cdIllegalCondition(cd, ste: ste)?.reason
  }
}
