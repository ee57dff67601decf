/// A Stream Table Entry: 64 bytes, 8 little-endian qwords, with the field map of the Linux
/// arm-smmu-v3 header and the SMMUv3 architecture (IHI 0070).
package struct StreamTableEntry: Sendable, Hashable {
  /// The raw qwords, exactly as they sit in memory.
  package var qwords: EntryQwords

  package init(qwords: EntryQwords = EntryQwords()) { self.qwords = qwords }

  /// From an array, which must hold 8 qwords.
  package init(qwords: [UInt64]) {
    precondition(qwords.count == 8, "an STE has 8 qwords")
    self.qwords = EntryQwords(qwords)
  }

  /// STE.Config (word 0, bits 3:1).
  package enum Config: UInt64, Sendable, CaseIterable {
    case abort = 0
    case bypass = 4
    case s1Translate = 5
    case s2Translate = 6
    case nested = 7

    package var name: String {
      switch self {
      case .abort: "abort"
      case .bypass: "bypass"
      case .s1Translate: "S1"
      case .s2Translate: "S2"
      case .nested: "nested"
      }
    }
  }

  /// STE.S1DSS (word 1, bits 1:0): what a transaction without a substream does.
  package enum S1DSS: UInt64, Sendable, CaseIterable {
    case terminate = 0
    case bypass = 1
    case ssid0 = 2

    package var name: String {
      switch self {
      case .terminate: "terminate"
      case .bypass: "bypass"
      case .ssid0: "ssid0"
      }
    }
  }

  /// STE.S1Fmt values (word 0, bits 5:4).
  package static let s1fmtLinear: UInt64 = 0
  package static let s1fmt4KL2: UInt64 = 1
  package static let s1fmt64KL2: UInt64 = 2
  /// STE.EATS values.
  package static let eatsAbort: UInt64 = 0
  package static let eatsTrans: UInt64 = 1
  package static let eatsS1Check: UInt64 = 2
  /// STE.STRW values.
  package static let strwNSEL1: UInt64 = 0
  package static let strwEL2: UInt64 = 2
  /// STE.SHCFG "use incoming shareability".
  package static let shcfgIncoming: UInt64 = 1
  /// Cache attribute value "write-back, read-allocate" for S1CIR/S1COR.
  package static let cacheWBRA: UInt64 = 1
  /// Shareability "inner shareable" for S1CSH.
  package static let shareInner: UInt64 = 3

  // MARK: Field map
  package static let v = BitField("V", word: 0, 0, 0)
  package static let config = BitField("Config", word: 0, 3, 1)
  package static let s1fmt = BitField("S1Fmt", word: 0, 5, 4)
  package static let s1ContextPtr = BitField("S1ContextPtr", word: 0, 51, 6)
  package static let s1cdmax = BitField("S1CDMax", word: 0, 63, 59)
  package static let s1dss = BitField("S1DSS", word: 1, 1, 0)
  package static let s1cir = BitField("S1CIR", word: 1, 3, 2)
  package static let s1cor = BitField("S1COR", word: 1, 5, 4)
  package static let s1csh = BitField("S1CSH", word: 1, 7, 6)
  package static let mev = BitField("MEV", word: 1, 19, 19)
  package static let s2fwb = BitField("S2FWB", word: 1, 25, 25)
  package static let s1stalld = BitField("S1STALLD", word: 1, 27, 27)
  package static let eats = BitField("EATS", word: 1, 29, 28)
  package static let strw = BitField("STRW", word: 1, 31, 30)
  package static let shcfg = BitField("SHCFG", word: 1, 45, 44)
  package static let s2vmid = BitField("S2VMID", word: 2, 15, 0)
  package static let vtcr = BitField("VTCR", word: 2, 50, 32)
  package static let vtcrT0SZ = BitField("VTCR.T0SZ", word: 2, 37, 32)
  package static let vtcrSL0 = BitField("VTCR.SL0", word: 2, 39, 38)
  package static let vtcrIR0 = BitField("VTCR.IR0", word: 2, 41, 40)
  package static let vtcrOR0 = BitField("VTCR.OR0", word: 2, 43, 42)
  package static let vtcrSH0 = BitField("VTCR.SH0", word: 2, 45, 44)
  package static let vtcrTG = BitField("VTCR.TG", word: 2, 47, 46)
  package static let vtcrPS = BitField("VTCR.PS", word: 2, 50, 48)
  package static let s2aa64 = BitField("S2AA64", word: 2, 51, 51)
  package static let s2endi = BitField("S2ENDI", word: 2, 52, 52)
  package static let s2ptw = BitField("S2PTW", word: 2, 54, 54)
  package static let s2s = BitField("S2S", word: 2, 57, 57)
  package static let s2r = BitField("S2R", word: 2, 58, 58)
  package static let s2ttb = BitField("S2TTB", word: 3, 51, 4)

  /// Every named field, in qword and bit order, for decoded views and round-trip tests.
  package static let allFields: [BitField] = [
    v, config, s1fmt, s1ContextPtr, s1cdmax, s1dss, s1cir, s1cor, s1csh, mev, s2fwb, s1stalld,
    eats, strw, shcfg, s2vmid, vtcrT0SZ, vtcrSL0, vtcrIR0, vtcrOR0, vtcrSH0, vtcrTG, vtcrPS,
    s2aa64, s2endi, s2ptw, s2s, s2r, s2ttb,
  ]

  /// Reads a field.
  package subscript(_ f: BitField) -> UInt64 {
    // The field's word, mask and shift are read in place: no copy of the field (its name).
    // Inlined: a call per field read cost more than the read.
    @inline(__always) get { (qwords[f.word] & f.mask) >> UInt64(f.low) }
    set { qwords[f.word] = (qwords[f.word] & ~f.mask) | ((newValue << UInt64(f.low)) & f.mask) }
  }

  package var isValid: Bool { self[Self.v] == 1 }
  /// Config decoded; reserved values 1-3 act as abort.
  package var configValue: Config { Config(rawValue: self[Self.config]) ?? .abort }
  package var s1dssValue: S1DSS { S1DSS(rawValue: self[Self.s1dss]) ?? .terminate }
  /// The CD table address, in place (bits 51:6 of word 0).
  package var contextPointer: UInt64 { qwords[0] & Self.s1ContextPtr.mask }
  /// The stage-2 table address, in place (bits 51:4 of word 3).
  package var s2TableAddress: UInt64 { qwords[3] & Self.s2ttb.mask }

  /// The fields by name with their values and a short meaning, for the UI.
  package var decoded: [DecodedField] {
    Self.allFields.map { f in
      DecodedField(name: f.name, value: self[f], meaning: meaning(of: f))
    }
  }

  private func meaning(of f: BitField) -> String {
    switch f.name {
    case "Config": return configValue.name
    case "S1DSS": return s1dssValue.name
    case "S1Fmt": return ["linear", "4K_L2", "64K_L2", "linear"][Int(self[f])]
    case "S1ContextPtr": return hex(contextPointer)
    case "S2TTB": return hex(s2TableAddress)
    case "EATS": return ["abort", "trans", "s1chk", "res"][Int(self[f])]
    case "STRW": return ["NS-EL1", "res", "EL2", "res"][Int(self[f])]
    case "SHCFG": return ["non-share", "incoming", "outer", "inner"][Int(self[f])]
    case "S1CDMax": return "\(1 << self[f]) CDs"
    default: return ""
    }
  }

  /// A one-word summary: "abort", "bypass", "S1 ssid0", "S2 vmid 3", "invalid".
  package var summary: String {
    guard isValid else { return "invalid" }
    switch configValue {
    case .abort, .bypass: return configValue.name
    case .s1Translate: return "S1 \(s1dssValue.name)"
    case .s2Translate: return "S2 vmid \(self[Self.s2vmid])"
    case .nested: return "nested vmid \(self[Self.s2vmid])"
    }
  }
}

/// A field of a decoded structure, by name, for display.
package struct DecodedField: Sendable, Hashable {
  package let name: String
  package let value: UInt64
  package let meaning: String
}
