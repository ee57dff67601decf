import SMMUModel
import Testing

/// Addresses the fixtures map: a DMA address and the output page it translates to.
enum Fixture {
  static let va: UInt64 = 0x1000
  static let pa: UInt64 = 0x8000_0000
  static let pa2: UInt64 = 0x9000_0000
  /// An address no allocation ever covers (allocations start at PhysicalMemory.baseAddress).
  static let unmapped: UInt64 = 0x1000_0000
}

/// An SMMU with a linear stream table, built by hand the way a driver would: allocate, store
/// qwords, program STRTAB_BASE/_CFG, enable. Helpers build page tables, CD tables and entries.
struct Rig {
  var smmu: SMMU
  /// The linear table, or the L1 table of a 2-level one.
  let streamTable: Allocation
  let sidBits: Int
  let twoLevel: Bool
  /// L2 tables of a 2-level stream table, by L1 index.
  var leaves: [Int: Allocation] = [:]

  init(sidBits: Int = 6, features: SMMUFeatures = SMMUFeatures(), enable: Bool = true) {
    smmu = SMMU(features: features)
    let bytes = UInt64(64) << UInt64(sidBits)
    streamTable = smmu.allocate(bytes: bytes, align: bytes, purpose: .streamTable, owner: "stream table")
    // Linear format: FMT 0, LOG2SIZE = sidBits.
    smmu.programStreamTable(base: streamTable.base, config: UInt64(sidBits))
    self.sidBits = sidBits
    twoLevel = false
    if enable { smmu.setEnabled(true) }
  }

  /// A 2-level stream table for 2^sidBits SIDs with SPLIT 8: an L1 of 2^(sidBits-8)
  /// descriptors; L2 tables are added with `addLeaf`.
  init(twoLevelSIDBits sidBits: Int, features: SMMUFeatures = SMMUFeatures()) {
    smmu = SMMU(features: features)
    let bytes = UInt64(8) << UInt64(sidBits - 8)
    streamTable = smmu.allocate(
      bytes: bytes, align: Swift.max(64, bytes), purpose: .streamTableL1, owner: "stream table L1")
    self.sidBits = sidBits
    twoLevel = true
    // FMT 1 (17:16), SPLIT 8 (10:6), LOG2SIZE (5:0).
    smmu.programStreamTable(base: streamTable.base, config: 1 << 16 | 8 << 6 | UInt64(sidBits))
    smmu.setEnabled(true)
  }

  /// Allocates the 16 KiB L2 table holding `sid` and publishes it with an L1 descriptor of
  /// the given SPAN (the driver writes SPLIT + 1 = 9).
  @discardableResult
  mutating func addLeaf(for sid: UInt32, span: UInt64 = 9) -> Allocation {
    let index = Int(sid >> 8)
    let leaf = smmu.allocate(
      bytes: 16384, align: 16384, purpose: .streamTable, owner: "stream table L2[\(index)]",
      firstIndex: UInt64(index << 8))
    leaves[index] = leaf
    store(streamTable.base + UInt64(index * 8), leaf.base | span)
    return leaf
  }

  // MARK: Memory

  mutating func store(_ address: UInt64, _ value: UInt64, writer: MemoryWriter = "driver") {
    do { try smmu.write(address, value, writer: writer) } catch {
      Issue.record("store to \(hex(address)) failed: \(error)")
    }
  }

  func load(_ address: UInt64) -> UInt64? { try? smmu.read(address) }

  /// Writes an 8-qword entry, skipping qwords that already hold the value, qword 0 last (so an
  /// entry written from zero is never visible valid before its other qwords are in place).
  mutating func writeEntry(at address: UInt64, _ q: EntryQwords) {
    for i in [1, 2, 3, 4, 5, 6, 7, 0] where load(address + UInt64(i * 8)) != q[i] {
      store(address + UInt64(i * 8), q[i])
    }
  }

  func steAddress(_ sid: UInt32) -> UInt64 {
    guard twoLevel else { return streamTable.base + UInt64(sid) * 64 }
    guard let leaf = leaves[Int(sid >> 8)] else {
      Issue.record("no L2 table for sid \(sid)")
      return 0
    }
    return leaf.base + UInt64(sid & 0xFF) * 64
  }

  mutating func writeSTE(_ ste: StreamTableEntry, sid: UInt32) {
    writeEntry(at: steAddress(sid), ste.qwords)
  }

  mutating func writeCD(_ cd: ContextDescriptor, table: Allocation, ssid: UInt32 = 0) {
    writeEntry(at: table.base + UInt64(ssid) * 64, cd.qwords)
  }

  /// A linear CD table of 2^ssidBits CDs.
  mutating func allocateCDTable(ssidBits: Int = 0, owner: String = "cd-table") -> Allocation {
    smmu.allocate(bytes: UInt64(64) << UInt64(ssidBits), purpose: .cdTable, owner: owner)
  }

  // MARK: Page tables (4 levels, 4 KiB granule)

  mutating func newPageTable() -> UInt64 {
    smmu.allocate(bytes: 4096, align: 4096, purpose: .pageTable, owner: "pgtable").base
  }

  /// Maps one page, allocating the intermediate tables on demand.
  mutating func map(
    _ va: UInt64, to pa: UInt64, root: UInt64, writable: Bool = true, global: Bool = false,
    stage2: Bool = false
  ) {
    var table = root
    for level in 0..<3 {
      let slot = table + UInt64(PageTableFormat.index(va, level: level) * 8)
      let d = load(slot) ?? 0
      if d & PageTableFormat.validTable == PageTableFormat.validTable {
        table = d & PageTableFormat.addressMask
      } else {
        let next = newPageTable()
        store(slot, PageTableFormat.table(next), writer: "pgtable")
        table = next
      }
    }
    let leaf =
      stage2
      ? PageTableFormat.s2Page(pa, writable: writable)
      : PageTableFormat.s1Page(pa, writable: writable, global: global)
    store(table + UInt64(PageTableFormat.index(va, level: 3) * 8), leaf, writer: "pgtable")
  }

  /// The table pages a `standard` walk of `va` reads, root first (the tables must exist).
  func tablePages(_ va: UInt64, root: UInt64) -> [UInt64] {
    var pages = [root]
    for level in 0..<3 {
      pages.append(
        (load(pages[level] + UInt64(PageTableFormat.index(va, level: level) * 8)) ?? 0)
          & PageTableFormat.addressMask)
    }
    return pages
  }

  /// Nested mode: maps each page of `pages` to itself in the stage-2 table `s2Root`, so the
  /// IPAs stage 1 reads (CD tables, stage-1 tables) are the PAs they sit at.
  mutating func identityMap(_ pages: [UInt64], s2Root: UInt64) {
    for p in Set(pages.map { $0 & ~0xFFF }).sorted() { map(p, to: p, root: s2Root, stage2: true) }
  }

  /// Clears the last-level descriptor of `va` (the intermediate tables must exist).
  mutating func unmap(_ va: UInt64, root: UInt64) {
    var table = root
    for level in 0..<3 {
      table =
        (load(table + UInt64(PageTableFormat.index(va, level: level) * 8)) ?? 0)
        & PageTableFormat.addressMask
    }
    store(table + UInt64(PageTableFormat.index(va, level: 3) * 8), 0, writer: "pgtable")
  }

  // MARK: Entries, built as the driver builds them (linux-driver.md §1.5, §2.8, §3)

  /// A stage-1 CD: 48-bit VA (T0SZ 16), 4K granule, WBWA, inner shareable, EPD1, AA64, A, ASET,
  /// R as given (R=1 records translation faults), the ASID and TTB0.
  static func s1CD(asid: UInt16, ttb0: UInt64, record: Bool = true, epd0: Bool = false)
    -> ContextDescriptor
  {
    typealias C = ContextDescriptor
    var cd = ContextDescriptor()
    cd[C.t0sz] = 16
    cd[C.tg0] = 0
    cd[C.irgn0] = 1
    cd[C.orgn0] = 1
    cd[C.sh0] = 3
    cd[C.epd1] = 1
    cd[C.ips] = 5
    cd[C.aa64] = 1
    cd[C.r] = record ? 1 : 0
    cd[C.a] = 1
    cd[C.aset] = 1
    cd[C.asid] = UInt64(asid)
    cd[C.ttb0] = ttb0 >> 4
    cd[C.mair] = 0x0000_0000_0044_FF04
    cd[C.epd0] = epd0 ? 1 : 0
    cd[C.v] = 1
    return cd
  }

  /// A CD-table STE (Config S1): word 0 V, Config 5, S1Fmt, S1ContextPtr, S1CDMax; word 1
  /// S1DSS, S1CIR/S1COR WBRA, S1CSH ISH, STRW NS-EL1, EATS TRANS if ATS.
  static func s1STE(
    cdTable: UInt64, s1cdmax: Int = 0, s1fmt: UInt64 = StreamTableEntry.s1fmtLinear,
    s1dss: StreamTableEntry.S1DSS = .ssid0, ats: Bool = false, vmid: UInt16 = 0
  ) -> StreamTableEntry {
    typealias S = StreamTableEntry
    var ste = StreamTableEntry()
    ste[S.v] = 1
    ste[S.config] = S.Config.s1Translate.rawValue
    ste[S.s1fmt] = s1fmt
    ste[S.s1ContextPtr] = cdTable >> 6
    ste[S.s1cdmax] = UInt64(s1cdmax)
    ste[S.s1dss] = s1dss.rawValue
    ste[S.s1cir] = S.cacheWBRA
    ste[S.s1cor] = S.cacheWBRA
    ste[S.s1csh] = S.shareInner
    ste[S.strw] = S.strwNSEL1
    ste[S.eats] = ats ? S.eatsTrans : S.eatsAbort
    if s1dss == .bypass { ste[S.shcfg] = S.shcfgIncoming }
    ste[S.s2vmid] = UInt64(vmid)
    return ste
  }

  /// A stage-2 STE: Config 6, VMID, S2AA64, S2PTW, S2R, S2TTB (and EATS TRANS if ATS).
  static func s2STE(vmid: UInt16, root: UInt64, ats: Bool = false) -> StreamTableEntry {
    typealias S = StreamTableEntry
    var ste = StreamTableEntry()
    ste[S.v] = 1
    ste[S.config] = S.Config.s2Translate.rawValue
    ste[S.eats] = ats ? S.eatsTrans : S.eatsAbort
    ste[S.shcfg] = S.shcfgIncoming
    ste[S.s2vmid] = UInt64(vmid)
    ste[S.vtcrT0SZ] = 16
    ste[S.vtcrSL0] = 2
    ste[S.vtcrIR0] = 1
    ste[S.vtcrOR0] = 1
    ste[S.vtcrSH0] = 3
    ste[S.vtcrPS] = 5
    ste[S.s2aa64] = 1
    ste[S.s2ptw] = 1
    ste[S.s2r] = 1
    ste[S.s2ttb] = root >> 4
    return ste
  }

  /// A nested STE: the S2 STE with Config 7 and the stage-1 (CD table) fields of `s1STE`.
  static func nestedSTE(vmid: UInt16, s2Root: UInt64, cdTable: UInt64) -> StreamTableEntry {
    typealias S = StreamTableEntry
    var ste = s2STE(vmid: vmid, root: s2Root)
    let s1 = s1STE(cdTable: cdTable, vmid: vmid)
    ste[S.config] = S.Config.nested.rawValue
    for f in [S.s1fmt, S.s1ContextPtr, S.s1cdmax, S.s1dss, S.s1cir, S.s1cor, S.s1csh, S.strw] {
      ste[f] = s1[f]
    }
    ste[S.mev] = 1
    return ste
  }

  /// A bypass STE as the driver writes it: V | Config(4), word 1 SHCFG = incoming.
  static func bypassSTE() -> StreamTableEntry {
    var ste = StreamTableEntry()
    ste[StreamTableEntry.v] = 1
    ste[StreamTableEntry.config] = StreamTableEntry.Config.bypass.rawValue
    ste[StreamTableEntry.shcfg] = StreamTableEntry.shcfgIncoming
    return ste
  }

  /// An abort STE: V | Config(0).
  static func abortSTE() -> StreamTableEntry {
    var ste = StreamTableEntry()
    ste[StreamTableEntry.v] = 1
    return ste
  }

  // MARK: Scenarios

  /// Gives `sid` its own one-CD table holding an S1 CD (ASID, TTB0) and an S1 STE pointing at
  /// it; returns the CD table. CD first, STE second, as the driver does: a CD written before
  /// its STE is valid is unreachable, so it needs no CFGI_CD.
  @discardableResult
  mutating func attachS1(
    sid: UInt32, asid: UInt16, root: UInt64, record: Bool = true, ats: Bool = false
  ) -> Allocation {
    let table = allocateCDTable(owner: "cd-table of sid \(sid)")
    writeCD(Self.s1CD(asid: asid, ttb0: root, record: record), table: table)
    writeSTE(Self.s1STE(cdTable: table.base, ats: ats), sid: sid)
    smmu.settle()
    return table
  }

  @discardableResult
  mutating func translate(sid: UInt32, ssid: UInt32? = nil, va: UInt64 = Fixture.va, write: Bool = false)
    -> TranslationResult
  {
    smmu.translate(Transaction(sid: sid, ssid: ssid, address: va, write: write))
  }

  /// The standard rig: SID 1 translates through its own CD table (ASID 1) and a page table
  /// that maps Fixture.va to Fixture.pa, writable.
  static func standard(features: SMMUFeatures = SMMUFeatures()) -> (
    rig: Rig, root: UInt64, cdTable: Allocation
  ) {
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.attachS1(sid: 1, asid: 1, root: root)
    return (rig, root, table)
  }

  /// SID 1 nested (ASID 9, VMID 4): VA 0x1000 -> IPA 0x8000_0000 -> PA 0xB000_0000, the
  /// last stage-2 page writable or not. The CD table and the stage-1 table pages map to
  /// themselves through stage 2, but for those whose index `skip` holds (table pages, root
  /// first, then the CD table); `s2ps` is the STE's S2PS.
  static func nested(skip: Set<Int> = [], s2ps: UInt64 = 5, stage2Writable: Bool = true) -> (
    rig: Rig, s1Pages: [UInt64], cds: UInt64, s2: UInt64
  ) {
    var rig = Rig()
    let s1 = rig.newPageTable()
    rig.map(0x1000, to: 0x8000_0000, root: s1)
    let s2 = rig.newPageTable()
    rig.map(0x8000_0000, to: 0xB000_0000, root: s2, writable: stage2Writable, stage2: true)
    let cds = rig.allocateCDTable()
    let pages = rig.tablePages(0x1000, root: s1)
    let ipas = (pages + [cds.base]).enumerated().filter { !skip.contains($0.offset) }.map(\.element)
    rig.identityMap(ipas, s2Root: s2)
    rig.writeCD(Rig.s1CD(asid: 9, ttb0: s1), table: cds)
    var ste = Rig.nestedSTE(vmid: 4, s2Root: s2, cdTable: cds.base)
    ste[StreamTableEntry.vtcrPS] = s2ps
    rig.writeSTE(ste, sid: 1)
    return (rig, pages, cds.base, s2)
  }

  // MARK: Cache inspection

  var configKeys: Set<ConfigCacheKey> { Set(smmu.configCache.entriesByRecency.map(\.key)) }
  var tlbKeys: Set<TLBKey> { Set(smmu.tlb.entriesByRecency.map(\.key)) }
  func atcKeys(_ sid: UInt32) -> Set<ATCKey> {
    Set(smmu.atcs[sid]?.entriesByRecency.map(\.key) ?? [])
  }
}

extension TLBKey {
  static func s1(asid: UInt16, va: UInt64, vmid: UInt16 = 0) -> TLBKey {
    TLBKey(kind: .stage1, vmid: vmid, asid: asid, page: va >> 12)
  }
  static func global(va: UInt64, vmid: UInt16 = 0) -> TLBKey {
    TLBKey(kind: .stage1Global, vmid: vmid, asid: 0, page: va >> 12)
  }
  static func s2(vmid: UInt16, ipa: UInt64) -> TLBKey {
    TLBKey(kind: .stage2, vmid: vmid, asid: 0, page: ipa >> 12)
  }
}
