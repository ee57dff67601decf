import SMMUModel
import Testing

@testable import SMMUDriver

/// release_domain = blocked (Linux 6.19, upstream-2026.md §4.1, R1): the release leaves the STE
/// abort, or identity for a device with a direct-mapped region (`rmr`, `require_direct`),
/// through the entry writer, before the CD table is freed. Legacy (6.1) always blocks.
struct ReleaseDomainTests {
  /// A master with PASIDs and an S1 domain, released; returns the trace and the driver.
  static func released(_ design: DriverDesign, rmr: Bool) -> (OperationTrace, Driver, freedAt: Int?) {
    var d = Driver.make(design)
    #expect(d.addMaster(name: "gpu", sids: [SID.b], ssidBits: 8, rmr: rmr).error == nil)
    d.newDomain("dom", .paging)
    d.ok { $0.map(domain: "dom", iova: Addr.iova, pa: Addr.paD) }
    d.ok { $0.attach(domain: "dom", master: "gpu") }
    d.smmu.startObserving()
    let t = d.ok { $0.removeMaster("gpu") }
    let points = d.smmu.takeObservations()
    // The point at which the CD table's memory goes (per-master only).
    let freedAt = points.firstIndex {
      if case .free(let a) = $0.event { a.purpose.isCDTable } else { false }
    }
    // The STE must have its final value, and stay valid throughout, before the free.
    if let f = freedAt {
      let ste = try? points[f].state.memory.readEntry(d.streamTable.steAddress(SID.b)!)
      #expect(ste == d.steQwords(SID.b))
    }
    let steStores = points.filter {
      if case .store(let a, let v, _) = $0.event {
        a == d.streamTable.steAddress(SID.b)! && v & 1 == 0
      } else {
        false
      }
    }
    #expect(steStores.isEmpty, "no V=0 store into the STE")
    return (t, d, freedAt)
  }

  // upstream-2026.md §4.1, R1: blocked by default.
  @Test func perMasterReleaseLeavesAbortBeforeTheFree() {
    let (t, d, freedAt) = Self.released(.perMaster, rmr: false)
    #expect(d.ste(SID.b).configValue == .abort)
    #expect(freedAt != nil)
    #expect(t.count("CFGI_STE") >= 1 && t.count("PREFETCH_CFG") == 1)
    #expect(d.smmu.memory.occupiedBytes(.cdTable) == 0)
    #expect(d.smmu.hazards.isEmpty)
  }

  // upstream-2026.md §4.1, R1: identity for a device with `require_direct`.
  @Test func perMasterReleaseOfAnRMRDeviceLeavesBypass() {
    let (t, d, freedAt) = Self.released(.perMaster, rmr: true)
    #expect(d.ste(SID.b).configValue == .bypass)
    #expect(freedAt != nil)
    #expect(
      t.items.contains { if case .note(let n) = $0 { "\(n)".contains("require_direct") } else { false } })
    #expect(d.smmu.hazards.isEmpty)
    // Its DMA now bypasses the SMMU: the reserved region stays reachable.
    var probe = d.smmu
    let r = probe.translate(Transaction(sid: SID.b, address: 0x1234))
    #expect(r.outputAddress == 0x1234)
  }

  // upstream-2026.md §4.1: the legacy design keeps Linux 6.1's release, abort either way.
  @Test func legacyReleaseBlocksEvenWithRMR() {
    for rmr in [false, true] {
      let (_, d, _) = Self.released(.legacy, rmr: rmr)
      #expect(d.ste(SID.b).configValue == .abort, "rmr \(rmr)")
    }
  }
}
