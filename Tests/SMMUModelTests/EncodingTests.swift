import SMMUModel
import Testing

/// STE and CD field maps (linux-driver.md §3) and BitField mechanics.
@Suite struct EncodingTests {
  typealias S = StreamTableEntry
  typealias C = ContextDescriptor

  /// (name, word, high, low) transcribed from linux-driver.md §3, STE field map.
  static let steMap: [(String, Int, Int, Int)] = [
    ("V", 0, 0, 0), ("Config", 0, 3, 1), ("S1Fmt", 0, 5, 4), ("S1ContextPtr", 0, 51, 6),
    ("S1CDMax", 0, 63, 59), ("S1DSS", 1, 1, 0), ("S1CIR", 1, 3, 2), ("S1COR", 1, 5, 4),
    ("S1CSH", 1, 7, 6), ("MEV", 1, 19, 19), ("S2FWB", 1, 25, 25), ("S1STALLD", 1, 27, 27),
    ("EATS", 1, 29, 28), ("STRW", 1, 31, 30), ("SHCFG", 1, 45, 44), ("S2VMID", 2, 15, 0),
    // VTCR is word 2 bits 50:32; its sub-fields sit at 32 + their VTCR bit positions.
    ("VTCR.T0SZ", 2, 37, 32), ("VTCR.SL0", 2, 39, 38), ("VTCR.IR0", 2, 41, 40),
    ("VTCR.OR0", 2, 43, 42), ("VTCR.SH0", 2, 45, 44), ("VTCR.TG", 2, 47, 46),
    ("VTCR.PS", 2, 50, 48), ("S2AA64", 2, 51, 51), ("S2ENDI", 2, 52, 52), ("S2PTW", 2, 54, 54),
    ("S2S", 2, 57, 57), ("S2R", 2, 58, 58), ("S2TTB", 3, 51, 4),
  ]

  /// (name, word, high, low) transcribed from linux-driver.md §3, CD field map.
  static let cdMap: [(String, Int, Int, Int)] = [
    ("T0SZ", 0, 5, 0), ("TG0", 0, 7, 6), ("IRGN0", 0, 9, 8), ("ORGN0", 0, 11, 10),
    ("SH0", 0, 13, 12), ("EPD0", 0, 14, 14), ("ENDI", 0, 15, 15), ("EPD1", 0, 30, 30),
    ("V", 0, 31, 31), ("IPS", 0, 34, 32), ("TBI0", 0, 38, 38), ("AA64", 0, 41, 41),
    ("HD", 0, 42, 42), ("HA", 0, 43, 43), ("S", 0, 44, 44), ("R", 0, 45, 45), ("A", 0, 46, 46),
    ("ASET", 0, 47, 47), ("ASID", 0, 63, 48), ("TTB0", 1, 51, 4), ("MAIR", 3, 63, 0),
  ]

  @Test func steFieldPositionsMatchTheReference() {
    #expect(S.allFields.count == Self.steMap.count)
    for (name, word, high, low) in Self.steMap {
      let f = S.allFields.first { $0.name == name }
      #expect(f != nil, "missing STE field \(name)")
      #expect(f?.word == word, "\(name) word")
      #expect(f?.high == high, "\(name) high")
      #expect(f?.low == low, "\(name) low")
    }
    #expect(S.vtcr.word == 2 && S.vtcr.high == 50 && S.vtcr.low == 32)
  }

  @Test func cdFieldPositionsMatchTheReference() {
    #expect(C.allFields.count == Self.cdMap.count)
    for (name, word, high, low) in Self.cdMap {
      let f = C.allFields.first { $0.name == name }
      #expect(f != nil, "missing CD field \(name)")
      #expect(f?.word == word, "\(name) word")
      #expect(f?.high == high, "\(name) high")
      #expect(f?.low == low, "\(name) low")
    }
  }

  @Test func fieldsOfOneStructureDoNotOverlap() {
    for fields in [S.allFields, C.allFields] {
      for (i, a) in fields.enumerated() {
        for b in fields[(i + 1)...] where a.word == b.word {
          #expect(a.mask & b.mask == 0, "\(a.name) overlaps \(b.name)")
        }
      }
    }
  }

  /// Every STE field round-trips through the subscript, touching only its own bits.
  @Test(arguments: S.allFields)
  func steFieldRoundTrip(field: BitField) {
    let all: UInt64 = field.width == 64 ? ~0 : (1 << UInt64(field.width)) - 1
    // all ones, a single low bit, and an alternating pattern
    for value in [all, 1, 0x5555_5555_5555_5555 & all] {
      var ste = StreamTableEntry()
      ste[field] = value
      #expect(ste[field] == value)
      #expect(ste.qwords[field.word] == value << UInt64(field.low))
      for w in 0..<8 where w != field.word { #expect(ste.qwords[w] == 0) }
      // Clearing the field in an all-ones entry clears exactly the field's bits.
      var full = StreamTableEntry(qwords: Array(repeating: ~0, count: 8))
      full[field] = 0
      #expect(full.qwords[field.word] == ~field.mask)
    }
  }

  /// Every CD field round-trips through the subscript, touching only its own bits.
  @Test(arguments: C.allFields)
  func cdFieldRoundTrip(field: BitField) {
    let all: UInt64 = field.width == 64 ? ~0 : (1 << UInt64(field.width)) - 1
    for value in [all, 1, 0xAAAA_AAAA_AAAA_AAAA & all] {
      var cd = ContextDescriptor()
      cd[field] = value
      #expect(cd[field] == value)
      #expect(cd.qwords[field.word] == value << UInt64(field.low))
      for w in 0..<8 where w != field.word { #expect(cd.qwords[w] == 0) }
      var full = ContextDescriptor(qwords: Array(repeating: ~0, count: 8))
      full[field] = 0
      #expect(full.qwords[field.word] == ~field.mask)
    }
  }

  @Test func bitFieldMechanics() {
    let f = BitField("X", word: 1, 45, 44)
    #expect(f.width == 2)
    #expect(f.mask == 0x3 << 44)
    #expect(f.get(0x3 << 44 | 0xFFF) == 3)
    // Excess high bits are dropped; other bits are kept.
    #expect(f.set(0xFF, 0x7) == (0xFF | 0x3 << 44))
    #expect(f.set(~0, 0) == ~(UInt64(0x3) << 44))
    let whole = BitField("W", word: 3, 63, 0)
    #expect(whole.mask == ~0)
    #expect(whole.get(0x1234) == 0x1234)
    var q = [UInt64](repeating: 0, count: 8)
    q.setField(f, 1)
    #expect(q[1] == 1 << 44 && q.field(f) == 1)
  }

  @Test func hexFormatting() {
    #expect(hex(0) == "0x0")
    #expect(hex(0x1F, digits: 4) == "0x001f")
    #expect(hex(0xDEAD_BEEF) == "0xdeadbeef")
  }

  // MARK: Known encodings

  /// Bypass STE as the driver builds it: word 0 = V | Config(4) = 0b1001; word 1 SHCFG = 1 at
  /// bits 45:44, i.e. 1 << 44.
  @Test func bypassSTEEncoding() {
    let ste = Rig.bypassSTE()
    #expect(ste.qwords[0] == 0b1001)
    #expect(ste.qwords[1] == 1 << 44)
    #expect(ste.qwords[2...].allSatisfy { $0 == 0 })
    #expect(ste.configValue == .bypass)
    #expect(ste.isValid)
    #expect(ste.summary == "bypass")
  }

  @Test func abortSTEEncoding() {
    let ste = Rig.abortSTE()
    #expect(ste.qwords == [1, 0, 0, 0, 0, 0, 0, 0])
    #expect(ste.configValue == .abort)
    #expect(ste.summary == "abort")
  }

  @Test func configEncodings() {
    // Config sits at bits 3:1, so Config n contributes n << 1 to word 0.
    for (cfg, raw) in [(S.Config.abort, 0), (.bypass, 4), (.s1Translate, 5), (.s2Translate, 6), (.nested, 7)]
    {
      var ste = StreamTableEntry()
      ste[S.config] = cfg.rawValue
      #expect(cfg.rawValue == UInt64(raw))
      #expect(ste.qwords[0] == UInt64(raw) << 1)
      #expect(ste.configValue == cfg)
    }
    // Reserved values 1-3 act as abort.
    for reserved in [UInt64(1), 2, 3] {
      var ste = StreamTableEntry()
      ste[S.config] = reserved
      #expect(ste.configValue == .abort)
    }
  }

  @Test func s1dssEncodings() {
    #expect(S.S1DSS.terminate.rawValue == 0)
    #expect(S.S1DSS.bypass.rawValue == 1)
    #expect(S.S1DSS.ssid0.rawValue == 2)
    var ste = StreamTableEntry()
    ste[S.s1dss] = 3  // reserved, acts as terminate (00)
    #expect(ste.s1dssValue == .terminate)
    #expect(ste.qwords[1] == 3)
  }

  /// The KUnit CD-table STE: s1cdmax 0xFF only keeps its low 5 bits (31); S1Fmt 64K_L2 = 2;
  /// the context pointer keeps bits 51:6 of the DMA address.
  @Test func cdTableSTEEncoding() {
    let dma: UInt64 = 0xF0F0_F0F0_F0F0
    var ste = StreamTableEntry()
    ste[S.v] = 1
    ste[S.config] = S.Config.s1Translate.rawValue
    ste[S.s1fmt] = S.s1fmt64KL2
    ste[S.s1ContextPtr] = dma >> 6
    ste[S.s1cdmax] = 0xFF
    #expect(ste[S.s1cdmax] == 31)
    #expect(ste.contextPointer == dma & ~0x3F)
    #expect(ste.qwords[0] == (31 << 59 | (dma & ~0x3F) | 2 << 4 | 5 << 1 | 1))
    #expect(ste.summary == "S1 terminate")
  }

  @Test func driverS1STEWordOne() {
    let ste = Rig.s1STE(cdTable: 0x4000_1000, ats: true)
    // S1DSS SSID0 (2) | S1CIR WBRA (1 << 2) | S1COR WBRA (1 << 4) | S1CSH ISH (3 << 6) | EATS TRANS (1 << 28)
    #expect(ste.qwords[1] == (2 | 1 << 2 | 1 << 4 | 3 << 6 | 1 << 28))
    #expect(ste.qwords[0] == (0x4000_1000 | 5 << 1 | 1))
    #expect(ste.summary == "S1 ssid0")
  }

  @Test func s2TableAddressInPlace() {
    var ste = StreamTableEntry()
    let vttbr: UInt64 = 0xDAED_BEEF_DEAD_BEEF
    ste[S.s2ttb] = vttbr >> 4
    // S2TTB is 51:4: the in-place address keeps bits 51:4 of the value.
    #expect(ste.s2TableAddress == vttbr & 0x000F_FFFF_FFFF_FFF0)
    #expect(ste.qwords[3] == ste.s2TableAddress)
    ste[S.v] = 1
    ste[S.config] = 6
    ste[S.s2vmid] = 3
    #expect(ste.summary == "S2 vmid 3")
    #expect(StreamTableEntry().summary == "invalid")
  }

  @Test func cdKnownEncodings() {
    var cd = ContextDescriptor()
    cd[C.v] = 1
    #expect(cd.qwords[0] == 1 << 31)
    cd[C.asid] = 1997
    #expect(cd.qwords[0] == (1997 << 48 | 1 << 31))
    #expect(cd.asidValue == 1997)
    let ttbr: UInt64 = 0xDAED_BEEF_DEAD_BEEF
    cd[C.ttb0] = ttbr >> 4
    #expect(cd.tableAddress == ttbr & 0x000F_FFFF_FFFF_FFF0)
    cd[C.mair] = 0x0ABC_DEF0_1234_5678
    #expect(cd.qwords[3] == 0x0ABC_DEF0_1234_5678)
    #expect(cd.isValid && !cd.translationDisabled)
    cd[C.epd0] = 1
    #expect(cd.qwords[0] & (1 << 14) != 0)
    #expect(cd.translationDisabled)
    #expect(cd.summary == "asid 1997 EPD0")
    #expect(ContextDescriptor().summary == "invalid")
  }

  @Test func decodedViewsListEveryField() {
    let ste = Rig.s1STE(cdTable: 0x4000_0000)
    #expect(ste.decoded.map(\.name) == S.allFields.map(\.name))
    #expect(ste.decoded.first { $0.name == "Config" }?.meaning == "S1")
    #expect(ste.decoded.first { $0.name == "S1DSS" }?.meaning == "ssid0")
    let cd = Rig.s1CD(asid: 3, ttb0: 0x4000_2000)
    #expect(cd.decoded.map(\.name) == C.allFields.map(\.name))
    #expect(cd.decoded.first { $0.name == "ASID" }?.value == 3)
    #expect(cd.decoded.first { $0.name == "TTB0" }?.meaning == "0x40002000")
  }
}
