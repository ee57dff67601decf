import SMMUModel
import Testing

@testable import SMMUDriver

/// Scenarios S1-S10 of linux-driver.md §7 under the per-master design (Linux 6.7+, with the
/// 6.11+ PASID behaviour). Every expected number is derived in a comment from §2 and §4.
/// The SMMU has S1, S2, SSIDSIZE 20, 2-level CD tables, stalls and ATTR_TYPES_OVR.
struct PerMasterScenarioTests {
  /// A with `aBits`, attached to a new S1 domain D that maps Addr.iova -> Addr.paD.
  static func oneMasterOnD(aBits: Int = 0) -> Driver {
    var d = Driver.make(.perMaster)
    d.probe("A", sid: SID.a, ssidBits: aBits)
    d.newDomain("D", .paging)
    d.ok { $0.attach(domain: "D", master: "A") }
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paD) }
    return d
  }

  @Test func s1FirstDeviceOnNewS1Domain() throws {
    var d = Driver.make(.perMaster)
    d.probe("A", sid: SID.a)
    d.newDomain("D", .paging)
    let t = d.ok { $0.attach(domain: "D", master: "A") }
    // CD 0 empty -> S1 (the §5 empty->s1 case): TTB0/MAIR (sync 1), then q0 with V (sync 2),
    // each sync a CFGI_CD for A's one SID. STE abort -> cdtable: abort uses only V/CFG, so
    // q1 goes first (sync 3), q0 flips (sync 4); then PREFETCH_CFG.
    #expect(
      t.commands.map(\.name) == [
        "CFGI_CD", "CMD_SYNC", "CFGI_CD", "CMD_SYNC", "CFGI_STE", "CMD_SYNC", "CFGI_STE", "CMD_SYNC",
        "PREFETCH_CFG",
      ])
    #expect(t.cfgiCDs.allSatisfy { $0.sid == SID.a && $0.ssid == 0 && $0.leaf })
    #expect(t.cdWrites == 3)  // q1 (TTB0), q3 (MAIR), q0; q2 stays 0
    #expect(t.steWrites == 2)  // q1, then q0
    // One table, owned by A: ssid_bits 0 -> linear, 64 B requested, a page occupied.
    let table = try #require(d.masters["A"]?.cdTable)
    #expect(table.format == .linear && table.s1cdmax == 0)
    #expect(table.root.requested == 64 && table.occupiedBytes == 4096)
    #expect(d.domains["D"]?.legacyCDTable == nil)
    #expect(d.domains["D"]?.asid == 1)  // asid_xa allocates from 1
    #expect(d.ste(SID.a).contextPointer == table.root.base)
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paD) }
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
  }

  @Test func s1CompactTableOccupiesOnlyItsCD() throws {
    var d = Driver(options: DriverOptions(design: .perMaster, compactCDTables: true))
    d.probe("A", sid: SID.a)
    d.newDomain("D", .paging)
    d.ok { $0.attach(domain: "D", master: "A") }
    // The design discussion's suggestion: a one-CD table is 64 bytes, not a page.
    #expect(d.masters["A"]?.cdTable?.occupiedBytes == 64)
  }

  @Test func s2SecondDeviceGetsItsOwnTable() throws {
    var d = Self.oneMasterOnD()
    d.probe("B", sid: SID.b, ats: true)
    let t = d.ok { $0.attach(domain: "D", master: "B") }
    // B's own 64 B table, a duplicate CD 0: 2 x sync(CD: B); STE abort -> cdtable(ATS): EATS
    // rides in the q1 pre-write, 2 x sync(STE) + PREFETCH; commit turns ATS on: ATC_INV of
    // everything on B + sync. Nothing goes to A.
    #expect(t.cfgiCDSIDs == [SID.b, SID.b])
    #expect(t.count("CFGI_STE") == 2 && t.count("PREFETCH_CFG") == 1)
    #expect(t.count("ATC_INV") == 1)
    #expect(t.syncs == 5)
    #expect(d.domains["D"]?.devices.map { "\($0.master)@\($0.ssid)" } == ["A@0", "B@0"])
    // Two tables in total, each with an identical CD 0 (same ASID and TTB0).
    let ta = try #require(d.masters["A"]?.cdTable)
    let tb = try #require(d.masters["B"]?.cdTable)
    #expect(ta.root.base != tb.root.base)
    #expect(d.cd(in: ta, ssid: 0) == d.cd(in: tb, ssid: 0))
    #expect(d.cd(in: tb, ssid: 0)?.asidValue == d.domains["D"]?.asid)
    #expect(d.smmu.memory.requestedBytes(.cdTable) == 128)
    #expect(d.smmu.memory.occupiedBytes(.cdTable) == 8192)
    // Both reach D's mapping; B's read fills its ATC.
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    #expect(d.read("B")?.outcome == .translated(Addr.paD))
    // Unmap: one TLBI_NH_VA (the ASID is global) + sync, then ATC_INV for the one ATS
    // attachment (B@0, SSV=0) + sync.
    let u = d.ok { $0.unmap(domain: "D", iova: Addr.iova) }
    #expect(u.count("TLBI_NH_VA") == 1 && u.count("ATC_INV") == 1 && u.syncs == 2)
    #expect(u.commands.contains(.atcInv(sid: SID.b, ssid: nil, address: Addr.iova, size: 0)))
    #expect(d.read("A")?.event?.type == .fTranslation)
    #expect(d.read("B")?.outcome == .aborted)
    #expect(d.smmu.hazards.isEmpty)
  }

  @Test func s3GroupWithMixedSSIDBitsAttaches() throws {
    var d = Driver.make(.perMaster)
    d.probe("A", sid: SID.a, ssidBits: 20, group: "g")
    d.probe("P", sid: SID.p, ssidBits: 0, group: "g")
    d.newDomain("D", .paging)
    let t = d.ok { $0.attach(domain: "D", master: "A") }
    // A: 2-level table; leaf 0 is new, so its L1 descriptor + sync(CD: A, leaf=0); CD 0 with
    // 2 x sync(CD: A); STE 2 syncs. P: linear 64 B table, CD 0 2 x sync(CD: P); STE 2 syncs.
    // 1 + 2 + 2 + 2 + 2 = 9 syncs; every CFGI_CD goes to its own master only.
    #expect(t.syncs == 9)
    #expect(t.cfgiCDs.filter { $0.sid == SID.a }.map(\.leaf) == [false, true, true])
    #expect(t.cfgiCDs.filter { $0.sid == SID.p }.map(\.leaf) == [true, true])
    #expect(t.writes.filter { $0.target == .l1cd }.count == 1)
    let ta = try #require(d.masters["A"]?.cdTable)
    let tp = try #require(d.masters["P"]?.cdTable)
    // 2^20 CDs: 1024 L1 descriptors of 8 B (8 KiB) plus one 64 KiB leaf for CD 0.
    #expect(ta.format == .twoLevel && ta.root.requested == 8192)
    #expect(ta.leaves.count == 1 && ta.leaves.values.first?.requested == 65536)
    #expect(tp.format == .linear && tp.root.requested == 64)
    #expect(d.ste(SID.a)[StreamTableEntry.s1cdmax] == 20 && d.ste(SID.a)[StreamTableEntry.s1fmt] == 2)
    #expect(d.ste(SID.p)[StreamTableEntry.s1cdmax] == 0 && d.ste(SID.p)[StreamTableEntry.s1fmt] == 0)
    #expect(d.masters["P"]?.ridDomain == "D")
  }

  /// A (ssid_bits 20) and B (ssid_bits 0) on D; SVA domain S of mm M maps Addr.iova.
  static func svaSetup() -> Driver {
    var d = oneMasterOnD(aBits: 20)
    d.probe("B", sid: SID.b)
    d.ok { $0.attach(domain: "D", master: "B") }
    d.newDomain("S", .sva, mm: "M")
    d.ok { $0.map(domain: "S", iova: Addr.iova, pa: Addr.paMM) }
    return d
  }

  @Test func s4SVABindIsPrivateToTheMaster() throws {
    var d = Self.svaSetup()
    let t = d.ok { $0.attach(domain: "S", master: "A", pasid: 5) }
    // S gets its own ASID from asid_xa (D holds 1): 2. The SVA CD goes into A's table at 5:
    // leaf 0 (SSIDs 0-1023) exists, so no L1 write; 2 x sync(CD: A). The STE is already a
    // cdtable STE with the same ATS: no STE write.
    #expect(d.domains["S"]?.asid == 2)
    #expect(t.syncs == 2 && t.cfgiCDs.allSatisfy { $0.sid == SID.a && $0.ssid == 5 })
    #expect(t.count("CFGI_CD") == 2 && t.steWrites == 0)
    #expect(d.masters["A"]?.usedSSIDs == 1)
    #expect(d.domains["S"]?.devices.map { "\($0.master)@\($0.ssid)" } == ["A@5"])
    #expect(d.cd(in: d.masters["A"]?.cdTable, ssid: 5)?.asidValue == 2)
    #expect(d.read("A", pasid: 5)?.outcome == .translated(Addr.paMM))
    // B is unaffected: its STE has S1CDMax 0, so any PASID is C_BAD_SUBSTREAMID.
    let b = d.read("B", pasid: 5)
    #expect(b?.outcome == .aborted && b?.event?.type == .cBadSubstreamID)
    #expect(d.read("B")?.outcome == .translated(Addr.paD))
    // And B cannot bind at all: PASID 5 is beyond its ssid_bits 0.
    #expect(d.attach(domain: "S", master: "B", pasid: 5).error?.code == .einval)
    // Unbind: the CD is cleared (valid -> zero: 2 syncs), no ATS so no ATC_INV, (A,5)
    // leaves S, used_ssids back to 0; the RID is paging so the STE stays.
    let u = d.ok { $0.detach(master: "A", pasid: 5) }
    #expect(u.syncs == 2 && u.cfgiCDSIDs == [SID.a, SID.a] && u.steWrites == 0)
    #expect(d.masters["A"]?.usedSSIDs == 0 && d.domains["S"]?.devices.isEmpty == true)
    // Freeing S: TLBI_NH_ASID of its ASID + sync.
    let f = d.ok { $0.free(domain: "S") }
    #expect(f.commands == [.tlbiNHASID(vmid: 0, asid: 2), .sync])
    #expect(d.asids[2] == nil)
  }

  @Test func s5aPagingDomainAtPASIDUnderS1RID() throws {
    var d = Self.oneMasterOnD(aBits: 20)
    d.newDomain("D2", .paging)
    d.ok { $0.map(domain: "D2", iova: Addr.iova, pa: Addr.paD2) }
    let t = d.ok { $0.attach(domain: "D2", master: "A", pasid: 7) }
    // CD at SSID 7 with D2's ASID (2): 2 x sync(CD: A); the STE stays cdtable/SSID0.
    #expect(t.syncs == 2 && t.cfgiCDs.allSatisfy { $0.sid == SID.a && $0.ssid == 7 } && t.steWrites == 0)
    #expect(d.cd(in: d.masters["A"]?.cdTable, ssid: 7)?.asidValue == d.domains["D2"]?.asid)
    #expect(d.ste(SID.a).s1dssValue == .ssid0)
    #expect(d.domains["D2"]?.devices.map { "\($0.master)@\($0.ssid)" } == ["A@7"])
    #expect(d.read("A", pasid: 7)?.outcome == .translated(Addr.paD2))
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
  }

  @Test func s5bPASIDUnderIdentityRIDUsesS1DSSBypass() throws {
    var d = Self.oneMasterOnD(aBits: 20)  // A's table exists (and stays) from D
    d.newDomain("I", .identity)
    d.ok { $0.attach(domain: "I", master: "A") }
    #expect(d.ste(SID.a).configValue == .bypass)
    d.newDomain("D2", .paging)
    d.ok { $0.map(domain: "D2", iova: Addr.iova, pa: Addr.paD2) }
    let t = d.ok { $0.attach(domain: "D2", master: "A", pasid: 7) }
    // CD 7: 2 x sync(CD: A). STE bypass -> cdtable(S1DSS=BYPASS): bypass's used SHCFG
    // already holds the target value, so only q0 is critical: q1 (sync), q0 (sync). 4 syncs.
    #expect(t.count("CFGI_CD") == 2 && t.count("CFGI_STE") == 2 && t.syncs == 4)
    let ste = d.ste(SID.a)
    #expect(ste.configValue == .s1Translate && ste.s1dssValue == .bypass)
    #expect(ste[StreamTableEntry.shcfg] == StreamTableEntry.shcfgIncoming)
    // Untagged DMA skips stage 1; PASID 7 translates through D2.
    #expect(d.read("A")?.outcome == .bypassed(Addr.iova))
    #expect(d.read("A", pasid: 7)?.outcome == .translated(Addr.paD2))
    // Removing PASID 7: clear CD 7 (2 syncs); used_ssids is 0 and the RID is IDENTITY, so
    // identity is re-attached: cdtable(S1DSS-BYPASS) -> bypass, q0 flip then q1 cleanup
    // (2 syncs); CD 0 was already clear, so no more. 4 syncs.
    let r = d.ok { $0.detach(master: "A", pasid: 7) }
    #expect(r.count("CFGI_CD") == 2 && r.count("CFGI_STE") == 2 && r.syncs == 4)
    #expect(d.ste(SID.a).configValue == .bypass)
    #expect(d.masters["A"]?.cdTable != nil)  // kept until release
    #expect(d.read("A")?.outcome == .bypassed(Addr.iova))
  }

  @Test func s5cPASIDUnderS2RIDIsRejected() throws {
    var d = Driver.make(.perMaster)
    d.probe("A", sid: SID.a, ssidBits: 20)
    d.newDomain("X", .s2)
    d.newDomain("D2", .paging)
    d.ok { $0.attach(domain: "X", master: "A") }
    // An S2 STE has no CD table: set_pasid returns -EINVAL, before touching anything.
    let t = d.attach(domain: "D2", master: "A", pasid: 7)
    #expect(t.error?.code == .einval)
    #expect(t.writes.isEmpty && t.commands.isEmpty)
    #expect(d.ste(SID.a).configValue == .s2Translate)
  }

  @Test func s6ASIDChangeRewritesEveryCDHoldingIt() throws {
    var d = Self.oneMasterOnD(aBits: 20)
    d.probe("B", sid: SID.b, extraSIDs: [SID.b2])
    d.ok { $0.attach(domain: "D", master: "B") }
    d.ok { $0.attach(domain: "D", master: "A", pasid: 7) }  // D at A's RID and PASID 7
    _ = d.read("A")
    let t = d.ok { $0.changeASID(domain: "D", to: 100) }
    // One hitless 1-sync q0 store per master_domain entry (A@0, B@0, A@7), each CFGI_CD only
    // to that master's SIDs (B has two), then TLBI_NH_ASID(old 1) + sync: 4 syncs.
    #expect(t.cdWrites == 3 && t.cdInvalidations == 0)
    #expect(t.syncs == 4)
    #expect(
      t.cfgiCDs.map { "\($0.sid)@\($0.ssid)" } == ["\(SID.a)@0", "\(SID.b)@0", "\(SID.b2)@0", "\(SID.a)@7"])
    #expect(t.commands.suffix(2) == [.tlbiNHASID(vmid: 0, asid: 1), .sync])
    for (m, ssid) in [("A", UInt32(0)), ("B", 0), ("A", 7)] {
      #expect(d.cd(in: d.masters[m]?.cdTable, ssid: ssid)?.asidValue == 100)
    }
    #expect(d.asids[1] == nil && d.asids[100] == "D")
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    #expect(d.read("B")?.outcome == .translated(Addr.paD))
  }

  @Test func s7DetachLastDeviceWithoutPASIDs() throws {
    var d = Self.oneMasterOnD()
    let t = d.ok { $0.detach(master: "A") }
    // cdtable -> abort: q0 flip (sync), q1 cleanup (sync); commit drops (A,0) from D; then
    // CD 0 cleared: q0 = 0 (sync), q1/q3 (sync). 4 syncs.
    #expect(t.count("CFGI_STE") == 2 && t.count("CFGI_CD") == 2 && t.syncs == 4)
    #expect(t.count("PREFETCH_CFG") == 1)
    #expect(d.ste(SID.a).configValue == .abort)
    #expect(d.cd(in: d.masters["A"]?.cdTable, ssid: 0)?.isValid == false)
    #expect(d.masters["A"]?.cdTable != nil)  // stays until release
    #expect(d.domains["D"]?.devices.isEmpty == true)
    #expect(d.asids[1] == "D")  // freed only with D
    let r = d.read("A")
    #expect(r?.outcome == .aborted && r?.event == nil)  // abort STE: no event
  }

  @Test func s7DetachWithPASIDsTerminatesUntaggedTraffic() throws {
    var d = Self.oneMasterOnD(aBits: 20)
    d.newDomain("D2", .paging)
    d.ok { $0.map(domain: "D2", iova: Addr.iova, pa: Addr.paD2) }
    d.ok { $0.attach(domain: "D2", master: "A", pasid: 7) }
    let t = d.ok { $0.detach(master: "A") }
    // PASIDs in use: cdtable(SSID0) -> cdtable(S1DSS=TERMINATE), only S1DSS in q1 changes:
    // 1 sync; then CD 0 cleared: 2 syncs.
    #expect(t.count("CFGI_STE") == 1 && t.count("CFGI_CD") == 2 && t.syncs == 3)
    #expect(d.ste(SID.a).s1dssValue == .terminate)
    #expect(d.read("A")?.event?.type == .fStreamDisabled)
    #expect(d.read("A", pasid: 7)?.outcome == .translated(Addr.paD2))
  }

  @Test func s8SwitchBetweenS1DomainsIsABreakingCDUpdate() throws {
    var d = Self.oneMasterOnD()
    d.newDomain("E", .paging)
    d.ok { $0.map(domain: "E", iova: Addr.iova, pa: Addr.paE) }
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    let table = try #require(d.masters["A"]?.cdTable)
    let before = try #require(d.cd(in: table, ssid: 0))
    let t = d.ok { $0.attach(domain: "E", master: "A") }
    let after = try #require(d.cd(in: table, ssid: 0))
    // D's CD and E's CD differ in ASID (q0) and TTB0 (q1), both used by valid CDs: two
    // critical qwords, so V=0, q1, q0: 3 syncs. The STE (same table, no ATS) is unchanged:
    // no STE store, but install_ste still prefetches.
    #expect(EntryWriter(kind: .cd).analyse(current: before.qwords, target: after.qwords).diff == 0b11)
    #expect(t.syncs == 3 && t.cfgiCDSIDs == [SID.a, SID.a, SID.a])
    #expect(t.cdInvalidations == 1)
    #expect(t.steWrites == 0 && t.count("PREFETCH_CFG") == 1)
    #expect(d.domains["D"]?.devices.isEmpty == true)
    #expect(d.domains["E"]?.devices.map { "\($0.master)@\($0.ssid)" } == ["A@0"])
    #expect(d.read("A")?.outcome == .translated(Addr.paE))
  }

  @Test func s9S2FromAbortAndFromCDTable() throws {
    // From abort (no CD table): abort uses V/CFG only: q1-q3 (sync), q0 (sync); no CD.
    var d = Driver.make(.perMaster)
    d.probe("A", sid: SID.a)
    d.newDomain("X", .s2)
    d.ok { $0.map(domain: "X", iova: Addr.iova, pa: Addr.paS2) }
    let t = d.ok { $0.attach(domain: "X", master: "A") }
    #expect(
      t.syncs == 2 && t.count("CFGI_STE") == 2 && t.count("CFGI_CD") == 0 && t.count("PREFETCH_CFG") == 1)
    #expect(d.masters["A"]?.cdTable == nil && d.domains["X"]?.vmid == 1)
    #expect(d.read("A")?.outcome == .translated(Addr.paS2))
    // Unmap: TLBI_S2_IPA(VMID 1) + sync.
    let u = d.ok { $0.unmap(domain: "X", iova: Addr.iova) }
    #expect(u.commands == [.tlbiS2IPA(vmid: 1, address: Addr.iova, leaf: true, range: nil), .sync])
    #expect(d.read("A")?.outcome == .aborted)

    // From cdtable: KUnit's case uses VMID 0 (hitless, 3 syncs); a real S2 domain has VMID 1,
    // and S2VMID is used by the S1 STE too, so q0 and q2 are both critical: breaking,
    // 3 syncs. Then CD 0 is cleared (2 syncs); A's table stays.
    var e = Self.oneMasterOnD()
    e.newDomain("X", .s2)
    let s = e.ok { $0.attach(domain: "X", master: "A") }
    #expect(s.count("CFGI_STE") == 3 && s.count("CFGI_CD") == 2 && s.syncs == 5)
    #expect(s.steQ0Writes(config: .s2Translate) == 1)
    #expect(s.writes.contains { $0.target == .ste && $0.qword == 0 && $0.new == 0 })
    #expect(e.masters["A"]?.cdTable != nil)
  }

  @Test func s9S2AttachWithPASIDsIsBusy() throws {
    var d = Driver.make(.perMaster)
    d.probe("A", sid: SID.a, ssidBits: 20)
    d.newDomain("I", .identity)
    d.newDomain("D2", .paging)
    d.newDomain("X", .s2)
    d.ok { $0.attach(domain: "I", master: "A") }
    d.ok { $0.attach(domain: "D2", master: "A", pasid: 7) }
    let t = d.attach(domain: "X", master: "A")
    #expect(t.error?.code == .ebusy && t.writes.isEmpty && t.commands.isEmpty)
  }

  @Test func s10MMExitReleasesEachAttachmentsCD() throws {
    var d = Self.svaSetup()
    d.ok { $0.attach(domain: "S", master: "A", pasid: 5) }
    #expect(d.read("A", pasid: 5)?.outcome == .translated(Addr.paMM))
    let t = d.ok { $0.release(mm: "M") }
    // Per master_domain of S (only A@5): SVA CD -> released CD (EPD0, no TTB0, R/S clear),
    // 2 x sync(CD: A) (KUnit sva -> sva-release); then TLBI_NH_ASID(S's ASID 2) + sync; no
    // ATS so no ATC_INV. 3 syncs.
    #expect(t.cfgiCDs.map { "\($0.sid)@\($0.ssid)" } == ["\(SID.a)@5", "\(SID.a)@5"])
    #expect(t.count("TLBI_NH_ASID") == 1 && t.syncs == 3 && t.cdInvalidations == 0)
    let cd = try #require(d.cd(in: d.masters["A"]?.cdTable, ssid: 5))
    #expect(cd.isValid && cd.translationDisabled && cd[ContextDescriptor.r] == 0)
    // The TLB entry is gone; the miss hits EPD0: a silent abort (R=0, S=0), no C_BAD_CD.
    let r = d.read("A", pasid: 5)
    #expect(r?.outcome == .aborted && r?.event == nil)
  }
}
