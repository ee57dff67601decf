import SMMUModel
import Testing

@testable import SMMUDriver

/// Releasing a master (`arm_smmu_release_device`): PASIDs removed, STE blocked, and in the
/// per-master design the CD table freed only after nothing points at it any more.
@Suite struct ReleaseTests {
  @Test func perMasterFreesTheTableAfterBlockingTheSTE() {
    var d = Driver.make(.perMaster)
    d.probe("gpu", sid: SID.b, ssidBits: 20)
    d.newDomain("dom", .paging)
    d.newDomain("proc", .sva, mm: "app")
    d.ok { $0.map(domain: "dom", iova: Addr.iova, pa: Addr.paD) }
    d.ok { $0.attach(domain: "dom", master: "gpu") }
    d.ok { $0.attach(domain: "proc", master: "gpu", pasid: 5) }
    _ = d.read("gpu")  // CD 0 and the STE are now cached
    // 2-level table: an 8 KiB L1 (1024 descriptors, two pages) and one 64 KiB leaf.
    #expect(
      d.smmu.memory.occupiedBytes(.cdTableL1) + d.smmu.memory.occupiedBytes(.cdTableLeaf) == 8192 + 65536)
    let t = d.ok { $0.removeMaster("gpu") }
    // The PASID's CD and CD 0 are cleared (2 syncs each), the STE goes cdtable -> abort.
    #expect(d.ste(SID.b).configValue == .abort)
    #expect(d.smmu.memory.occupiedBytes(.cdTableL1) + d.smmu.memory.occupiedBytes(.cdTableLeaf) == 0)
    #expect(t.commands.contains(.cfgiSTE(sid: SID.b, leaf: true)))
    #expect(d.masters["gpu"] == nil)
    #expect(d.domains["dom"]?.devices.isEmpty == true)
    #expect(d.domains["proc"]?.devices.isEmpty == true)
    // No STE, CD or cache entry pointed at the freed table: no use-after-free hazard.
    #expect(d.smmu.hazards.isEmpty)
    // The SID can be probed again.
    d.probe("gpu2", sid: SID.b)
  }

  @Test func legacyDetachesAndTheDomainKeepsItsTable() {
    var d = Driver.make(.legacy)
    d.probe("a", sid: SID.a)
    d.probe("b", sid: SID.b)
    d.newDomain("dom", .paging)
    d.ok { $0.map(domain: "dom", iova: Addr.iova, pa: Addr.paD) }
    d.ok { $0.attach(domain: "dom", master: "a") }
    d.ok { $0.attach(domain: "dom", master: "b") }
    d.ok { $0.removeMaster("a") }
    #expect(d.ste(SID.a).configValue == .abort)
    // The table belongs to the domain: it stays for b.
    #expect(d.domains["dom"]?.legacyCDTable != nil)
    #expect(d.domains["dom"]?.devices == [MasterDomain(master: "b", ssid: 0)])
    #expect(d.read("b")?.outputAddress == Addr.paD)
    #expect(d.read("a") == nil)  // no such master any more: the DMA operation fails
  }
}
