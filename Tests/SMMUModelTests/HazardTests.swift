import SMMUModel
import Testing

/// Each hazard kind, provoked on purpose, and the correct sequence that avoids it.
@Suite struct HazardTests {
  typealias S = StreamTableEntry

  // MARK: (a) missing invalidation

  @Test func rewrittenCDWithoutCFGICDIsAMissingInvalidation() {
    var (rig, _, table) = Rig.standard()
    rig.translate(sid: 1)
    // Change the MAIR (word 3) of the cached CD 0 in memory, with no CFGI_CD.
    rig.store(table.base + 24, 0xFF)
    rig.smmu.submit([.sync])
    let r = rig.translate(sid: 1)
    let h = r.hazards.first { $0.kind == .missingInvalidation }
    #expect(h != nil)
    #expect(h?.missing == "CFGI_CD sid=0x1 ssid=0")
    #expect(h?.entry == "CD sid 0x1 ssid 0")
    #expect(rig.smmu.hazards.contains { $0.kind == .missingInvalidation })
  }

  @Test func cdChangeWithCFGICDIsClean() {
    var (rig, _, table) = Rig.standard()
    rig.translate(sid: 1)
    rig.store(table.base + 24, 0xFF)
    rig.smmu.submit([.cfgiCD(sid: 1, ssid: 0, leaf: true), .sync])
    #expect(rig.translate(sid: 1).hazards.isEmpty)
    #expect(rig.smmu.hazards.isEmpty)
  }

  @Test func rewrittenSTEWithoutCFGISTEIsAMissingInvalidation() {
    var (rig, _, _) = Rig.standard()
    rig.translate(sid: 1)
    rig.store(rig.steAddress(1) + 8, Rig.s1STE(cdTable: 0, ats: true).qwords[1])
    let r = rig.translate(sid: 1)
    #expect(r.hazards.contains { $0.kind == .missingInvalidation && $0.missing == "CFGI_STE sid=0x1" })
  }

  @Test func unmapWithoutTLBIIsAMissingInvalidation() {
    var (rig, root, _) = Rig.standard()
    rig.translate(sid: 1)
    rig.unmap(Fixture.va, root: root)
    let stale = rig.translate(sid: 1)
    // The TLB still serves the old page; memory says it is gone.
    #expect(stale.outcome == .translated(Fixture.pa))
    let h = stale.hazards.first
    #expect(h?.kind == .missingInvalidation)
    #expect(h?.missing.hasPrefix("TLBI_NH_VA asid=1") == true)
    rig.smmu.submit([.tlbiNHVA(vmid: 0, asid: 1, address: Fixture.va, leaf: true, range: nil), .sync])
    let fresh = rig.translate(sid: 1)
    #expect(fresh.event?.type == .fTranslation)
    #expect(fresh.hazards.isEmpty)
  }

  @Test func unmapWithoutATCInvIsAMissingInvalidation() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.attachS1(sid: 1, asid: 1, root: root, ats: true)
    rig.smmu.setEndpointATS(sid: 1, enabled: true)
    rig.translate(sid: 1)
    rig.unmap(Fixture.va, root: root)
    rig.smmu.submit([.tlbiNHVA(vmid: 0, asid: 1, address: Fixture.va, leaf: true, range: nil), .sync])
    let stale = rig.translate(sid: 1)
    #expect(stale.servedBy == "ATC")
    #expect(stale.hazards.first?.kind == .missingInvalidation)
    #expect(stale.hazards.first?.missing.hasPrefix("ATC_INV sid=0x1") == true)
    rig.smmu.submit([.atcInv(sid: 1, ssid: nil, address: Fixture.va, size: 0), .sync])
    let fresh = rig.translate(sid: 1)
    #expect(fresh.outcome == .aborted)
    #expect(fresh.hazards.isEmpty)
  }

  // MARK: (b) torn update

  /// Target of the STE rewrite: a new CD-table pointer (word 0) and a new S1CIR (word 1).
  static func retarget(_ rig: inout Rig) -> (tableB: Allocation, target: StreamTableEntry) {
    let tableB = rig.allocateCDTable(owner: "cd-table B")
    rig.writeCD(Rig.s1CD(asid: 2, ttb0: rig.newPageTable()), table: tableB)
    rig.smmu.settle()
    var target = Rig.s1STE(cdTable: tableB.base)
    target[S.s1cir] = 2
    return (tableB, target)
  }

  @Test func twoQwordsOfAValidSTEWithoutSyncIsATornUpdate() {
    var (rig, _, _) = Rig.standard()
    let (_, target) = Self.retarget(&rig)
    #expect(rig.smmu.hazards.isEmpty)
    rig.store(rig.steAddress(1), target.qwords[0])
    rig.store(rig.steAddress(1) + 8, target.qwords[1])
    rig.smmu.submit([.sync])
    let torn = rig.smmu.hazards.filter { $0.kind == .tornUpdate }
    #expect(torn.count == 1)
    #expect(torn.first?.entry == "STE sid 0x1")
  }

  @Test func breakBeforeMakeSTEUpdateIsClean() {
    var (rig, _, _) = Rig.standard()
    let (_, target) = Self.retarget(&rig)
    let ste = rig.steAddress(1)
    rig.store(ste, 0)  // V = 0
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    rig.store(ste + 8, target.qwords[1])
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    rig.store(ste, target.qwords[0])  // V = 1 with the new pointer
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    #expect(rig.smmu.hazards.isEmpty)
  }

  @Test func invalidIntermediateStatesAreNotTorn() {
    var (rig, _, _) = Rig.standard()
    let (_, target) = Self.retarget(&rig)
    let ste = rig.steAddress(1)
    // Several stores in one window, but every intermediate state has V = 0.
    rig.store(ste, 0)
    rig.store(ste + 8, target.qwords[1])
    rig.store(ste, target.qwords[0])
    rig.smmu.submit([.sync])
    #expect(rig.smmu.hazards.isEmpty)
  }

  @Test func halfUpdatePublishedBySyncIsTornAtTheEndOfTheOperation() {
    var (rig, _, _) = Rig.standard()
    let (_, target) = Self.retarget(&rig)
    let ste = rig.steAddress(1)
    // Word 0 (new table) published by a sync while word 1 still holds the old S1CIR: the
    // state at that sync is a mix of old and new qwords, equal to neither in used bits.
    rig.store(ste, target.qwords[0])
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    #expect(rig.smmu.hazards.isEmpty)  // each window alone looks fine
    rig.store(ste + 8, target.qwords[1])
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    rig.smmu.settle()  // the driver operation ends
    let torn = rig.smmu.hazards.filter { $0.kind == .tornUpdate }
    #expect(torn.count == 1)
    #expect(torn.first?.entry == "STE sid 0x1")
  }

  @Test func thirdConfigurationBetweenSyncsIsNotTorn() {
    var (rig, _, _) = Rig.standard()
    let (_, target) = Self.retarget(&rig)
    let ste = rig.steAddress(1)
    // The legacy driver's domain switch: translation -> abort -> translation, each synced.
    // It writes the abort word 0 first, then words 1 and 2.
    let abort = Rig.abortSTE().qwords
    for i in 0..<3 { rig.store(ste + UInt64(i * 8), abort[i]) }
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    rig.store(ste + 8, target.qwords[1])
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    rig.store(ste, target.qwords[0])
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    rig.smmu.settle()
    #expect(rig.smmu.hazards.isEmpty)
  }

  @Test func unusedBitsFirstThenCriticalQwordIsClean() {
    var (rig, _, _) = Rig.standard()
    let (tableB, _) = Self.retarget(&rig)
    let ste = rig.steAddress(1)
    // Only word 0 changes in used bits: one store, then a sync (the hitless path).
    rig.store(ste, Rig.s1STE(cdTable: tableB.base).qwords[0])
    rig.smmu.submit([.sync])
    #expect(rig.smmu.hazards.isEmpty)
  }

  @Test func tornCDUpdateIsDetected() {
    var (rig, _, table) = Rig.standard()
    let target = Rig.s1CD(asid: 9, ttb0: rig.newPageTable())
    rig.store(table.base + 8, target.qwords[1])
    rig.store(table.base, target.qwords[0])
    rig.smmu.settle()
    let torn = rig.smmu.hazards.filter { $0.kind == .tornUpdate }
    #expect(torn.count == 1)
    #expect(torn.first?.entry == "CD ssid 0 of cd-table of sid 1")
  }

  // MARK: (c) ASID reuse

  @Test func newTableUnderTheSameASIDWithoutTLBIIsASIDReuse() {
    var rig = Rig()
    let rootA = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: rootA)
    let rootB = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa2, root: rootB)
    let table = rig.attachS1(sid: 1, asid: 5, root: rootA)
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
    // Point CD 0 at table B, keeping ASID 5: word 1 only, then CFGI_CD + sync, no TLBI.
    rig.store(table.base + 8, Rig.s1CD(asid: 5, ttb0: rootB).qwords[1])
    rig.smmu.submit([.cfgiCD(sid: 1, ssid: 0, leaf: true), .sync])
    let r = rig.translate(sid: 1)
    #expect(r.servedBy == "TLB")
    #expect(r.outputAddress == Fixture.pa)
    let h = r.hazards.first { $0.kind == .asidReuse }
    #expect(h != nil)
    #expect(h?.missing.hasPrefix("TLBI_NH_ASID asid=5") == true)
    #expect(r.hazards.allSatisfy { $0.kind == .asidReuse })

    rig.smmu.submit([.tlbiNHASID(vmid: 0, asid: 5), .sync])
    let fresh = rig.translate(sid: 1)
    #expect(fresh.outputAddress == Fixture.pa2)
    #expect(fresh.hazards.isEmpty)
  }

  // MARK: (d) use after free

  @Test func freeingACDTableStillInAnSTEIsUseAfterFree() {
    var (rig, _, table) = Rig.standard()
    rig.translate(sid: 1)
    do { try rig.smmu.free(table.base) } catch { Issue.record("free failed: \(error)") }
    let uaf = rig.smmu.hazards.filter { $0.kind == .useAfterFree }
    #expect(uaf.contains { $0.entry == "STE sid 0x1 S1ContextPtr" })
    #expect(uaf.contains { $0.entry == "cached CD sid 0x1 ssid 0" })
    #expect(rig.smmu.memory.allocation(containing: table.base) == nil)
  }

  @Test func freeingAfterUnlinkingAndInvalidatingIsClean() {
    var (rig, _, table) = Rig.standard()
    rig.translate(sid: 1)
    rig.store(rig.steAddress(1), Rig.abortSTE().qwords[0])
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    do { try rig.smmu.free(table.base) } catch { Issue.record("free failed: \(error)") }
    #expect(rig.smmu.hazards.isEmpty)
    #expect(rig.translate(sid: 1).outcome == .aborted)
  }

  @Test func freeingAPageTableStillInACDIsUseAfterFree() {
    var (rig, root, _) = Rig.standard()
    rig.translate(sid: 1)
    do { try rig.smmu.free(root) } catch { Issue.record("free failed: \(error)") }
    let uaf = rig.smmu.hazards.filter { $0.kind == .useAfterFree }
    #expect(uaf.contains { $0.entry == "CD ssid 0 of cd-table of sid 1 TTB0" })
    #expect(uaf.contains { $0.entry.hasPrefix("TLB S1 vmid 0 asid 1") })
  }

  @Test func doubleFreeThrows() {
    var (rig, _, table) = Rig.standard()
    rig.store(rig.steAddress(1), 0)
    rig.smmu.settle()
    #expect(throws: MemoryError.doubleFree(table.base + 64)) { try rig.smmu.free(table.base + 64) }
  }

  @Test func hazardDescriptions() {
    let h = Hazard(kind: .asidReuse, entry: "TLB x", transaction: "dma", missing: "TLBI_NH_ASID asid=5")
    #expect(h.description == "asid-reuse: TLB x seen by dma; missing TLBI_NH_ASID asid=5")
    #expect(
      Hazard.Kind.allCases.map(\.rawValue) == [
        "missing-invalidation", "torn-update", "asid-reuse", "use-after-free",
      ])
  }
}
