import SMMUModel
import Testing

@testable import SMMUDriver

/// Scenarios S1-S10 of linux-driver.md §7 under the legacy design (Linux <= 6.6: the S1
/// domain owns one CD table). Every expected number is derived in a comment from §1.
struct LegacyScenarioTests {
  /// A (and B, if given) attached to a new S1 domain D that maps Addr.iova -> Addr.paD.
  static func onD(aBits: Int = 0, b: Bool = false, bATS: Bool = false, bExtraSID: Bool = false) -> Driver {
    var d = Driver.make(.legacy)
    d.probe("A", sid: SID.a, ssidBits: aBits)
    d.newDomain("D", .paging)
    d.ok { $0.attach(domain: "D", master: "A") }
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paD) }
    if b {
      d.probe("B", sid: SID.b, ssidBits: aBits, ats: bATS, extraSIDs: bExtraSID ? [SID.b2] : [])
      d.ok { $0.attach(domain: "D", master: "B") }
    }
    return d
  }

  @Test func s1FirstDeviceFinalisesTheDomainsTable() throws {
    var d = Driver.make(.legacy)
    d.probe("A", sid: SID.a)
    d.newDomain("D", .paging)
    let t = d.ok { $0.attach(domain: "D", master: "A") }
    // Finalise: ASID 1, D's 64 B table, CD 0 installed as words 1-3 + sync, word 0 + sync;
    // D's device list is still empty, so both are bare CMD_SYNCs. Then the STE: word 1,
    // sync(STE), word 0, sync(STE), PREFETCH.
    #expect(
      t.commands.map(\.name) == [
        "CMD_SYNC", "CMD_SYNC", "CFGI_STE", "CMD_SYNC", "CFGI_STE", "CMD_SYNC", "PREFETCH_CFG",
      ])
    #expect(t.cdWrites == 4)  // words 1, 2, 3, then 0
    #expect(t.steWrites == 2)
    let table = try #require(d.domains["D"]?.legacyCDTable)
    #expect(table.format == .linear && table.root.requested == 64 && table.occupiedBytes == 4096)
    #expect(d.masters["A"]?.cdTable == nil)
    #expect(d.domains["D"]?.asid == 1 && d.domains["D"]?.legacyS1CDMax == 0)
    #expect(d.ste(SID.a).contextPointer == table.root.base)
    #expect(d.ste(SID.a).s1dssValue == .ssid0)
    d.ok { $0.map(domain: "D", iova: Addr.iova, pa: Addr.paD) }
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
  }

  @Test func s2SecondDeviceSharesTheTable() throws {
    var d = Self.onD()
    d.probe("B", sid: SID.b, ats: true)
    let t = d.ok { $0.attach(domain: "D", master: "B") }
    // No CD write, no new memory; B's STE points at D's table: 2 x sync(STE) + PREFETCH;
    // then ATS: ATC_INV for every ATS master of D (only B) + sync. 3 syncs.
    #expect(t.cdWrites == 0 && t.count("CFGI_CD") == 0)
    #expect(t.count("CFGI_STE") == 2 && t.count("PREFETCH_CFG") == 1 && t.count("ATC_INV") == 1)
    #expect(t.syncs == 3)
    #expect(d.smmu.memory.requestedBytes(.cdTable) == 64)
    #expect(d.ste(SID.b).contextPointer == d.ste(SID.a).contextPointer)
    #expect(d.ste(SID.b).contextPointer == d.domains["D"]?.legacyCDTable?.root.base)
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
    #expect(d.read("B")?.outcome == .translated(Addr.paD))
    // Unmap: one TLBI_NH_VA + sync, then ATC_INV (no SSV) for B + sync.
    let u = d.ok { $0.unmap(domain: "D", iova: Addr.iova) }
    #expect(u.count("TLBI_NH_VA") == 1 && u.syncs == 2)
    #expect(u.commands.contains(.atcInv(sid: SID.b, ssid: nil, address: Addr.iova, size: 0)))
    #expect(d.read("B")?.outcome == .aborted)
  }

  @Test func s2MismatchedMastersCannotJoin() throws {
    var d = Self.onD()
    // s1cdmax was fixed at 0 by A: a master with ssid_bits 8 is refused.
    d.probe("C", sid: SID.c, ssidBits: 8)
    #expect(d.attach(domain: "D", master: "C").error?.code == .einval)
    // So is one whose stall setting differs from the domain's (copied from A: off).
    d.probe("S", sid: 0x50, stall: true)
    #expect(d.attach(domain: "D", master: "S").error?.code == .einval)
    #expect(d.domains["D"]?.devices.map(\.master) == ["A"])
  }

  @Test func s3GroupFailsOnSSIDBitsMismatch() throws {
    var d = Driver.make(.legacy)
    d.probe("A", sid: SID.a, ssidBits: 20, group: "g")
    d.probe("P", sid: SID.p, ssidBits: 0, group: "g")
    d.newDomain("D", .paging)
    let t = d.attach(domain: "D", master: "A")
    // A goes first and fixes s1cdmax = 20: a 2-level table, its leaf's L1 descriptor + bare
    // sync, CD 0 with 2 bare syncs; STE 2 syncs. P's ssid_bits 0 != 20: -EINVAL, and the
    // group rolls A back to blocked: abort STE, 1 sync. 3 + 2 + 1 = 6 syncs.
    #expect(t.error?.code == .einval)
    #expect(t.syncs == 6 && t.count("CFGI_CD") == 0)
    #expect(d.masters["A"]?.ridDomain == nil && d.masters["P"]?.ridDomain == nil)
    #expect(d.ste(SID.a).configValue == .abort)
    let table = try #require(d.domains["D"]?.legacyCDTable)
    #expect(table.format == .twoLevel && table.root.requested == 8192)
    #expect(table.leaves.count == 1 && table.leaves.values.first?.requested == 65536)
  }

  @Test func s3WhicheverAttachesFirstFixesS1CDMax() throws {
    var d = Driver.make(.legacy)
    d.probe("P", sid: SID.p, ssidBits: 0, group: "g")
    d.probe("A", sid: SID.a, ssidBits: 20, group: "g")
    d.newDomain("D", .paging)
    #expect(d.attach(domain: "D", master: "A").error?.code == .einval)
    // P went first: D's table is a linear 64 B one, and A can never join it.
    let table = try #require(d.domains["D"]?.legacyCDTable)
    #expect(table.format == .linear && table.root.requested == 64)
  }

  /// A and B (ssid_bits 20) on D; SVA domain S of mm M maps Addr.iova.
  static func svaSetup() -> Driver {
    var d = onD(aBits: 20, b: true)
    d.newDomain("S", .sva, mm: "M")
    d.ok { $0.map(domain: "S", iova: Addr.iova, pa: Addr.paMM) }
    return d
  }

  @Test func s4SVABindIsVisibleToEveryMasterOfTheDomain() throws {
    var d = Self.svaSetup()
    let t = d.ok { $0.attach(domain: "S", master: "A", pasid: 5) }
    // The CD (CPU ASID, ASET=0) goes into D's table at SSID 5: leaf 0 already there; words
    // 1-3 + sync(CD: A, B), word 0 + sync(CD: A, B). No STE write.
    let cpuASID = try #require(d.addressSpaces["M"]?.cpuASID)
    #expect(t.cdWrites == 4 && t.syncs == 2 && t.steWrites == 0)
    #expect(
      t.cfgiCDs.map { "\($0.sid)@\($0.ssid)" } == ["\(SID.a)@5", "\(SID.b)@5", "\(SID.a)@5", "\(SID.b)@5"])
    let cd = try #require(d.cd(in: d.domains["D"]?.legacyCDTable, ssid: 5))
    #expect(cd.asidValue == cpuASID && cd[ContextDescriptor.aset] == 0)
    // B never bound M, yet PASID 5 reaches M through D's shared table.
    #expect(d.read("B", pasid: 5)?.outcome == .translated(Addr.paMM))
    #expect(d.read("A", pasid: 5)?.outcome == .translated(Addr.paMM))
    // Binding B later reuses the (D, M) notifier: nothing written.
    let b = d.ok { $0.attach(domain: "S", master: "B", pasid: 5) }
    #expect(b.writes.isEmpty && b.syncs == 0)
    // Unbinding A only drops a reference.
    let ua = d.ok { $0.detach(master: "A", pasid: 5) }
    #expect(ua.writes.isEmpty && ua.commands.isEmpty)
    #expect(d.read("B", pasid: 5)?.outcome == .translated(Addr.paMM))
    // The last unbind: word 0 = 0 + sync(CD: A, B), TLBI_NH_ASID(CPU ASID) + sync; no ATS.
    let ub = d.ok { $0.detach(master: "B", pasid: 5) }
    #expect(ub.cdWrites == 1 && ub.syncs == 2 && ub.cfgiCDSIDs == [SID.a, SID.b])
    #expect(ub.commands.contains(.tlbiNHASID(vmid: 0, asid: cpuASID)))
    #expect(d.asids[cpuASID] == nil)
    #expect(d.read("A", pasid: 5)?.event?.type == .cBadCD)
  }

  @Test func s5PagingDomainAtPASIDIsNotSupported() throws {
    var d = Self.onD(aBits: 20)
    d.newDomain("D2", .paging)
    // set_dev_pasid exists only for SVA domains in this design.
    let t = d.attach(domain: "D2", master: "A", pasid: 7)
    #expect(t.error?.code == .eopnotsupp && t.writes.isEmpty && t.commands.isEmpty)
  }

  @Test func s6ASIDChangeIsOneStoreFannedOut() throws {
    var d = Self.onD(b: true, bExtraSID: true)
    _ = d.read("A")
    let t = d.ok { $0.changeASID(domain: "D", to: 100) }
    // Case (3): one 64-bit word-0 store in D's single table, one sync carrying CFGI_CD for
    // every SID of every master (A; B's two); then TLBI_NH_ASID(old 1) + sync.
    #expect(t.cdWrites == 1 && t.syncs == 2)
    #expect(t.cfgiCDSIDs == [SID.a, SID.b, SID.b2] && t.cfgiCDs.allSatisfy { $0.ssid == 0 })
    #expect(t.commands.suffix(2) == [.tlbiNHASID(vmid: 0, asid: 1), .sync])
    #expect(d.cd(in: d.domains["D"]?.legacyCDTable, ssid: 0)?.asidValue == 100)
    #expect(d.asids[1] == nil && d.asids[100] == "D")
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
  }

  @Test func s6ShareASIDMovesThePrivateDomain() throws {
    var d = Self.onD(aBits: 20, b: true)
    // Make D hold the ASID the CPU will give mm M (the first mm's CPU ASID, 0x8000).
    d.ok { $0.changeASID(domain: "D", to: 0x8000) }
    d.newDomain("S", .sva, mm: "M")
    #expect(d.addressSpaces["M"]?.cpuASID == 0x8000)
    d.ok { $0.map(domain: "S", iova: Addr.iova, pa: Addr.paMM) }
    #expect(d.read("A")?.outcome == .translated(Addr.paD))  // TLB: ASID 0x8000 -> D's table
    let t = d.ok { $0.attach(domain: "S", master: "A", pasid: 5) }
    // share_asid: D moves to the lowest free ASID (1): word 0 of CD 0 + sync(CD: A, B), then
    // TLBI_NH_ASID(0x8000) + sync. Then the SVA CD at 5: 4 stores, 2 x sync(CD: A, B).
    #expect(t.cdWrites == 5 && t.syncs == 4 && t.count("CFGI_CD") == 6)
    #expect(t.count("TLBI_NH_ASID") == 1 && t.commands.contains(.tlbiNHASID(vmid: 0, asid: 0x8000)))
    #expect(d.domains["D"]?.asid == 1 && d.asids[0x8000] == "mm:M")
    // Without the TLBI, PASID 5 (ASID 0x8000) would hit D's old TLB entry.
    #expect(d.read("A", pasid: 5)?.outcome == .translated(Addr.paMM))
    #expect(d.read("A")?.outcome == .translated(Addr.paD))
  }

  @Test func s7DetachLastDeviceKeepsTableAndASID() throws {
    var d = Self.onD()
    _ = d.read("A")
    let t = d.ok { $0.detach(master: "A") }
    // ABORT STE: words 0, 1, 2 and one sync(STE); no CD change, no PREFETCH.
    #expect(t.commands == [.cfgiSTE(sid: SID.a, leaf: true), .sync])
    #expect(t.steWrites == 3 && t.cdWrites == 0)
    let table = try #require(d.domains["D"]?.legacyCDTable)
    #expect(d.cd(in: table, ssid: 0)?.isValid == true)
    #expect(d.asids[1] == "D")
    let r = d.read("A")
    #expect(r?.outcome == .aborted && r?.event == nil)
    // Freeing D frees its table and releases the ASID.
    d.ok { $0.free(domain: "D") }
    #expect(d.smmu.memory.allocations[table.root.base] == nil)
    #expect(d.asids.isEmpty)
  }

  @Test func s8SwitchGoesThroughAbort() throws {
    var d = Self.onD()
    d.newDomain("E", .paging)
    d.ok { $0.map(domain: "E", iova: Addr.iova, pa: Addr.paE) }
    // E is finalised (and its CD 0 written) by an earlier attach of C, which then left.
    d.probe("C", sid: SID.c)
    d.ok { $0.attach(domain: "E", master: "C") }
    d.ok { $0.detach(master: "C") }
    let t = d.ok { $0.attach(domain: "E", master: "A") }
    // Detach: ABORT STE, 1 sync (DMA aborts in this window); then the S1 STE: word 1 +
    // sync, word 0 + sync, PREFETCH. No CD write: E's CD 0 is already there.
    #expect(t.syncs == 3 && t.count("CFGI_STE") == 3 && t.count("PREFETCH_CFG") == 1)
    #expect(t.cdWrites == 0)
    #expect(t.steQ0Writes(config: .abort) == 1)
    #expect(d.ste(SID.a).contextPointer == d.domains["E"]?.legacyCDTable?.root.base)
    #expect(d.read("A")?.outcome == .translated(Addr.paE))
  }

  @Test func s9S2DomainHasNoCDTable() throws {
    var d = Driver.make(.legacy)
    d.probe("A", sid: SID.a)
    d.newDomain("X", .s2)
    d.ok { $0.map(domain: "X", iova: Addr.iova, pa: Addr.paS2) }
    let t = d.ok { $0.attach(domain: "X", master: "A") }
    // VMID 1; words 2-3 (word 1 already holds what S2 wants), sync, word 0, sync, PREFETCH.
    #expect(t.steWrites == 3 && t.syncs == 2 && t.count("PREFETCH_CFG") == 1 && t.cdWrites == 0)
    #expect(d.domains["X"]?.vmid == 1 && d.domains["X"]?.legacyCDTable == nil)
    #expect(d.smmu.memory.requestedBytes(.cdTable) == 0)
    #expect(d.read("A")?.outcome == .translated(Addr.paS2))
    let u = d.ok { $0.unmap(domain: "X", iova: Addr.iova) }
    #expect(u.commands == [.tlbiS2IPA(vmid: 1, address: Addr.iova, leaf: true, range: nil), .sync])
  }

  @Test func s10MMExitQuietsTheSharedCD() throws {
    var d = Self.svaSetup()
    d.ok { $0.attach(domain: "S", master: "A", pasid: 5) }
    #expect(d.read("A", pasid: 5)?.outcome == .translated(Addr.paMM))
    let cpuASID = try #require(d.addressSpaces["M"]?.cpuASID)
    let t = d.ok { $0.release(mm: "M") }
    // quiet_cd: EPD0 set in word 0 (V kept), 1 x sync(CD: A, B); TLBI_NH_ASID + sync.
    #expect(t.cdWrites == 1 && t.syncs == 2 && t.cfgiCDSIDs == [SID.a, SID.b])
    #expect(t.commands.contains(.tlbiNHASID(vmid: 0, asid: cpuASID)))
    let cd = try #require(d.cd(in: d.domains["D"]?.legacyCDTable, ssid: 5))
    #expect(cd.isValid && cd.translationDisabled)
    // No C_BAD_CD: the miss hits EPD0, a translation fault, recorded because R=1.
    #expect(d.read("A", pasid: 5)?.event?.type == .fTranslation)
    #expect(d.read("B", pasid: 5)?.event?.type == .fTranslation)
  }
}
