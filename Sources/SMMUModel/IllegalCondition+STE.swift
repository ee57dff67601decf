/// The STE rows (IHI 0070 §5.2 field descriptions and SteIllegal()), in the pseudocode's order.
/// They apply to a valid STE whose Config is 1xx; Config 0xx aborts without an event.
extension IllegalCondition {
  typealias S = StreamTableEntry
  /// STE.S2HD and STE.S2HA (bits 183 and 184), read only by these rows.
  static let s2hd = BitField("S2HD", word: 2, 55, 55)
  static let s2ha = BitField("S2HA", word: 2, 56, 56)

  /// Every STE row.
  package static let ste: [IllegalCondition] = [
    .init(
      "Config needs stage 1", "§5.2 STE.Config",
      "Config 1x1 selects stage 1, which this SMMU lacks (IDR0.S1P=0)"
    ) {
      $0.stage1 && !$0.features.stage1
    },
    .init(
      "Config needs stage 2", "§5.2 STE.Config",
      "Config 11x selects stage 2, which this SMMU lacks (IDR0.S2P=0)"
    ) {
      $0.stage2 && !$0.features.stage2
    },
    .init(
      "EATS split-stage", "§5.2 STE.EATS",
      "EATS=0b10 (split-stage ATS) needs Config=0b111 (nested) and S2S=0"
    ) { c in
      c.features.ats && c.config != 4 && c.ste[S.eats] == 2 && (c.config != 7 || c.ste[S.s2s] == 1)
    },
    .init("EATS full ATS with S2S", "§5.2 STE.EATS", "EATS=0b01 with stage 2 translating and S2S=1") { c in
      c.features.ats && c.stage2 && c.ste[S.eats] == 1 && c.ste[S.s2s] == 1
    },
    .init(
      "STRW reserved", "§5.2 STE.STRW",
      "STRW=0bx1 is reserved for Non-secure streams (used: Hyp=1, Config=0b101)"
    ) {
      c in c.features.stage1 && c.features.hyp && c.config == 5 && c.ste[S.strw] & 1 == 1
    },
    .init("S1STALLD without the stall model", "§5.2 STE.S1STALLD", "S1STALLD=1 needs STALL_MODEL=0b00") { c in
      c.stage1 && c.ste[S.s1stalld] == 1 && c.features.stallModel != .stallOrTerminate
    },
    .init("S1CDMax beyond SSIDSIZE", "§5.2 STE.S1CDMax", "S1CDMax is 0 to IDR1.SSIDSIZE") { c in
      c.stage1 && c.features.ssidBits != 0 && Int(c.ste[S.s1cdmax]) > c.features.ssidBits
    },
    .init(
      "S1Fmt 2-level without CD2L", "§5.2 STE.S1Fmt", "S1Fmt 0b01/0b10 (2-level CD table) needs IDR0.CD2L=1"
    ) {
      c in
      c.stage1 && c.features.ssidBits != 0 && c.ste[S.s1cdmax] != 0 && !c.features.twoLevelCDTable
        && (c.ste[S.s1fmt] == 1 || c.ste[S.s1fmt] == 2)
    },
    .init(
      "S2S without the stall model", "§5.2 STE.S2S", "S2S=1 on an SMMU that cannot stall (STALL_MODEL=0b01)"
    ) {
      c in c.stage2 && c.ste[S.s2s] == 1 && c.features.stallModel == .terminateOnly
    },
    .init("S2S=0 with stalls forced", "§5.2 STE.S2S", "S2S=0 when stalls are forced (STALL_MODEL=0b10)") {
      c in
      c.stage2 && c.ste[S.s2s] == 0 && c.features.stallModel == .stallForced
    },
    .init(
      "S2AA64 selects AArch32", "§5.2 STE.S2AA64",
      "VMSAv8-32 LPAE stage-2 tables are not supported: the model's SMMU has AArch64 tables only (IDR0.TTF=0b10)"
    ) { c in c.stage2 && c.ste[S.s2aa64] == 0 },
    .init(
      "S2HA/S2HD without HTTU", "§5.2 STE.S2HA", "hardware Access/Dirty updates need IDR0.HTTU, which is 0"
    ) {
      c in c.stage2 && (c.ste[Self.s2ha] == 1 || c.ste[Self.s2hd] == 1)
    },
    .init("S2TG reserved", "§5.2 STE.S2TG", "S2TG=0b11 is reserved") { c in c.stage2 && c.ste[S.vtcrTG] == 3
    },
    .init(
      "S2TTB beyond S2PS", "§5.2 STE.S2TTB",
      "S2TTB is outside min(S2PS, OAS), or beyond 48 bits with a granule < 64K"
    ) {
      c in
      guard c.stage2, let g = c.s2Granule else { return false }
      let bits = RegimeRules.addressBits(ps: c.ste[S.vtcrPS], oas: c.features.oas)
      return RegimeRules.tableAddressOutOfRange(c.ste.s2TableAddress, bits: bits, granuleBits: g)
    },
    .init(
      "S2T0SZ out of range", "§5.2 STE.S2T0SZ",
      "S2T0SZ is max(16, 64-IAS) to 39 (12 for 64K needs 52-bit IPAs, not modelled)"
    ) { c in
      guard c.stage2, let g = c.s2Granule else { return false }
      return RegimeRules.s2T0SZOutOfRange(c.ste[S.vtcrT0SZ], granuleBits: g, ias: c.features.oas)
    },
    .init(
      "S2SL0 inconsistent", "§5.2 STE.S2SL0",
      "the starting level S2SL0 selects does not fit S2T0SZ and S2TG (or is reserved)"
    ) { c in
      guard c.stage2, let g = c.s2Granule else { return false }
      return RegimeRules.s2StartLevelInconsistent(
        sl0: c.ste[S.vtcrSL0], t0sz: c.ste[S.vtcrT0SZ], granuleBits: g, oas: c.features.oas)
    },
    .init(
      "S2ENDI big-endian", "§5.2 STE.S2ENDI",
      "big-endian stage-2 walks: the SMMU is little-endian only (TTENDIAN=0b10)"
    ) {
      c in c.stage2 && c.ste[S.s2endi] == 1
    },
  ]
}

extension IllegalityContext {
  /// The raw Config (only 0b100-0b111 reach the rows).
  var config: UInt64 { ste[StreamTableEntry.config] }
  /// Config 1x1: stage 1 translates.
  var stage1: Bool { config >= 4 && config & 1 == 1 }
  /// Config 11x: stage 2 translates.
  var stage2: Bool { config >= 6 }
  /// The S2TG granule in bits (nil when reserved).
  var s2Granule: Int? { PageTableFormat.granuleShift(tg0: ste[StreamTableEntry.vtcrTG]) }
}
