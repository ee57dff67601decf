import SMMUModel
import Testing

@testable import SMMUDriver

/// A device that requires ATS (`ats_always_on`, Linux 7.2, upstream-2026.md §4.2): probe
/// refusals, the CD table from probe to release, identity as a CD-table STE with
/// S1DSS=bypass and ATS on, blocked as the plain abort STE with ATS off.
struct ATSAlwaysOnTests {
  typealias S = StreamTableEntry

  static func driver(_ design: DriverDesign = .perMaster, _ change: (inout SMMUFeatures) -> Void = { _ in })
    -> Driver
  {
    var f = SMMUFeatures()
    change(&f)
    return Driver(options: DriverOptions(design: design), features: f)
  }

  static func probe(_ d: inout Driver, ssidBits: Int = 0) -> OperationTrace {
    d.addMaster(name: "gpu", sids: [SID.a], ssidBits: ssidBits, ats: true, atsAlwaysOn: true)
  }

  // upstream-2026.md §4.2, A1: no ATS, no S1P or no substreams: probe fails -EOPNOTSUPP.
  @Test func probeFailsWithoutATSStageOneOrSubstreams() {
    let missing: [(String, (inout SMMUFeatures) -> Void)] = [
      ("ATS", { $0.ats = false }), ("S1P", { $0.stage1 = false }), ("SSIDSIZE", { $0.ssidBits = 0 }),
    ]
    for (what, change) in missing {
      var d = Self.driver(.perMaster, change)
      let t = Self.probe(&d)
      #expect(t.error?.code == .eopnotsupp, "without \(what)")
      #expect(d.masters["gpu"] == nil)
      #expect(d.smmu.memory.occupiedBytes(.cdTable) == 0)
      // The legacy design (6.1) knows no ats_always_on: the same probe succeeds.
      var legacy = Self.driver(.legacy, change)
      #expect(Self.probe(&legacy).error == nil, "legacy without \(what)")
      #expect(legacy.masters["gpu"]?.atsAlwaysOn == false)
    }
  }

  // upstream-2026.md §4.2, A2: the CD table exists from probe, S1CDMax >= 1, no CD written.
  @Test func theCDTableIsAllocatedAtProbe() throws {
    for bits in [0, 1, 8] {
      var d = Self.driver()
      #expect(Self.probe(&d, ssidBits: bits).error == nil)
      let table = try #require(d.masters["gpu"]?.cdTable)
      #expect(table.s1cdmax == max(bits, 1))
      #expect(d.validSSIDs(of: table).isEmpty)
      #expect(d.ste(SID.a).configValue == .abort)
    }
  }

  // upstream-2026.md §4.2, A3: identity is Config 5 with S1DSS=bypass and EATS=0b01.
  @Test func identityIsACDTableSTEWithATSOn() throws {
    var d = Self.driver()
    #expect(Self.probe(&d).error == nil)
    let root = try #require(d.masters["gpu"]?.cdTable?.root.base)
    d.newDomain("id", .identity)
    d.ok { $0.attach(domain: "id", master: "gpu") }
    let ste = d.ste(SID.a)
    #expect(ste.configValue == .s1Translate)
    #expect(ste[S.s1dss] == S.S1DSS.bypass.rawValue)
    #expect(ste[S.eats] == S.eatsTrans)
    #expect(ste[S.s1cdmax] == 1)
    #expect(ste.qwords[0] & S.s1ContextPtr.mask == root & S.s1ContextPtr.mask)
    #expect(d.masters["gpu"]?.atsEnabled == true)
    #expect(d.smmu.atsEnabledStreams.contains(SID.a))
    // Untagged DMA bypasses stage 1: no CD is fetched.
    #expect(d.read("gpu", iova: 0x1234)?.outputAddress == 0x1234)
    // A device that merely supports ATS gets the plain bypass STE, ATS off.
    var plain = Self.driver()
    plain.probe("nic", sid: SID.b, ats: true)
    plain.newDomain("id", .identity)
    plain.ok { $0.attach(domain: "id", master: "nic") }
    #expect(plain.ste(SID.b).configValue == .bypass)
    #expect(plain.masters["nic"]?.atsEnabled == false)
  }

  // upstream-2026.md §4.2, A4: blocked is the plain abort STE with ATS off.
  @Test func blockedIsAbortWithATSOff() throws {
    var d = Self.driver()
    #expect(Self.probe(&d).error == nil)
    d.newDomain("id", .identity)
    d.ok { $0.attach(domain: "id", master: "gpu") }
    d.ok { $0.detach(master: "gpu") }
    #expect(d.ste(SID.a).configValue == .abort)
    #expect(d.masters["gpu"]?.atsEnabled == false)
    #expect(!d.smmu.atsEnabledStreams.contains(SID.a))
    // The table stays, for the next identity or PASID attach.
    #expect(d.masters["gpu"]?.cdTable != nil)
  }

  // upstream-2026.md §4.2: with the RID identity, the last PASID going leaves the CD-table
  // STE (no downgrade to bypass); an ordinary master is downgraded.
  @Test func noDowngradeWhenTheLastPASIDGoes() {
    for alwaysOn in [true, false] {
      var d = Self.driver()
      #expect(
        d.addMaster(name: "gpu", sids: [SID.a], ssidBits: 4, ats: true, atsAlwaysOn: alwaysOn).error == nil)
      d.newDomain("id", .identity)
      d.newDomain("dom", .paging)
      d.ok { $0.map(domain: "dom", iova: Addr.iova, pa: Addr.paD) }
      d.ok { $0.attach(domain: "id", master: "gpu") }
      d.ok { $0.attach(domain: "dom", master: "gpu", pasid: 3) }
      #expect(d.ste(SID.a).configValue == .s1Translate)
      d.ok { $0.detach(master: "gpu", pasid: 3) }
      #expect(d.ste(SID.a).configValue == (alwaysOn ? .s1Translate : .bypass), "ats-always-on \(alwaysOn)")
      #expect(d.masters["gpu"]?.atsEnabled == alwaysOn)
    }
  }

  // upstream-2026.md §4.2: the CD table lives from probe to release, the same table through
  // identity, paging and blocked attaches.
  @Test func theTableLivesFromProbeToRelease() throws {
    var d = Self.driver()
    #expect(Self.probe(&d, ssidBits: 4).error == nil)
    let root = try #require(d.masters["gpu"]?.cdTable?.root.base)
    d.newDomain("id", .identity)
    d.newDomain("dom", .paging)
    d.ok { $0.map(domain: "dom", iova: Addr.iova, pa: Addr.paD) }
    for dom in ["id", "dom", "id"] { d.ok { $0.attach(domain: dom, master: "gpu") } }
    #expect(d.read("gpu")?.outputAddress == Addr.iova)
    d.ok { $0.detach(master: "gpu") }
    #expect(d.masters["gpu"]?.cdTable?.root.base == root)
    d.ok { $0.removeMaster("gpu") }
    #expect(d.smmu.memory.occupiedBytes(.cdTable) == 0)
    #expect(d.ste(SID.a).configValue == .abort)
  }
}
