/// The translation regimes the CD and STE describe (IHI 0070 §5.2, §5.4; §3.4 address sizes):
/// which table an address walks and its format (the ILLEGAL regime fields are rows of `IllegalCondition`).
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
