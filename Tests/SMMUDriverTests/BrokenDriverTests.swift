import SMMUModel
import Testing

@testable import SMMUDriver

/// Deliberately broken drivers: the hardware model must catch what each missing command
/// breaks, and report nothing for the same sequence on a correct driver.
struct BrokenDriverTests {
  /// A on S1 domain D (Addr.iova -> Addr.paD), with one DMA done so that A's STE and CD 0
  /// sit in the configuration cache and the translation in the TLB.
  static func cachedMaster(_ design: DriverDesign, bugs: Set<DriverMutation>) -> Driver {
    var d = Driver.make(design, bugs: bugs)
    d.probe("A", sid: SID.a)
    d.newDomain("D", .paging)
    _ = d.attach(domain: "D", master: "A")
    _ = d.map(domain: "D", iova: Addr.iova, pa: Addr.paD)
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    #expect(d.smmu.hazards.isEmpty)
    return d
  }

  static func cfgiCDHazards(_ d: Driver) -> [Hazard] {
    d.smmu.hazards.filter { $0.kind == .missingInvalidation && $0.missing.hasPrefix("CFGI_CD") }
  }

  @Test(arguments: DriverDesign.allCases)
  func asidChangeWithoutCFGICDIsCaught(design: DriverDesign) {
    var d = Self.cachedMaster(design, bugs: [.skipCFGICD])
    let t = d.changeASID(domain: "D", to: 50)
    #expect(t.count("CFGI_CD") == 0)
    // The next DMA is served from the cached CD 0, which still holds ASID 1.
    let r = d.read("A")
    let hazards = Self.cfgiCDHazards(d)
    #expect(hazards.count == 1)
    #expect(hazards.first?.missing == "CFGI_CD sid=\(hex(UInt64(SID.a))) ssid=0")
    #expect(r?.hazards.isEmpty == false)
  }

  @Test(arguments: DriverDesign.allCases)
  func asidChangeWithCFGICDIsClean(design: DriverDesign) {
    var d = Self.cachedMaster(design, bugs: [])
    let t = d.changeASID(domain: "D", to: 50)
    #expect(t.count("CFGI_CD") == 1)
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    #expect(d.smmu.hazards.isEmpty)
  }

  /// Per-master: switching A from D to E rewrites CD 0 in A's table (a breaking update);
  /// without CFGI_CD the SMMU keeps translating with D's CD.
  @Test(arguments: [Set<DriverMutation>([.skipCFGICD]), []])
  func domainSwitchNeedsCFGICD(bugs: Set<DriverMutation>) {
    var d = Self.cachedMaster(.perMaster, bugs: bugs)
    d.newDomain("E", .paging)
    _ = d.map(domain: "E", iova: Addr.iova, pa: Addr.paE)
    _ = d.attach(domain: "E", master: "A")
    let r = d.read("A")
    if bugs.isEmpty {
      #expect(r?.outcome == .translated(Addr.paE))
      #expect(d.smmu.hazards.isEmpty)
    } else {
      #expect(Self.cfgiCDHazards(d).count == 1)
    }
  }

  /// D moves from ASID 1 to 50 without TLBI_NH_ASID(1); E then gets ASID 1 (the lowest
  /// free) on master B. B's DMA hits the TLB entry D left under ASID 1: D's page.
  @Test(arguments: DriverDesign.allCases)
  func asidReuseWithoutTLBIIsCaught(design: DriverDesign) {
    for bugs in [Set<DriverMutation>([.skipTLBIASID]), []] {
      var d = Self.cachedMaster(design, bugs: bugs)
      _ = d.changeASID(domain: "D", to: 50)
      d.probe("B", sid: SID.b)
      d.newDomain("E", .paging)
      _ = d.map(domain: "E", iova: Addr.iova, pa: Addr.paE)
      _ = d.attach(domain: "E", master: "B")
      #expect(d.domains["E"]?.asid == 1)
      let r = d.read("B")
      if bugs.isEmpty {
        #expect(r?.outcome == .translated(Addr.paE))
        #expect(d.smmu.hazards.isEmpty)
      } else {
        #expect(r?.outcome == .translated(Addr.paD))  // another domain's memory
        #expect(d.smmu.hazards.map(\.kind) == [.asidReuse])
        #expect(d.smmu.hazards.first?.missing.hasPrefix("TLBI_NH_ASID asid=1") == true)
      }
    }
  }

  /// Legacy share_asid: the SVA bind takes D's ASID (the CPU's, 0x8000) and moves D. Without
  /// the TLBI of 0x8000, the mm's PASID traffic hits D's TLB entry.
  @Test(arguments: [Set<DriverMutation>([.skipTLBIASID]), []])
  func legacyShareASIDNeedsTLBI(bugs: Set<DriverMutation>) {
    var d = Driver.make(.legacy, bugs: bugs)
    d.probe("A", sid: SID.a, ssidBits: 20)
    d.newDomain("D", .paging)
    _ = d.attach(domain: "D", master: "A")
    _ = d.map(domain: "D", iova: Addr.iova, pa: Addr.paD)
    _ = d.changeASID(domain: "D", to: 0x8000)
    d.newDomain("S", .sva, mm: "M")
    _ = d.map(domain: "S", iova: Addr.iova, pa: Addr.paMM)
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    #expect(d.attach(domain: "S", master: "A", pasid: 5).error == nil)
    let r = d.read("A", pasid: 5)
    if bugs.isEmpty {
      #expect(r?.outcome == .translated(Addr.paMM))
      #expect(d.smmu.hazards.isEmpty)
    } else {
      #expect(r?.outcome == .translated(Addr.paD))
      #expect(d.smmu.hazards.map(\.kind) == [.asidReuse])
    }
  }
}
