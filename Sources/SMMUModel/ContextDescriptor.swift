/// A Context Descriptor: 64 bytes, 8 qwords, holding one stage-1 translation context
/// (ASID, TTB0, TCR fields, MAIR), field map as in the Linux header and IHI 0070.
package struct ContextDescriptor: Sendable, Hashable {
  /// The raw qwords, exactly as they sit in memory.
  package var qwords: EntryQwords

  package init(qwords: EntryQwords = EntryQwords()) { self.qwords = qwords }

  /// From an array, which must hold 8 qwords.
  package init(qwords: [UInt64]) {
    precondition(qwords.count == 8, "a CD has 8 qwords")
    self.qwords = EntryQwords(qwords)
  }

  // MARK: Field map, word 0
  package static let t0sz = BitField("T0SZ", word: 0, 5, 0)
  package static let tg0 = BitField("TG0", word: 0, 7, 6)
  package static let irgn0 = BitField("IRGN0", word: 0, 9, 8)
  package static let orgn0 = BitField("ORGN0", word: 0, 11, 10)
  package static let sh0 = BitField("SH0", word: 0, 13, 12)
  package static let epd0 = BitField("EPD0", word: 0, 14, 14)
  package static let endi = BitField("ENDI", word: 0, 15, 15)
  package static let t1sz = BitField("T1SZ", word: 0, 21, 16)
  package static let tg1 = BitField("TG1", word: 0, 23, 22)
  package static let epd1 = BitField("EPD1", word: 0, 30, 30)
  package static let v = BitField("V", word: 0, 31, 31)
  package static let ips = BitField("IPS", word: 0, 34, 32)
  package static let tbi0 = BitField("TBI0", word: 0, 38, 38)
  package static let tbi1 = BitField("TBI1", word: 0, 39, 39)
  package static let aa64 = BitField("AA64", word: 0, 41, 41)
  package static let hd = BitField("HD", word: 0, 42, 42)
  package static let ha = BitField("HA", word: 0, 43, 43)
  package static let s = BitField("S", word: 0, 44, 44)
  package static let r = BitField("R", word: 0, 45, 45)
  package static let a = BitField("A", word: 0, 46, 46)
  package static let aset = BitField("ASET", word: 0, 47, 47)
  package static let asid = BitField("ASID", word: 0, 63, 48)
  // MARK: words 1 and 3
  package static let ttb0 = BitField("TTB0", word: 1, 51, 4)
  package static let ttb1 = BitField("TTB1", word: 2, 51, 4)
  package static let mair = BitField("MAIR", word: 3, 63, 0)

  /// Every named field, in qword and bit order.
  package static let allFields: [BitField] = [
    t0sz, tg0, irgn0, orgn0, sh0, epd0, endi, epd1, v, ips, tbi0, aa64, hd, ha, s, r, a, aset,
    asid, ttb0, mair,
  ]

  /// Reads or writes a field.
  package subscript(_ f: BitField) -> UInt64 {
    // The field's word, mask and shift are read in place: no copy of the field (its name).
    // Inlined: a call per field read cost more than the read.
    @inline(__always) get { (qwords[f.word] & f.mask) >> UInt64(f.low) }
    set { qwords[f.word] = (qwords[f.word] & ~f.mask) | ((newValue << UInt64(f.low)) & f.mask) }
  }

  package var isValid: Bool { self[Self.v] == 1 }
  package var asidValue: UInt16 { UInt16(self[Self.asid]) }
  /// The translation table base, in place (bits 51:4 of word 1).
  package var tableAddress: UInt64 { qwords[1] & Self.ttb0.mask }
  /// The upper range's table base, in place (bits 51:4 of word 2).
  package var table1Address: UInt64 { qwords[2] & Self.ttb1.mask }
  package var translationDisabled: Bool { self[Self.epd0] == 1 }

  /// The fields by name with their values, for the UI.
  package var decoded: [DecodedField] {
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
  package var summary: String {
    guard isValid else { return "invalid" }
    if translationDisabled { return "asid \(asidValue) EPD0" }
    return "asid \(asidValue) ttb0 \(hex(tableAddress))"
  }
}
