import SMMUModel
import Testing

@testable import SMMUDriver

/// Mapping over a live page: io-pgtable refuses it (-EEXIST), so a changed translation
/// always goes through unmap (with its TLBI and ATC_INV) first. The property test found the
/// driver model silently overwriting the PTE, which left a stale TLB entry.
struct MappingTests {
  @Test(arguments: DriverDesign.allCases)
  func remapNeedsUnmapFirst(design: DriverDesign) {
    var d = Driver.make(design)
    d.probe("A", sid: SID.a)
    d.newDomain("D", .paging)
    d.ok { $0.attach(domain: "D", master: "A") }
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paD) }
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    let again = d.map(domain: "D", iova: Addr.iova, pa: Addr.paE)
    #expect(again.error?.code == .eexist && again.pageTableWrites == 0)
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    d.ok { $0.unmap(domain: "D", iova: Addr.iova) }
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paE) }
    #expect(d.read("A")?.outcome == .translated(Addr.paE))
    #expect(d.smmu.hazards.isEmpty)
  }
}
