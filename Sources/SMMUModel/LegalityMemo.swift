/// The ILLEGAL verdicts of recently checked STEs and CDs, remembered by entry. A verdict is a
/// pure function of the entry's qwords (and, for a CD, its STE's S1STALLD) and of the SMMU's
/// features, which never change, so a remembered one is the one the rows would give again.
/// Direct-mapped: each entry has one slot, chosen by a hash of its qwords; a newer entry
/// takes the slot over.
struct LegalityMemo: Sendable {
  /// One remembered verdict.
  private struct Slot: Sendable {
    var entry = EntryQwords()
    /// `empty`, `legal`, or the index of the first row that holds.
    var verdict = LegalityMemo.empty
    /// For a CD: the S1STALLD of the STE it was checked with.
    var stallDisabled = false
  }

  /// Slots per table (a power of two, 2^(64 - `shift`)).
  static let size = 64
  private static let shift: UInt64 = 58
  /// A slot no entry holds.
  private static let empty: Int8 = -2
  /// The verdict of a legal entry (any other is a row index).
  private static let legal: Int8 = -1

  /// The STE slots, then the CD slots (allocated on the first verdict).
  private var slots: [Slot] = []

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
    if !slots.isEmpty, slots[s].verdict != Self.empty, slots[s].entry == ste.qwords {
      return Self.row(slots[s].verdict)
    }
    let row = smmu.steIllegalRow(ste)
    if slots.isEmpty { slots = Array(repeating: Slot(), count: 2 * Self.size) }
    slots[s] = Slot(entry: ste.qwords, verdict: Self.verdict(row))
    return row
  }

  /// The index in `IllegalCondition.cd` of the first ILLEGAL condition of `cd` located by
  /// `ste` on `smmu` (`SMMU.cdIllegalRow`), or nil. Of the STE, the rows read only S1STALLD.
  mutating func cdRow(_ cd: ContextDescriptor, ste: StreamTableEntry, on smmu: SMMU) -> Int? {
    let stallDisabled = ste[StreamTableEntry.s1stalld] == 1
    let s = Self.size + Self.slot(cd.qwords, stallDisabled ? 1 : 0)
    if !slots.isEmpty, slots[s].verdict != Self.empty, slots[s].stallDisabled == stallDisabled,
      slots[s].entry == cd.qwords
    {
      return Self.row(slots[s].verdict)
    }
    let row = smmu.cdIllegalRow(cd, ste: ste)
    if slots.isEmpty { slots = Array(repeating: Slot(), count: 2 * Self.size) }
    slots[s] = Slot(entry: cd.qwords, verdict: Self.verdict(row), stallDisabled: stallDisabled)
    return row
  }

  private static func verdict(_ row: Int?) -> Int8 { row.map { Int8($0) } ?? legal }
  private static func row(_ verdict: Int8) -> Int? { verdict == legal ? nil : Int(verdict) }
}
