/// The CD rows (IHI 0070 §5.4 field descriptions and CdIllegal()), in the pseudocode's order,
/// for an EL1 StreamWorld (EPD0/EPD1 are honoured: a disabled half is not checked).
extension IllegalCondition {
  typealias C = ContextDescriptor
  /// TTB1's half of the CD, read only by these rows.
  static let t1sz = BitField("T1SZ", word: 0, 21, 16)
  static let tg1 = BitField("TG1", word: 0, 23, 22)
  static let ttb1 = BitField("TTB1", word: 2, 51, 4)

  /// Every CD row.
  package static let cd: [IllegalCondition] = [
    .init("S with S1STALLD", "§5.4 CD.S", "S=1 (stall) while the STE sets S1STALLD") { c in
      c.cd[C.s] == 1 && c.ste[StreamTableEntry.s1stalld] == 1
    },
    .init("S without the stall model", "§5.4 CD.S", "S=1 on an SMMU that cannot stall (STALL_MODEL=0b01)") {
      c in
      c.cd[C.s] == 1 && c.features.stallModel == .terminateOnly
    },
    .init("S=0 with stalls forced", "§5.4 CD.S", "S=0 when stalls are forced (STALL_MODEL=0b10)") { c in
      c.cd[C.s] == 0 && c.features.stallModel == .stallForced
    },
    .init(
      "ENDI big-endian", "§5.4 CD.ENDI", "big-endian walks: the SMMU is little-endian only (TTENDIAN=0b10)"
    ) { c in
      c.cd[C.endi] == 1 && (c.cd[C.epd0] == 0 || c.cd[C.epd1] == 0)
    },
    .init(
      "AA64=0 (AArch32)", "§5.4 CD.AA64",
      "VMSAv8-32 LPAE tables are not supported: the model's SMMU has AArch64 tables only (IDR0.TTF=0b10)"
    ) { c in c.cd[C.aa64] == 0 },
    .init("HA/HD without HTTU", "§5.4 CD.HA", "hardware Access/Dirty updates need IDR0.HTTU, which is 0") {
      c in
      c.cd[C.ha] == 1 || c.cd[C.hd] == 1
    },
    .init("ASID[15:8] without ASID16", "§5.4 CD.ASID", "a 16-bit ASID on an SMMU with 8-bit ASIDs") { c in
      !c.features.asid16 && c.cd.asidValue > 0xFF
    },
    .init("T0SZ out of range", "§5.4 CD.T0SZ", "T0SZ is 16 to 39 (48-bit VAs, no small tables)") { c in
      c.cd[C.epd0] == 0 && RegimeRules.cdTxSZOutOfRange(c.cd[C.t0sz])
    },
    .init("T1SZ out of range", "§5.4 CD.T1SZ", "T1SZ is 16 to 39 (48-bit VAs, no small tables)") { c in
      c.cd[C.epd1] == 0 && RegimeRules.cdTxSZOutOfRange(c.cd[Self.t1sz])
    },
    .init("TG0 reserved", "§5.4 CD.TG0", "TG0=0b11 is reserved") { c in c.cd[C.epd0] == 0 && c.cd[C.tg0] == 3
    },
    .init(
      "TTB0 beyond IPS", "§5.4 CD.TTB0",
      "TTB0 is outside min(IPS, OAS), or beyond 48 bits with a granule < 64K"
    ) {
      c in
      guard c.cd[C.epd0] == 0, let g = PageTableFormat.granuleShift(tg0: c.cd[C.tg0]) else { return false }
      let bits = RegimeRules.addressBits(ps: c.cd[C.ips], oas: c.features.oas)
      return RegimeRules.tableAddressOutOfRange(c.cd.tableAddress, bits: bits, granuleBits: g)
    },
    .init("TG1 reserved", "§5.4 CD.TG1", "TG1=0b00 is reserved") { c in
      c.cd[C.epd1] == 0 && c.cd[Self.tg1] == 0
    },
    .init(
      "TTB1 beyond IPS", "§5.4 CD.TTB1",
      "TTB1 is outside min(IPS, OAS), or beyond 48 bits with a granule < 64K"
    ) {
      c in
      guard c.cd[C.epd1] == 0, let g = PageTableFormat.granuleShift(tg1: c.cd[Self.tg1]) else { return false }
      let bits = RegimeRules.addressBits(ps: c.cd[C.ips], oas: c.features.oas)
      return RegimeRules.tableAddressOutOfRange(c.cd.qwords[2] & Self.ttb1.mask, bits: bits, granuleBits: g)
    },
  ]
}
