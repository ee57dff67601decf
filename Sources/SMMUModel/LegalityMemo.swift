/// The ILLEGAL verdicts of recently checked STEs and CDs, remembered by entry. A verdict is a
/// pure function of the entry's qwords (and, for a CD, its STE's S1STALLD) and of the SMMU's
/// features, which never change, so a remembered one is the one the rows would give again.
/// Direct-mapped: each entry has one slot, chosen by a hash of its qwords; a newer entry
/// takes the slot over.
struct LegalityMemo: Sendable {
  /// Slots per table (a power of two, 2^(64 - `shift`)).
  static let size = 64
  private static let shift: UInt64 = 58
  /// A slot no entry holds.
  private static let empty: Int8 = -2
  /// The verdict of a legal entry (any other is a row index).
  private static let legal: Int8 = -1

  /// STEs and their verdicts, by slot (allocated on the first verdict).
  private var steEntries: [EntryQwords] = []
  private var steVerdicts: [Int8] = []
  /// CDs, the S1STALLD they were checked with, and their verdicts, by slot.
  private var cdEntries: [EntryQwords] = []
  private var cdStallDisabled: [Bool] = []
  private var cdVerdicts: [Int8] = []

  /// A memo that remembers nothing yet (allocates nothing).
  init() {}

  /// The slot of an entry: the top bits of a multiplicative hash of its qwords.
  static func slot(_ q: EntryQwords, _ salt: UInt64) -> Int {
    var h = salt
    for i in 0..<8 { h = (h ^ q[i]) &* 0x9E37_79B9_7F4A_7C15 }
    return Int(truncatingIfNeeded: h >> shift)
  }

  /// The index in `IllegalCondition.ste` of the first ILLEGAL condition of `ste` on `smmu`
  /// (`SMMU.steIllegalRow`), or nil.
  mutating func steRow(_ ste: StreamTableEntry, on smmu: SMMU) -> Int? {
    let s = Self.slot(ste.qwords, 0)
    if !steVerdicts.isEmpty, steVerdicts[s] != Self.empty, steEntries[s] == ste.qwords {
      return Self.row(steVerdicts[s])
    }
    let row = smmu.steIllegalRow(ste)
    if steVerdicts.isEmpty {
      steEntries = Array(repeating: EntryQwords(), count: Self.size)
      steVerdicts = Array(repeating: Self.empty, count: Self.size)
    }
    steEntries[s] = ste.qwords
    steVerdicts[s] = Self.verdict(row)
    return row
  }

  /// The index in `IllegalCondition.cd` of the first ILLEGAL condition of `cd` located by
  /// `ste` on `smmu` (`SMMU.cdIllegalRow`), or nil. Of the STE, the rows read only S1STALLD.
  mutating func cdRow(_ cd: ContextDescriptor, ste: StreamTableEntry, on smmu: SMMU) -> Int? {
    let stallDisabled = ste[StreamTableEntry.s1stalld] == 1
    let s = Self.slot(cd.qwords, stallDisabled ? 1 : 0)
    if !cdVerdicts.isEmpty, cdVerdicts[s] != Self.empty, cdStallDisabled[s] == stallDisabled,
      cdEntries[s] == cd.qwords
    {
      return Self.row(cdVerdicts[s])
    }
    let row = smmu.cdIllegalRow(cd, ste: ste)
    if cdVerdicts.isEmpty {
      cdEntries = Array(repeating: EntryQwords(), count: Self.size)
      cdStallDisabled = Array(repeating: false, count: Self.size)
      cdVerdicts = Array(repeating: Self.empty, count: Self.size)
    }
    cdEntries[s] = cd.qwords
    cdStallDisabled[s] = stallDisabled
    cdVerdicts[s] = Self.verdict(row)
    return row
  }

  private static func verdict(_ row: Int?) -> Int8 { row.map { Int8($0) } ?? legal }
  private static func row(_ verdict: Int8) -> Int? { verdict == legal ? nil : Int(verdict) }
}
