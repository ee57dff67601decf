/// A Context Descriptor: 64 bytes, 8 qwords, holding one stage-1 translation context
/// (ASID, TTB0, TCR fields, MAIR), field map as in the Linux header and IHI 0070.
public struct ContextDescriptor: Sendable, Hashable, Codable {
  /// The raw qwords, exactly as they sit in memory.
  public var qwords: EntryQwords

  public init(qwords: EntryQwords = EntryQwords()) { self.qwords = qwords }

  /// From an array, which must hold 8 qwords.
  public init(qwords: [UInt64]) {
    precondition(qwords.count == 8, "a CD has 8 qwords")
    self.qwords = EntryQwords(qwords)
  }

  // MARK: Field map, word 0
  public static let t0sz = BitField("T0SZ", word: 0, 5, 0)
  public static let tg0 = BitField("TG0", word: 0, 7, 6)
  public static let irgn0 = BitField("IRGN0", word: 0, 9, 8)
  public static let orgn0 = BitField("ORGN0", word: 0, 11, 10)
  public static let sh0 = BitField("SH0", word: 0, 13, 12)
  public static let epd0 = BitField("EPD0", word: 0, 14, 14)
  public static let endi = BitField("ENDI", word: 0, 15, 15)
  public static let epd1 = BitField("EPD1", word: 0, 30, 30)
  public static let v = BitField("V", word: 0, 31, 31)
  public static let ips = BitField("IPS", word: 0, 34, 32)
  public static let tbi0 = BitField("TBI0", word: 0, 38, 38)
  public static let aa64 = BitField("AA64", word: 0, 41, 41)
  public static let hd = BitField("HD", word: 0, 42, 42)
  public static let ha = BitField("HA", word: 0, 43, 43)
  public static let s = BitField("S", word: 0, 44, 44)
  public static let r = BitField("R", word: 0, 45, 45)
  public static let a = BitField("A", word: 0, 46, 46)
  public static let aset = BitField("ASET", word: 0, 47, 47)
  public static let asid = BitField("ASID", word: 0, 63, 48)
  // MARK: words 1 and 3
  public static let ttb0 = BitField("TTB0", word: 1, 51, 4)
  public static let mair = BitField("MAIR", word: 3, 63, 0)

  /// Every named field, in qword and bit order.
  public static let allFields: [BitField] = [
    t0sz, tg0, irgn0, orgn0, sh0, epd0, endi, epd1, v, ips, tbi0, aa64, hd, ha, s, r, a, aset,
    asid, ttb0, mair,
  ]

  /// Reads or writes a field.
  public subscript(_ f: BitField) -> UInt64 {
    get { qwords.field(f) }
    set { qwords.setField(f, newValue) }
  }

  public var isValid: Bool { self[Self.v] == 1 }
  public var asidValue: UInt16 { UInt16(self[Self.asid]) }
  /// The translation table base, in place (bits 51:4 of word 1).
  public var tableAddress: UInt64 { qwords[1] & Self.ttb0.mask }
  public var translationDisabled: Bool { self[Self.epd0] == 1 }

  /// The fields by name with their values, for the UI.
  public var decoded: [DecodedField] {
    Self.allFields.map { f in
      let meaning: String
      switch f.name {
      case "TTB0": meaning = hex(tableAddress)
      case "MAIR": meaning = hex(self[f], digits: 16)
      case "TG0": meaning = ["4K", "64K", "16K", "res"][Int(self[f])]
      default: meaning = ""
      }
      return DecodedField(name: f.name, value: self[f], meaning: meaning)
    }
  }

  /// A one-line summary: "invalid", "asid 3 ttb0 0x…", "asid 3 EPD0 (released)".
  public var summary: String {
    guard isValid else { return "invalid" }
    if translationDisabled { return "asid \(asidValue) EPD0" }
    return "asid \(asidValue) ttb0 \(hex(tableAddress))"
  }
}
