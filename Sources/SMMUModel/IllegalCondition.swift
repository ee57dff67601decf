/// One ILLEGAL condition of a configuration structure: a row of the tables the lookup checks
/// before it uses an STE (`IllegalCondition.ste`, C_BAD_STE) or a CD (`IllegalCondition.cd`,
/// C_BAD_CD). The rows follow the field descriptions of IHI 0070 §5.2 (STE) and §5.4 (CD) and
/// their SteIllegal()/CdIllegal() pseudocode, for a Non-secure SMMU with the model's fixed ID
/// values: AArch64 tables only (IDR0.TTF=0b10), little-endian walks only (TTENDIAN=0b10), no
/// HTTU, no small translation tables (IDR3.STT=0), 48-bit VAs (IDR5.VAX=0), NS1ATS=0,
/// IAS = OAS (no AArch32). TERM_MODEL is 0, so CD.A=0 is legal (the model still aborts: it has
/// no RAZ/WI completion).
package struct IllegalCondition: Sendable {
  /// A short name, e.g. "S2T0SZ out of range".
  package let name: String
  /// Where the architecture states it, e.g. "§5.2 STE.S2T0SZ".
  package let source: String
  /// Why the entry is ILLEGAL on this SMMU.
  package let explanation: String
  /// True when the condition holds.
  let holds: @Sendable (IllegalityContext) -> Bool

  init(
    _ name: String, _ source: String, _ explanation: String,
    _ holds: @escaping @Sendable (IllegalityContext) -> Bool
  ) {
    self.name = name
    self.source = source
    self.explanation = explanation
    self.holds = holds
  }

  /// "NAME: EXPLANATION", for events' reasons and walk notes.
  package var reason: String { "\(name): \(explanation)" }

}

/// What the rows look at: the STE, the CD (empty for the STE rows) and the SMMU's features.
/// One concrete type for both tables, so the lookup calls the predicates without copying it.
package struct IllegalityContext {
  package let ste: StreamTableEntry
  package let cd: ContextDescriptor
  package let features: SMMUFeatures

  package init(ste: StreamTableEntry, cd: ContextDescriptor = ContextDescriptor(), features: SMMUFeatures) {
    self.ste = ste
    self.cd = cd
    self.features = features
  }
}

/// Translation-regime arithmetic the ILLEGAL rows share (VMSAv8-64, IHI 0070 §5.2/§5.4 and the
/// A-profile translation system they refer to).
enum RegimeRules {
  /// Address bits of an IPS/S2PS encoding (0b111 behaves as 0b110 up to SMMUv3.3), capped by
  /// the OAS.
  static func addressBits(ps: UInt64, oas: Int) -> Int {
    min(PageTableFormat.addressBits(ps: ps), oas)
  }

  /// A table base beyond the effective output size, or beyond 48 bits with a granule below
  /// 64 KiB (DS=0).
  static func tableAddressOutOfRange(_ address: UInt64, bits: Int, granuleBits: Int) -> Bool {
    address >> UInt64(bits) != 0 || (granuleBits < 16 && address >> 48 != 0)
  }

  /// S2T0SZ outside [max(16, 64 - IAS), 39] (STT=0; IAS = OAS). The architecture lets a 64K
  /// granule go down to 12 (52-bit IPAs, FEAT_LPA); the model's walks have no 52-bit inputs,
  /// so it keeps 16 for every granule.
  static func s2T0SZOutOfRange(_ t0sz: UInt64, granuleBits: Int, ias: Int) -> Bool {
    t0sz < max(16, 64 - ias) || t0sz > 39
  }

  /// CD TxSZ outside [16, 39] (48-bit VAs, STT=0).
  static func cdTxSZOutOfRange(_ txsz: UInt64) -> Bool { txsz < 16 || txsz > 39 }

  /// The stage-2 starting level S2SL0 selects for a granule (DS=0, no FEAT_TTST), or nil for
  /// a reserved encoding.
  static func s2StartLevel(sl0: UInt64, granuleBits: Int, oas: Int) -> Int? {
    switch (granuleBits, sl0 & 3) {
    case (12, 0): 2
    case (12, 1): 1
    case (12, 2): oas >= 44 ? 0 : nil
    case (14, 0), (16, 0): 3
    case (14, 1), (16, 1): 2
    case (14, 2): 1
    case (16, 2): oas >= 52 ? 1 : nil
    default: nil
    }
  }

  /// S2SL0 inconsistent with S2T0SZ and S2TG: the input size must need at least one bit at
  /// the starting level and at most a full level plus 16 concatenated tables.
  static func s2StartLevelInconsistent(sl0: UInt64, t0sz: UInt64, granuleBits: Int, oas: Int) -> Bool {
    guard let start = s2StartLevel(sl0: sl0, granuleBits: granuleBits, oas: oas) else { return true }
    let stride = granuleBits - 3
    let minimum = (3 - start) * stride + granuleBits + 1
    let maximum = minimum + (stride - 1) + 4
    let inputBits = 64 - Int(t0sz)
    return inputBits < minimum || inputBits > maximum
  }
}
