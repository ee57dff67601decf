import SMMUModel
import Testing

@testable import SMMUDriver

/// io-pgtable's block mappings: the core splits a map into the largest leaves IOVA/PA
/// alignment and length allow (1 GiB, 2 MiB, 4 KiB); an unmap of part of a block unmaps
/// nothing of it (io-pgtable stopped splitting blocks in v6.13).
struct BlockMappingTests {
  static let iova: UInt64 = 0x20_0000
  static let pa: UInt64 = 0x8020_0000

  static func attached(_ design: DriverDesign) -> Driver {
    var d = Driver.make(design)
    d.probe("A", sid: SID.a)
    d.newDomain("D", .paging)
    d.ok { $0.attach(domain: "D", master: "A") }
    return d
  }

  static func sizes(_ d: Driver) -> [UInt64] {
    let table = d.domains["D"]?.pageTable
    return (table?.mappings ?? [:]).sorted { $0.key < $1.key }.map(\.value.size)
  }

  @Test(arguments: DriverDesign.allCases)
  func a2MiBAlignedMapIsOneLevel2BlockStore(design: DriverDesign) {
    var d = Self.attached(design)
    let t = d.ok { $0.map(domain: "D", iova: Self.iova, size: 1 << 21, pa: Self.pa) }
    // Two new tables (levels 1 and 2) and one block descriptor.
    #expect(t.pageTableWrites == 3)
    #expect(Self.sizes(d) == [1 << 21])
    #expect(d.read("A", iova: Self.iova + 0x1_2345)?.outcome == .translated(Self.pa + 0x1_2345))
    #expect(d.smmu.tlb.entriesByRecency.map(\.key.shift) == [21])
  }

  @Test(arguments: DriverDesign.allCases)
  func a4MiBPlus4KiBMapIsTwoBlocksAndAPage(design: DriverDesign) {
    var d = Self.attached(design)
    let t = d.ok { $0.map(domain: "D", iova: Self.iova, size: 0x40_1000, pa: Self.pa) }
    // Tables at levels 1 and 2, two blocks, a level-3 table and its page.
    #expect(t.pageTableWrites == 6)
    #expect(Self.sizes(d) == [1 << 21, 1 << 21, 4096])
    #expect(d.read("A", iova: Self.iova + 0x40_0008)?.outcome == .translated(Self.pa + 0x40_0008))
  }

  @Test func aPAWithoutTheIOVAsAlignmentMapsPages() {
    var d = Self.attached(.legacy)
    let t = d.ok { $0.map(domain: "D", iova: Self.iova, size: 1 << 21, pa: Self.pa + 0x1000) }
    #expect(t.pageTableWrites == 3 + 512)
    #expect(Self.sizes(d).count == 512)
  }

  @Test(arguments: DriverDesign.allCases)
  func unmappingABlockIsOneTLBIAndLeavesNoStaleEntry(design: DriverDesign) {
    var d = Self.attached(design)
    d.ok { $0.map(domain: "D", iova: Self.iova, size: 1 << 21, pa: Self.pa) }
    #expect(d.read("A", iova: Self.iova + 0x5000)?.outcome == .translated(Self.pa + 0x5000))
    let t = d.ok { $0.unmap(domain: "D", iova: Self.iova, size: 1 << 21) }
    #expect(t.count("TLBI_NH_VA") == 1 && t.count("CMD_SYNC") == 1)
    #expect(d.read("A", iova: Self.iova + 0x5000)?.outcome == .aborted)
    #expect(d.smmu.hazards.isEmpty)
  }

  @Test(arguments: DriverDesign.allCases)
  func unmappingPartOfABlockIsRefused(design: DriverDesign) {
    var d = Self.attached(design)
    d.ok { $0.map(domain: "D", iova: Self.iova, size: 1 << 21, pa: Self.pa) }
    let t = d.unmap(domain: "D", iova: Self.iova + 0x1000, size: 4096)
    #expect(t.error?.code == .einval && t.error?.message.contains("does not split") == true)
    #expect(t.count("TLBI_NH_VA") == 0)
    #expect(d.read("A", iova: Self.iova + 0x1000)?.outcome == .translated(Self.pa + 0x1000))
    // A block then a partial one: the first is unmapped and invalidated, then the core stops.
    d.ok { $0.map(domain: "D", iova: Self.iova + (1 << 21), size: 1 << 21, pa: Self.pa + (1 << 21)) }
    let both = d.unmap(domain: "D", iova: Self.iova, size: (1 << 21) + 4096)
    #expect(both.error?.code == .einval && both.count("TLBI_NH_VA") == 1)
    #expect(Self.sizes(d) == [1 << 21])
  }

  @Test func aBlockOverAnEmptiedTableFreesTheTableWithAWalkFlush() {
    var d = Self.attached(.legacy)
    d.ok { $0.map(domain: "D", iova: Self.iova, pa: Self.pa) }
    d.ok { $0.unmap(domain: "D", iova: Self.iova) }
    let tables = d.domains["D"]?.pageTable?.tables.count
    let t = d.ok { $0.map(domain: "D", iova: Self.iova, size: 1 << 21, pa: Self.pa) }
    // The level-3 table goes (TLBI leaf=0 per 4 KiB + sync), the block takes its slot.
    #expect(
      t.count("TLBI_NH_VA") == 512
        && t.commands.allSatisfy { if case .tlbiNHVA(_, _, _, let leaf, _) = $0 { !leaf } else { true } })
    #expect(d.domains["D"]?.pageTable?.tables.count == tables.map { $0 - 1 })
    #expect(d.read("A", iova: Self.iova + 0x8)?.outcome == .translated(Self.pa + 0x8))
    // A block over a table that still maps a page is refused.
    d.ok { $0.map(domain: "D", iova: 0x60_0000, pa: 0x8060_0000) }
    #expect(d.map(domain: "D", iova: 0x40_0000, size: 1 << 22, pa: 0x8040_0000).error?.code == .eexist)
  }
}
