import SMMUModel

/// The entries the per-master driver built before, by everything each was built from. The
/// make-functions are pure and most attaches rebuild an entry an earlier one built (its
/// fields set one at a time cost more than a lookup), so a hit returns the same entry.
struct EntryMemo: Sendable {
  /// The inputs of `EntryBuilder.s1CD`.
  struct S1CDKey: Hashable, Sendable {
    let asid: UInt16
    let ttbr: UInt64
    let tcr: CDTranslationControl
    let mair: UInt64
    let masterStall: Bool

    /// Hashes the inputs that vary between the attaches of one driver (the TCR and MAIR do
    /// not), folded into one word: hashing every field cost about as much as building the
    /// CD. Equality still compares every input, so a fold that collides only costs a probe.
    func hash(into hasher: inout Hasher) {
      hasher.combine(ttbr ^ UInt64(asid) << 48 ^ (masterStall ? 1 : 0))
    }
  }

  /// The inputs of `EntryBuilder.cdTableSTE`.
  struct CDTableSTEKey: Hashable, Sendable {
    let cdTable: UInt64
    let s1cdmax: UInt64
    let s1fmt: UInt64
    let ats: Bool
    let s1dss: StreamTableEntry.S1DSS
    let smmuStalls: Bool
    let masterStall: Bool
    let attributeTypesOverride: Bool

    /// Hashes the inputs that vary between the attaches of one driver, folded into one word
    /// (see `S1CDKey.hash(into:)`): the table (64-byte aligned) with ATS, stall and S1DSS in
    /// its low bits.
    func hash(into hasher: inout Hasher) {
      hasher.combine(cdTable ^ (ats ? 1 : 0) ^ (masterStall ? 2 : 0) ^ s1dss.rawValue << 2)
    }
  }

  private(set) var s1CDs: [S1CDKey: ContextDescriptor] = [:]
  private(set) var cdTableSTEs: [CDTableSTEKey: StreamTableEntry] = [:]

  /// Entries each table holds at most: a table that reaches it is emptied (keeping its
  /// storage). A scenario of many distinct domains or tables gains nothing from a memo, and
  /// an unbounded one grew with them (28 MB at 50 000 domains, rehashed as it grew).
  static let limit = 4096

  /// `EntryBuilder.s1CD` of these inputs.
  mutating func s1CD(
    asid: UInt16, ttbr: UInt64, tcr: CDTranslationControl, mair: UInt64, masterStall: Bool
  ) -> ContextDescriptor {
    let key = S1CDKey(asid: asid, ttbr: ttbr, tcr: tcr, mair: mair, masterStall: masterStall)
    if let cd = s1CDs[key] { return cd }
    let cd = EntryBuilder.s1CD(asid: asid, ttbr: ttbr, tcr: tcr, mair: mair, masterStall: masterStall)
    if s1CDs.count >= Self.limit { s1CDs.removeAll(keepingCapacity: true) }
    s1CDs[key] = cd
    return cd
  }

  /// `EntryBuilder.cdTableSTE` of these inputs.
  mutating func cdTableSTE(
    cdTable: UInt64, s1cdmax: UInt64, s1fmt: UInt64, ats: Bool, s1dss: StreamTableEntry.S1DSS,
    smmuStalls: Bool, masterStall: Bool, attributeTypesOverride: Bool
  ) -> StreamTableEntry {
    let key = CDTableSTEKey(
      cdTable: cdTable, s1cdmax: s1cdmax, s1fmt: s1fmt, ats: ats, s1dss: s1dss, smmuStalls: smmuStalls,
      masterStall: masterStall, attributeTypesOverride: attributeTypesOverride)
    if let ste = cdTableSTEs[key] { return ste }
    let ste = EntryBuilder.cdTableSTE(
      cdTable: cdTable, s1cdmax: s1cdmax, s1fmt: s1fmt, ats: ats, s1dss: s1dss, smmuStalls: smmuStalls,
      masterStall: masterStall, attributeTypesOverride: attributeTypesOverride)
    if cdTableSTEs.count >= Self.limit { cdTableSTEs.removeAll(keepingCapacity: true) }
    cdTableSTEs[key] = ste
    return ste
  }
}
