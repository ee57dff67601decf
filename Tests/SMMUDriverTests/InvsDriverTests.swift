import SMMUModel
import Testing

@testable import SMMUDriver

/// The per-master design with the invalidation array (`DriverOptions.invs`, Linux 7.1):
/// attach, detach and unmap sequences (upstream-2026 §2.5, §2.7), each compared with the same
/// operation without the array.
struct InvsDriverTests {
  static func make(invs: Bool) -> Driver {
    Driver(options: DriverOptions(design: .perMaster, invs: invs), features: SMMUFeatures())
  }

  /// The trace without one TLBI + CMD_SYNC pair (the flush of a tag's last user).
  static func dropping(_ c: Command, from cmds: [Command]) -> [Command] {
    guard let i = cmds.firstIndex(of: c), i + 1 < cmds.count, cmds[i + 1] == .sync else { return cmds }
    return Array(cmds[..<i] + cmds[(i + 2)...])
  }

  @Test func legacyIgnoresInvs() {
    #expect(DriverOptions(design: .legacy, invs: true).invs == false)
    #expect(DriverOptions.invsRefusal(.legacy) != nil && DriverOptions.invsRefusal(.perMaster) == nil)
    #expect(
      DriverOptions(design: .perMaster, compactCDTables: true, invs: true).label == "per-master+compact+invs")
  }

  /// A shared S1 domain: each attach merges S1_ASID (users 2); the first detach only
  /// unreferences; the last one flushes the ASID (TLBI_NH_ASID + SYNC) after the STE change.
  @Test func sharedDomainAttachDetach() throws {
    func setUp(invs: Bool) -> Driver {
      var d = Self.make(invs: invs)
      d.probe("A", sid: SID.a)
      d.probe("B", sid: SID.b)
      d.newDomain("D", .paging)
      return d
    }
    var plain = setUp(invs: false)
    var d = setUp(invs: true)
    let asid = try #require(d.domains["D"]?.asid)
    for m in ["A", "B"] {
      let p = plain.ok { $0.attach(domain: "D", master: m) }
      let t = d.ok { $0.attach(domain: "D", master: m) }
      #expect(t.commands == p.commands)  // the merge sends nothing
    }
    #expect(d.domains["D"]?.invs.description == "S1_ASID \(asid) x2")
    let p1 = plain.ok { $0.detach(master: "A") }
    let t1 = d.ok { $0.detach(master: "A") }
    #expect(t1.commands == p1.commands)
    #expect(d.domains["D"]?.invs.description == "S1_ASID \(asid) x1")
    let p2 = plain.ok { $0.detach(master: "B") }
    let t2 = d.ok { $0.detach(master: "B") }
    let flush = Command.tlbiNHASID(vmid: 0, asid: asid)
    #expect(t2.count("TLBI_NH_ASID") == 1 && p2.count("TLBI_NH_ASID") == 0)
    #expect(Self.dropping(flush, from: t2.commands) == p2.commands)
    let lastCFGISTE = try #require(t2.commands.lastIndex { $0.name == "CFGI_STE" })
    #expect(try #require(t2.commands.firstIndex(of: flush)) > lastCFGISTE)
    #expect(d.domains["D"]?.invs.entries.isEmpty == true)
    // Unattached, the domain's unmap finds an empty array and sends nothing.
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paD) }
    #expect(d.ok { $0.unmap(domain: "D", iova: Addr.iova) }.commands.isEmpty)
  }

  /// ATS masters: each adds ATS(SID, SSID 0); an unmap is TLBI_NH_VA + SYNC, then the ATC_INVs
  /// + SYNC (two syncs, as the old walk). 512 pages are one TLBI_NH_ASID instead of 512 VAs.
  @Test func atsMastersUnmap() throws {
    var d = Self.make(invs: true)
    d.probe("A", sid: SID.a, ats: true)
    d.probe("B", sid: SID.b, ats: true, extraSIDs: [SID.b2])
    d.newDomain("D", .paging)
    d.ok { $0.attach(domain: "D", master: "A") }
    d.ok { $0.attach(domain: "D", master: "B") }
    let asid = try #require(d.domains["D"]?.asid)
    #expect(
      d.domains["D"]?.invs.description == "S1_ASID \(asid) x2, ATS 0x10/0 x1, ATS 0x20/0 x1, ATS 0x21/0 x1")
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paD) }
    let t = d.ok { $0.unmap(domain: "D", iova: Addr.iova) }
    #expect(
      t.commands.map(\.name) == ["TLBI_NH_VA", "CMD_SYNC", "ATC_INV", "ATC_INV", "ATC_INV", "CMD_SYNC"])
    #expect(t.commands.contains(.atcInv(sid: SID.b2, ssid: nil, address: Addr.iova, size: 0)))
    // 512 pages (not 2 MiB aligned: no block), one gather: too big for per-page TLBIs.
    d.ok { $0.map(domain: "D", iova: 0x40_1000, size: 0x20_0000, pa: 0x9000_1000) }
    let big = d.ok { $0.unmap(domain: "D", iova: 0x40_1000, size: 0x20_0000) }
    #expect(big.commands.first == .tlbiNHASID(vmid: 0, asid: asid))
    #expect(big.count("TLBI_NH_VA") == 0 && big.syncs == 2)
    // B leaves: its ATS entries go (trailing trash is cut at once), the ASID stays.
    d.ok { $0.detach(master: "B") }
    #expect(d.domains["D"]?.invs.description == "S1_ASID \(asid) x1, ATS 0x10/0 x1")
  }

  /// An SVA domain at PASID 1 of an ATS master: ATS entries carry the SSID, so ATC_INV has
  /// SSV; removing the PASID flushes the SVA domain's ASID.
  @Test func svaDomain() throws {
    var d = Self.make(invs: true)
    d.probe("A", sid: SID.a, ssidBits: 4, ats: true)
    d.newDomain("D", .paging)
    d.newDomain("S", .sva, mm: "mm1")
    d.ok { $0.attach(domain: "D", master: "A") }
    d.ok { $0.attach(domain: "S", master: "A", pasid: 1) }
    let asid = try #require(d.domains["S"]?.asid)
    #expect(d.domains["S"]?.invs.description == "S1_ASID \(asid) x1, ATS 0x10/1 x1")
    d.ok { $0.map(domain: "S", iova: Addr.iova, pa: Addr.paMM) }
    let t = d.ok { $0.unmap(domain: "S", iova: Addr.iova) }
    #expect(
      t.commands == [
        .tlbiNHVA(vmid: 0, asid: asid, address: Addr.iova, leaf: true, range: nil), .sync,
        .atcInv(sid: SID.a, ssid: 1, address: Addr.iova, size: 0), .sync,
      ])
    let r = d.ok { $0.detach(master: "A", pasid: 1) }
    #expect(r.commands.contains(.tlbiNHASID(vmid: 0, asid: asid)))
    #expect(d.domains["S"]?.invs.entries.isEmpty == true)
    #expect(d.domains["D"]?.invs.live.count == 2)
  }

  /// An S2 domain with an ATS master: [S2_VMID, ATS]; unmap is TLBI_S2_IPA + SYNC, ATC_INV +
  /// SYNC; the detach flushes the VMID with TLBI_S12_VMALL + SYNC.
  @Test func s2Domain() throws {
    var d = Self.make(invs: true)
    d.probe("A", sid: SID.a, ats: true)
    d.newDomain("V", .s2)
    d.ok { $0.attach(domain: "V", master: "A") }
    let vmid = try #require(d.domains["V"]?.vmid)
    #expect(d.domains["V"]?.invs.description == "S2_VMID \(vmid) x1, ATS 0x10/0 x1")
    d.ok { $0.map(domain: "V", iova: Addr.iova, pa: Addr.paS2) }
    let t = d.ok { $0.unmap(domain: "V", iova: Addr.iova) }
    #expect(t.commands.map(\.name) == ["TLBI_S2_IPA", "CMD_SYNC", "ATC_INV", "CMD_SYNC"])
    let r = d.ok { $0.detach(master: "A") }
    #expect(r.commands.contains(.tlbiS12VMAll(vmid: vmid)))
    #expect(d.domains["V"]?.invs.entries.isEmpty == true)
  }

  /// A nest parent with a VM's two ATS devices attached through a nested domain: the
  /// attachment goes to the parent's array as S2_VMID, S2_VMID_S1_CLEAR and ATS_FULL per SID
  /// (upstream-2026.md §2.4, "also via a nested domain"); a parent unmap is TLBI_S2_IPA + SYNC,
  /// TLBI_NH_ALL(VMID) + SYNC, then a whole-ATC ATC_INV per SID + SYNC (§2.7, I6); one too
  /// big for per-page TLBIs uses TLBI_S12_VMALL and skips NH_ALL; the last detach flushes the
  /// VMID (§2.5, I4).
  @Test func nestParentThroughANestedDomain() throws {
    var d = Self.make(invs: true)
    d.probe("A", sid: SID.a, ats: true)
    d.probe("C", sid: SID.b2, ats: true)
    d.probe("B", sid: SID.b)
    d.ok { $0.addNestParent(name: "P") }
    d.ok { $0.addVIOMMU(name: "V", parent: "P") }
    d.ok { $0.addVDevice(viommu: "V", master: "A", vsid: 3) }
    d.ok { $0.addVDevice(viommu: "V", master: "C", vsid: 4) }
    // Stage 1 vSTE at IPA 0x100000 with EATS 0b01: ATS stays on.
    d.ok { $0.addNestedDomain(name: "G", viommu: "V", q0: 0x10_000B, q1: 0x1000_00D4) }
    let vmid = try #require(d.domains["P"]?.vmid)
    d.ok { $0.attach(domain: "G", master: "A") }
    d.ok { $0.attach(domain: "G", master: "C") }
    #expect(d.masters["A"]?.atsEnabled == true)
    #expect(
      d.domains["P"]?.invs.description
        == "S2_VMID \(vmid) x2, S2_VMID_S1_CLEAR \(vmid) x2, ATS_FULL 0x10/0 x1, ATS_FULL 0x21/0 x1")
    #expect(d.domains["G"]?.invs.entries.isEmpty == true, "a nested domain keeps no array")
    d.ok { $0.map(domain: "P", iova: 0x10_0000, pa: 0x2_0000_0000) }
    let t = d.ok { $0.unmap(domain: "P", iova: 0x10_0000) }
    #expect(
      t.commands.map(\.name) == [
        "TLBI_S2_IPA", "CMD_SYNC", "TLBI_NH_ALL", "CMD_SYNC", "ATC_INV", "ATC_INV", "CMD_SYNC",
      ])
    #expect(t.commands.contains(.tlbiNHAll(vmid: vmid)))
    #expect(t.commands.contains(.atcInv(sid: SID.b2, ssid: nil, address: 0, size: 52)))
    // 512 pages (not 2 MiB aligned: no block): TLBI_S12_VMALL, which also clears stage 1.
    d.ok { $0.map(domain: "P", iova: 0x40_1000, size: 0x20_0000, pa: 0x2_0040_1000) }
    let big = d.ok { $0.unmap(domain: "P", iova: 0x40_1000, size: 0x20_0000) }
    #expect(big.commands.map(\.name) == ["TLBI_S12_VMALL", "CMD_SYNC", "ATC_INV", "ATC_INV", "CMD_SYNC"])
    // A second, plain attachment of the parent (B, no ATS) shares the tags.
    d.ok { $0.attach(domain: "P", master: "B") }
    #expect(
      d.domains["P"]?.invs.description.hasPrefix("S2_VMID \(vmid) x3, S2_VMID_S1_CLEAR \(vmid) x3") == true)
    for m in ["A", "C"] {
      let t = d.ok { $0.detach(master: m) }
      #expect(!t.commands.contains(.tlbiS12VMAll(vmid: vmid)), "B still uses the VMID")
    }
    #expect(d.domains["P"]?.invs.description == "S2_VMID \(vmid) x1, S2_VMID_S1_CLEAR \(vmid) x1")
    let last = d.ok { $0.detach(master: "B") }
    #expect(last.commands.contains(.tlbiS12VMAll(vmid: vmid)))
    #expect(d.domains["P"]?.invs.entries.isEmpty == true)
  }
}
