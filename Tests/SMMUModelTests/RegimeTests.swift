import Testing

@testable import SMMUModel

/// The translation regime of the CD (T0SZ, TG0, IPS, EPDx, TTB1) and of the STE's stage 2
/// (S2T0SZ, S2SL0, S2TG, S2PS), block descriptors and their TLB entries, and the IAS check of
/// a stage-1 bypass (IHI 0070 §3.4, §5.2, §5.4).
struct RegimeTests {
  typealias C = ContextDescriptor
  typealias S = StreamTableEntry

  /// Maps `va` to `pa` in a table of `format` at `root`, the leaf at `leafLevel` (a block
  /// above level 3), allocating granule-sized tables on demand.
  static func map(
    _ rig: inout Rig, _ va: UInt64, to pa: UInt64, root: UInt64, format: PageTableFormat, leafLevel: Int = 3,
    stage2: Bool = false, writable: Bool = true
  ) {
    var table = root
    for level in format.startLevel..<leafLevel {
      let slot = table + UInt64(format.tableIndex(va, level: level) * 8)
      let d = rig.load(slot) ?? 0
      if d & 3 == 3 {
        table = d & PageTableFormat.addressMask
      } else {
        let next = rig.smmu.allocate(
          bytes: format.granuleBytes, align: format.granuleBytes, purpose: .pageTable, owner: "pt"
        ).base
        rig.store(slot, PageTableFormat.table(next))
        table = next
      }
    }
    let leaf =
      leafLevel < 3
      ? PageTableFormat.block(pa, writable: writable, stage2: stage2)
      : stage2
        ? PageTableFormat.s2Page(pa, writable: writable) : PageTableFormat.s1Page(pa, writable: writable)
    rig.store(table + UInt64(format.tableIndex(va, level: leafLevel) * 8), leaf)
  }

  static func root(_ rig: inout Rig, _ format: PageTableFormat = .standard) -> UInt64 {
    let bytes = max(format.granuleBytes, format.tableBytes(level: format.startLevel))
    return rig.smmu.allocate(bytes: bytes, align: bytes, purpose: .pageTable, owner: "pt").base
  }

  /// SID 1 through a CD changed by `edit` (from the rig's 48-bit 4K CD with TTB0 `root`).
  static func attach(_ rig: inout Rig, root: UInt64, _ edit: (inout ContextDescriptor) -> Void) {
    let table = rig.allocateCDTable()
    var cd = Rig.s1CD(asid: 1, ttb0: root)
    edit(&cd)
    rig.writeCD(cd, table: table)
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 1)
    rig.smmu.settle()
  }

  static func reads(_ rig: inout Rig, va: UInt64) -> (TranslationResult, [Int]) {
    let before = rig.smmu.counters.walkReads
    let r = rig.translate(sid: 1, va: va)
    return (r, zip(rig.smmu.counters.walkReads, before).map { $0 - $1 })
  }

  @Test func t0sz25GivesA39BitRangeStartingAtLevel1() {
    var rig = Rig()
    let f = PageTableFormat(inputSize: 39)
    #expect(f.startLevel == 1)
    let root = Self.root(&rig, f)
    Self.map(&rig, 0x1000, to: Fixture.pa, root: root, format: f)
    Self.attach(&rig, root: root) { $0[C.t0sz] = 25 }
    let (r, perLevel) = Self.reads(&rig, va: 0x1008)
    #expect(r.outputAddress == Fixture.pa + 8 && perLevel == [0, 1, 1, 1])
    let beyond = rig.translate(sid: 1, va: 1 << 39)
    #expect(beyond.event?.type == .fTranslation && beyond.event?.eventClass == .input)
  }

  @Test func t0sz16WalksAbove2To39() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(1 << 39, to: Fixture.pa, root: root)
    Self.attach(&rig, root: root) { $0[C.t0sz] = 16 }
    let (r, perLevel) = Self.reads(&rig, va: 1 << 39)
    #expect(r.outputAddress == Fixture.pa && perLevel == [1, 1, 1, 1])
  }

  @Test(arguments: [(UInt64(1), 16, [0, 1, 1, 1]), (UInt64(2), 14, [1, 1, 1, 1])])
  func otherGranulesWalkTheirTables(tg0: UInt64, shift: Int, perLevelReads: [Int]) {
    var rig = Rig()
    let f = PageTableFormat(granuleShift: shift, inputSize: 48)
    let root = Self.root(&rig, f)
    let va: UInt64 = 0x12_3456_0000 & ~(f.granuleBytes - 1)
    Self.map(&rig, va, to: Fixture.pa, root: root, format: f)
    Self.attach(&rig, root: root) { $0[C.tg0] = tg0 }
    let offset = f.granuleBytes - 8
    let (r, perLevel) = Self.reads(&rig, va: va + offset)
    #expect(r.outputAddress == Fixture.pa + offset)
    #expect(perLevel == perLevelReads)
    #expect(rig.tlbKeys.map(\.shift) == [UInt8(shift)])
  }

  @Test func reservedTG0MakesTheCDIllegal() {
    var rig = Rig()
    let root = rig.newPageTable()
    Self.attach(&rig, root: root) { $0[C.tg0] = 3 }
    #expect(rig.smmu.cdIllegality(Rig.s1CD(asid: 1, ttb0: root), ste: Rig.s1STE(cdTable: 0)) == nil)
    #expect(rig.translate(sid: 1, va: 0x1000).event?.type == .cBadCD)
  }

  @Test func vaBit55SelectsTTB1() {
    var rig = Rig()
    let root0 = rig.newPageTable()
    let root1 = rig.newPageTable()
    let upper: UInt64 = 0xFFFF_0000_0000_2000
    rig.map(0x2000, to: Fixture.pa, root: root0)
    rig.map(upper & 0xFFFF_FFFF_FFFF, to: Fixture.pa2, root: root1)
    Self.attach(&rig, root: root0) { cd in
      cd[C.epd1] = 0
      cd[C.t1sz] = 16
      cd[C.tg1] = 2
      cd[C.ttb1] = root1 >> 4
    }
    #expect(rig.translate(sid: 1, va: 0x2000).outputAddress == Fixture.pa)
    #expect(rig.translate(sid: 1, va: upper + 4).outputAddress == Fixture.pa2 + 4)
    // Bit 55 set but bits 63:48 not all ones: outside TTB1's 48-bit range.
    #expect(rig.translate(sid: 1, va: 0x0080_0000_0000_2000).event?.type == .fTranslation)
  }

  @Test func epd0AndEPD1MissesAreTranslationFaultsOfClassIN() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(0x1000, to: Fixture.pa, root: root)
    Self.attach(&rig, root: root) { $0[C.epd0] = 1 }
    let low = rig.translate(sid: 1, va: 0x1000).event
    #expect(low?.type == .fTranslation && low?.stage2 == false && low?.eventClass == .input)
    // EPD1 = 1 (as Linux writes it): an upper-range address faults too.
    var other = Rig()
    let r = other.newPageTable()
    Self.attach(&other, root: r) { _ in }
    #expect(other.translate(sid: 1, va: 0xFFFF_0000_0000_1000).event?.type == .fTranslation)
  }

  @Test func outputBeyondIPSIsFAddrSize() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(0x1000, to: 0x1_0000_0000, root: root)
    rig.map(0x2000, to: Fixture.pa, root: root)
    Self.attach(&rig, root: root) { $0[C.ips] = 0 }
    #expect(rig.translate(sid: 1, va: 0x1000).event?.type == .fAddrSize)
    #expect(rig.translate(sid: 1, va: 0x2000).outputAddress == Fixture.pa)
  }

  @Test func ipsIsCappedByTheOAS() {
    var features = SMMUFeatures()
    features.oas = 44
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    rig.map(0x1000, to: 1 << 45, root: root)
    Self.attach(&rig, root: root) { $0[C.ips] = 5 }
    #expect(rig.translate(sid: 1, va: 0x1000).event?.type == .fAddrSize)
  }

  @Test func a2MiBBlockTranslatesAndOneTLBIOfAnyPageDropsIt() {
    var rig = Rig()
    let root = rig.newPageTable()
    Self.map(&rig, 0x20_0000, to: Fixture.pa, root: root, format: .standard, leafLevel: 2)
    Self.attach(&rig, root: root) { _ in }
    let (r, perLevel) = Self.reads(&rig, va: 0x21_2345)
    #expect(r.outputAddress == Fixture.pa + 0x1_2345 && perLevel == [1, 1, 1, 0])
    #expect(rig.tlbKeys == [TLBKey(kind: .stage1, vmid: 0, asid: 1, page: 0x200, shift: 21)])
    // Another page of the block hits the same entry.
    #expect(rig.translate(sid: 1, va: 0x3F_F008).servedBy == "TLB")
    rig.smmu.submit([.tlbiNHVA(vmid: 0, asid: 1, address: 0x3F_F000, leaf: true, range: nil), .sync])
    #expect(rig.tlbKeys.isEmpty)
  }

  @Test func a1GiBBlockTranslatesAndTLBIByVADropsIt() {
    var rig = Rig()
    let root = rig.newPageTable()
    Self.map(&rig, 0x4000_0000, to: 0x1_0000_0000, root: root, format: .standard, leafLevel: 1)
    Self.attach(&rig, root: root) { _ in }
    let (r, perLevel) = Self.reads(&rig, va: 0x5234_5678)
    #expect(r.outputAddress == 0x1_1234_5678 && perLevel == [1, 1, 0, 0])
    #expect(rig.translate(sid: 1, va: 0x4000_0000).servedBy == "TLB")
    rig.smmu.submit([.tlbiNHVA(vmid: 0, asid: 1, address: 0x6000_0000, leaf: true, range: nil), .sync])
    #expect(rig.tlbKeys.isEmpty)
  }

  @Test func aBlockAtLevel3OrA4KLevel0BlockIsATranslationFault() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.store(root, PageTableFormat.block(0, writable: true, stage2: false))
    Self.attach(&rig, root: root) { _ in }
    #expect(rig.translate(sid: 1, va: 0x1000).event?.type == .fTranslation)
  }

  @Test func stage2FieldsPickTheStartLevelAndOutputSize() {
    var rig = Rig()
    let f = PageTableFormat(inputSize: 39, startLevel: 1, outputSize: 32)
    let root = Self.root(&rig, f)
    Self.map(&rig, 0x1000, to: Fixture.pa, root: root, format: f, stage2: true)
    Self.map(&rig, 0x2000, to: 0x1_0000_0000, root: root, format: f, stage2: true)
    var ste = Rig.s2STE(vmid: 3, root: root)
    ste[S.vtcrT0SZ] = 25
    ste[S.vtcrSL0] = 1
    ste[S.vtcrPS] = 0
    rig.writeSTE(ste, sid: 1)
    let (r, perLevel) = Self.reads(&rig, va: 0x1010)
    #expect(r.outputAddress == Fixture.pa + 0x10 && perLevel == [0, 1, 1, 1])
    let big = rig.translate(sid: 1, va: 0x2000).event
    #expect(big?.type == .fAddrSize && big?.stage2 == true)
    #expect(rig.translate(sid: 1, va: 1 << 39).event?.type == .fTranslation)
  }

  @Test(arguments: [
    (S.vtcrSL0, UInt64(0), "inconsistent"), (S.vtcrTG, UInt64(3), "S2TG reserved"),
    (S.vtcrT0SZ, UInt64(0), "S2T0SZ out of range"), (S.s2aa64, UInt64(0), "S2AA64"),
  ])
  func illegalStage2RegimesGiveCBadSTE(field: BitField, value: UInt64, why: String) {
    var rig = Rig()
    var ste = Rig.s2STE(vmid: 3, root: rig.newPageTable())
    ste[field] = value
    #expect(rig.smmu.steIllegality(ste)?.contains(why) == true)
    rig.writeSTE(ste, sid: 1)
    #expect(rig.translate(sid: 1, va: 0x1000).event?.type == .cBadSTE)
  }

  @Test func bypassBeyondTheIASIsFAddrSize() {
    var features = SMMUFeatures()
    features.oas = 44
    var rig = Rig(features: features)
    rig.writeSTE(Rig.bypassSTE(), sid: 1)
    #expect(rig.translate(sid: 1, va: (1 << 44) - 4096).outcome == .bypassed((1 << 44) - 4096))
    #expect(rig.translate(sid: 1, va: 1 << 44).event?.type == .fAddrSize)
    // S1DSS = bypass: stage 1 skipped, the same check.
    let table = rig.allocateCDTable(ssidBits: 1)
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 1, s1dss: .bypass), sid: 2)
    #expect(rig.translate(sid: 2, va: 1 << 48).event?.type == .fAddrSize)
    #expect(rig.translate(sid: 2, va: 0x1000).outcome == .bypassed(0x1000))
  }
}
