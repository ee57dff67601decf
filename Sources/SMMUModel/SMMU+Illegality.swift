extension SMMU {
  /// The first ILLEGAL condition (`IllegalCondition.ste`) a valid STE meets on this SMMU, or
  /// nil. Config 0xx (abort or reserved) is never ILLEGAL.
  package func steIllegalCondition(_ ste: StreamTableEntry) -> IllegalCondition? {
    steIllegalRow(ste).map { IllegalCondition.ste[$0] }
  }

  /// The index in `IllegalCondition.ste` of `steIllegalCondition(ste)`, or nil.
  func steIllegalRow(_ ste: StreamTableEntry) -> Int? {
    guard ste[StreamTableEntry.config] >= 4 else { return nil }
    return Self.firstHolding(IllegalCondition.ste, IllegalityContext(ste: ste, features: features))
  }

  /// Why an STE is ILLEGAL on this SMMU ("NAME: EXPLANATION"), or nil.
  package func steIllegality(_ ste: StreamTableEntry) -> String? { steIllegalCondition(ste)?.reason }

  /// The first ILLEGAL condition (`IllegalCondition.cd`) a CD meets when `ste` locates it, or
  /// nil.
  package func cdIllegalCondition(_ cd: ContextDescriptor, ste: StreamTableEntry) -> IllegalCondition? {
    cdIllegalRow(cd, ste: ste).map { IllegalCondition.cd[$0] }
  }

  /// The index in `IllegalCondition.cd` of `cdIllegalCondition(cd, ste:)`, or nil.
  func cdIllegalRow(_ cd: ContextDescriptor, ste: StreamTableEntry) -> Int? {
    Self.firstHolding(IllegalCondition.cd, IllegalityContext(ste: ste, cd: cd, features: features))
  }

  /// Why a CD is ILLEGAL ("NAME: EXPLANATION"), or nil.
  package func cdIllegality(_ cd: ContextDescriptor, ste: StreamTableEntry) -> String? {
    cdIllegalCondition(cd, ste: ste)?.reason
  }

  /// The index of the first row that holds (rows are read in place, not copied, on the
  /// common legal path).
  static func firstHolding(_ rows: [IllegalCondition], _ context: IllegalityContext) -> Int? {
    rows.withUnsafeBufferPointer { b in
      for i in b.indices where b[i].holds(context) { return i }
      return nil
    }
  }
}
