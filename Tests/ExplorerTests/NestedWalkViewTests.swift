import SMMUModel
import Testing

@testable import Explorer

/// The walk view of a nested (stage 1 + stage 2) translation draws the stage-2 walks as a
/// grid. The SMMU is programmed by hand here (GuestViewTests has the same from a scenario).
@Suite struct NestedWalkViewTests {
  /// Maps `va` to `pa` in the 4-level table at `root`, allocating tables on demand; returns
  /// the table pages the walk reads.
  @discardableResult
  static func map(_ smmu: inout SMMU, root: UInt64, _ va: UInt64, _ pa: UInt64, stage2: Bool) throws
    -> [UInt64]
  {
    var t = root
    var pages = [root]
    for level in 0..<3 {
      let slot = t + UInt64(PageTableFormat.index(va, level: level) * 8)
      let d = try smmu.read(slot)
      if d & 3 == 3 {
        t = d & PageTableFormat.addressMask
      } else {
        t = smmu.allocate(bytes: 4096, align: 4096, purpose: .pageTable, owner: "pt").base
        try smmu.write(slot, PageTableFormat.table(t))
      }
      pages.append(t)
    }
    let leaf =
      stage2 ? PageTableFormat.s2Page(pa, writable: true) : PageTableFormat.s1Page(pa, writable: true)
    try smmu.write(t + UInt64(PageTableFormat.index(va, level: 3) * 8), leaf)
    return pages
  }

  static func page(_ smmu: inout SMMU) -> UInt64 {
    smmu.allocate(bytes: 4096, align: 4096, purpose: .pageTable, owner: "pt").base
  }

  static func nestedWalk() throws -> TranslationWalk {
    typealias S = StreamTableEntry
    typealias C = ContextDescriptor
    var smmu = SMMU()
    let strtab = smmu.allocate(bytes: 4096, align: 4096, purpose: .streamTable, owner: "strtab")
    smmu.programStreamTable(base: strtab.base, config: 6)
    let s1 = page(&smmu)
    let s1Pages = try map(&smmu, root: s1, 0x1000, 0x8000_0000, stage2: false)
    let s2 = page(&smmu)
    try map(&smmu, root: s2, 0x8000_0000, 0xB000_0000, stage2: true)
    let cds = smmu.allocate(bytes: 64, align: 64, purpose: .cdTable, owner: "cds")
    // The IPAs stage 1 reads (its tables, the CD table) map to themselves.
    for p in s1Pages + [cds.base & ~0xFFF] { try map(&smmu, root: s2, p, p, stage2: true) }
    var cd = ContextDescriptor()
    cd[C.t0sz] = 16
    cd[C.epd1] = 1
    cd[C.ips] = 5
    cd[C.aa64] = 1
    cd[C.r] = 1
    cd[C.asid] = 9
    cd[C.ttb0] = s1 >> 4
    cd[C.v] = 1
    var ste = StreamTableEntry()
    ste[S.v] = 1
    ste[S.config] = S.Config.nested.rawValue
    ste[S.s1ContextPtr] = cds.base >> 6
    ste[S.s2vmid] = 4
    ste[S.vtcrT0SZ] = 16
    ste[S.vtcrSL0] = 2
    ste[S.vtcrPS] = 5
    ste[S.s2aa64] = 1
    ste[S.s2ttb] = s2 >> 4
    for (i, q) in cd.qwords.enumerated() { try smmu.write(cds.base + UInt64(i * 8), q) }
    for (i, q) in ste.qwords.enumerated() { try smmu.write(strtab.base + 64 + UInt64(i * 8), q) }
    smmu.setEnabled(true)
    let r = smmu.translate(Transaction(sid: 1, address: 0x1010), recordWalk: true)
    #expect(r.outcome == .translated(0xB000_0010))
    return try #require(r.walk)
  }

  @Test func nestedWalkDrawsTheStage2Grid() throws {
    let w = try Self.nestedWalk()
    let text = WalkView(walk: w, source: "test").lines(width: 156).map { $0.map(\.text).joined() }
    let header = try #require(text.firstIndex { $0.hasPrefix("Nested: the 2-D walk") })
    #expect(text[header + 1].contains("S2 level 0") && text[header + 1].contains("S2 level 3"))
    // The CD fetch's S2 walk, one row per stage-1 table (each an IPA), then the final IPA's.
    let rows = Array(text[(header + 2)...].prefix(6))
    #expect(rows[0].hasPrefix("CD sid 0x1 ssid 0"))
    #expect(rows[1...4].map { $0.prefix(17) } == (0..<4).map { "S1 level \($0) table " })
    let last = try #require(rows.last)
    #expect(last.hasPrefix("final IPA"))
    let s2 = try #require(w.nestedGrid.last).levels.map { hex($0.descriptor[0], digits: 16) }
    #expect(s2.count == 4 && s2.allSatisfy { last.contains($0) })
  }
}
