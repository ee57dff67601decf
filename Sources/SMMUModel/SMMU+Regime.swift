/// The translation regimes the CD and STE describe (IHI 0070 §5.2, §5.4; §3.4 address sizes):
/// which table an address walks, its format, and the ILLEGAL regime fields.
extension SMMU {
  /// The stage-1 half an input address selects and how to walk it.
  struct Stage1Regime {
    /// The table base (TTB0 or TTB1).
    var root: UInt64
    var format: PageTableFormat
    /// The address to walk: the input bits below the input size.
    var walkAddress: UInt64
    /// EPDx = 1: a TLB miss in this half is a translation fault.
    var disabled: Bool
    /// The address is outside the half's input range (or in no half): a translation fault.
    var outOfRange: Bool
    /// TTB1 (VA[55] = 1) rather than TTB0.
    var upper: Bool
  }

  /// TxSZ range without small translation tables (IDR3.STT = 0): 16 (48 bits) to 39 (25 bits).
  static let txszRange: ClosedRange<UInt64> = 16...39

  /// Why the CD's stage-1 regime is ILLEGAL, or nil: a reserved TG0/TG1, or a T0SZ/T1SZ outside
  /// 16...39 (SMMUv3.1+). A half whose EPDx = 1 is IGNORED; TTB1 exists only for EL1 streams.
  /// (The "hwconf" ILLEGAL table may call this; `resolve` checks it after `cdIllegality`.)
  package func cdRegimeIllegality(_ cd: ContextDescriptor, ste: StreamTableEntry? = nil) -> String? {
    typealias C = ContextDescriptor
    if cd[C.epd0] == 0 {
      if PageTableFormat.granuleShift(tg0: cd[C.tg0]) == nil { return "TG0 reserved (0b11)" }
      if !Self.txszRange.contains(cd[C.t0sz]) { return "T0SZ \(cd[C.t0sz]) outside 16...39" }
    }
    let el2 = ste.map { $0[StreamTableEntry.strw] == StreamTableEntry.strwEL2 } ?? false
    if cd[C.epd1] == 0 && !el2 {
      if PageTableFormat.granuleShift(tg1: cd[C.tg1]) == nil { return "TG1 reserved (0b00)" }
      if !Self.txszRange.contains(cd[C.t1sz]) { return "T1SZ \(cd[C.t1sz]) outside 16...39" }
    }
    return nil
  }

  /// Why the STE's stage-2 regime is ILLEGAL, or nil: S2AA64 = 0 (AArch32 tables, not
  /// implemented), S2TG reserved, S2T0SZ outside 16...39, or an S2SL0 whose start level
  /// would need more than 16 concatenated tables (or none) for the S2T0SZ.
  package func s2RegimeIllegality(_ ste: StreamTableEntry) -> String? {
    typealias S = StreamTableEntry
    if ste[S.s2aa64] == 0 { return "S2AA64=0 (AArch32 stage-2 tables not implemented)" }
    guard let granule = PageTableFormat.granuleShift(tg0: ste[S.vtcrTG]) else {
      return "S2TG reserved (0b11)"
    }
    if !Self.txszRange.contains(ste[S.vtcrT0SZ]) { return "S2T0SZ \(ste[S.vtcrT0SZ]) outside 16...39" }
    guard let f = s2Format(ste) else { return "S2SL0 \(ste[S.vtcrSL0]) reserved for S2TG" }
    let bits = f.indexBits(level: f.startLevel)
    if bits < 1 || bits > f.bitsPerLevel + 4 || (granule == 12 && ste[S.vtcrSL0] == 3) {
      return "S2SL0 \(ste[S.vtcrSL0]) inconsistent with S2T0SZ \(ste[S.vtcrT0SZ])"
    }
    return nil
  }

  /// The stage-2 format of an STE (nil for a reserved S2TG or S2SL0): S2SL0 picks the start
  /// level (4K: 0 -> level 2, 1 -> 1, 2 -> 0; 16K/64K: 0 -> 3, 1 -> 2, 2 -> 1, 16K 3 -> 0).
  func s2Format(_ ste: StreamTableEntry) -> PageTableFormat? {
    typealias S = StreamTableEntry
    guard let granule = PageTableFormat.granuleShift(tg0: ste[S.vtcrTG]) else { return nil }
    let sl0 = Int(ste[S.vtcrSL0])
    let start: Int
    switch granule {
    case 12: start = 2 - sl0
    case 14: start = 3 - sl0
    default: start = sl0 == 3 ? -1 : 3 - sl0
    }
    guard start >= 0 else { return nil }
    return PageTableFormat(
      granuleShift: granule, inputSize: 64 - Int(ste[S.vtcrT0SZ]), startLevel: start,
      outputSize: min(PageTableFormat.addressBits(ps: ste[S.vtcrPS]), features.oas))
  }

  /// The half of the CD's regime `address` falls in (AArch64: VA[55] selects TTB1 for EL1
  /// streams), with TBIx applied and the range checked.
  func stage1Regime(_ cd: ContextDescriptor, ste: StreamTableEntry, address: UInt64) -> Stage1Regime {
    typealias C = ContextDescriptor
    let upper = address >> 55 & 1 == 1 && ste[StreamTableEntry.strw] != StreamTableEntry.strwEL2
    let tsz = Int(upper ? cd[C.t1sz] : cd[C.t0sz])
    let granule =
      (upper
        ? PageTableFormat.granuleShift(tg1: cd[C.tg1]) : PageTableFormat.granuleShift(tg0: cd[C.tg0])) ?? 12
    let inputSize = min(max(64 - tsz, 25), 48)
    let tbi = (upper ? cd[C.tbi1] : cd[C.tbi0]) == 1
    // Top byte ignored: bits 63:56 taken as copies of bit 55.
    var a = address
    if tbi { a = address >> 55 & 1 == 1 ? address | 0xFF00_0000_0000_0000 : address & 0x00FF_FFFF_FFFF_FFFF }
    let high = upper ? ~a : a
    let format = PageTableFormat(
      granuleShift: granule, inputSize: inputSize,
      outputSize: min(PageTableFormat.addressBits(ps: cd[C.ips]), features.oas))
    return Stage1Regime(
      root: upper ? cd.table1Address : cd.tableAddress, format: format,
      walkAddress: a & ((UInt64(1) << UInt64(inputSize)) - 1),
      disabled: (upper ? cd[C.epd1] : cd[C.epd0]) == 1,
      outOfRange: high >> UInt64(inputSize) != 0 || (address >> 55 & 1 == 1 && !upper), upper: upper)
  }
}
