import SMMUModel
import Testing

/// The translation path: configuration cache, TLB (shared by ASID), ATC, stage 2 and nesting
/// (smmuv3-hardware.md §2-§4; checklist items 9-12, 22).
@Suite struct TranslationTests {
  @Test func firstTranslationWalksThenTheTLBServes() {
    var (rig, _, _) = Rig.standard()
    let first = rig.translate(sid: 1, va: Fixture.va + 0x234)
    #expect(first.outcome == .translated(Fixture.pa + 0x234))
    #expect(first.servedBy == "walk")
    #expect(first.event == nil && first.hazards.isEmpty)
    #expect(!first.path.isEmpty)
    // One descriptor read per level of the 4-level table.
    #expect(rig.smmu.counters.walkReads == [1, 1, 1, 1])
    #expect(rig.smmu.counters.steFetches == 1 && rig.smmu.counters.cdFetches == 1)
    #expect(rig.tlbKeys == [.s1(asid: 1, va: Fixture.va)])

    let second = rig.translate(sid: 1, va: Fixture.va + 0x10)
    #expect(second.outcome == .translated(Fixture.pa + 0x10))
    #expect(second.servedBy == "TLB")
    #expect(second.summary == "-> 0x80000010 (TLB)")
    #expect(rig.smmu.counters.walkReads == [1, 1, 1, 1])
    // STE and CD came from the configuration cache.
    #expect(rig.smmu.counters.steFetches == 1 && rig.smmu.counters.cdFetches == 1)
    #expect(rig.smmu.configCache.stats.hits == 2)
    #expect(rig.smmu.tlb.stats.hits == 1)
    #expect(rig.smmu.counters.transactions == 2 && rig.smmu.counters.translated == 2)
  }

  /// Item 9 (second half): a CD written before its STE became valid is used without CFGI_CD.
  @Test func noInvalidationIsNeededForANewlyReachableCD() {
    var (rig, _, _) = Rig.standard()
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
    #expect(rig.smmu.commandQueue.cons == 0)
  }

  /// Item 12: TLB entries carry no SID. Stream 2, whose CD has the same ASID, hits stream 1's
  /// entry; one TLBI_NH_ASID clears it for both.
  @Test func streamsSharingAnASIDShareTLBEntries() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.attachS1(sid: 1, asid: 7, root: root)
    rig.attachS1(sid: 2, asid: 7, root: root)
    #expect(rig.translate(sid: 1).servedBy == "walk")
    let r = rig.translate(sid: 2)
    #expect(r.servedBy == "TLB")
    #expect(r.outcome == .translated(Fixture.pa))
    #expect(r.hazards.isEmpty)
    #expect(rig.smmu.tlb.count == 1)
    #expect(rig.tlbKeys == [.s1(asid: 7, va: Fixture.va)])
    #expect(rig.smmu.counters.walkReads == [1, 1, 1, 1])

    rig.smmu.submit([.tlbiNHASID(vmid: 0, asid: 7), .sync])
    #expect(rig.smmu.tlb.count == 0)
    #expect(rig.translate(sid: 2).servedBy == "walk")
    #expect(rig.smmu.tlb.count == 1)
    #expect(rig.translate(sid: 1).servedBy == "TLB")
  }

  @Test func differentASIDsDoNotShare() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.attachS1(sid: 1, asid: 7, root: root)
    rig.attachS1(sid: 2, asid: 8, root: root)
    rig.translate(sid: 1)
    #expect(rig.translate(sid: 2).servedBy == "walk")
    #expect(rig.smmu.tlb.count == 2)
  }

  @Test func globalPagesGetGlobalEntries() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root, global: true)
    rig.attachS1(sid: 1, asid: 7, root: root)
    rig.translate(sid: 1)
    #expect(rig.tlbKeys == [.global(va: Fixture.va)])
  }

  @Test func tlbEvictsLeastRecentlyUsedTranslations() {
    var features = SMMUFeatures()
    features.tlbEntries = 2
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    for i: UInt64 in 1...3 { rig.map(i << 12, to: Fixture.pa + (i << 12), root: root) }
    rig.attachS1(sid: 1, asid: 1, root: root)
    rig.translate(sid: 1, va: 0x1000)
    rig.translate(sid: 1, va: 0x2000)
    rig.translate(sid: 1, va: 0x1000)  // hit: 0x2000 is now the oldest
    rig.translate(sid: 1, va: 0x3000)
    #expect(rig.tlbKeys == [.s1(asid: 1, va: 0x1000), .s1(asid: 1, va: 0x3000)])
    #expect(rig.smmu.tlb.stats.evictions == 1)
    #expect(rig.translate(sid: 1, va: 0x2000).servedBy == "walk")
  }

  // MARK: Stage 2 and nesting

  @Test func stage2TranslatesIPAsTaggedByVMID() {
    var rig = Rig()
    let s2 = rig.newPageTable()
    rig.map(0x1000, to: 0xA000_0000, root: s2, stage2: true)
    rig.writeSTE(Rig.s2STE(vmid: 2, root: s2), sid: 1)
    let r = rig.translate(sid: 1, va: 0x1008)
    #expect(r.outcome == .translated(0xA000_0008))
    #expect(rig.tlbKeys == [.s2(vmid: 2, ipa: 0x1000)])
    #expect(rig.smmu.counters.cdFetches == 0)
    #expect(rig.translate(sid: 1, va: 0x1000).servedBy == "TLB")
  }

  @Test func nestedComposesBothStages() {
    var rig = Rig.nested().rig
    let r = rig.translate(sid: 1, va: 0x1010)
    #expect(r.outcome == .translated(0xB000_0010))
    #expect(rig.tlbKeys == [TLBKey(kind: .nested, vmid: 4, asid: 9, page: 1)])
    #expect(rig.translate(sid: 1, va: 0x1000).servedBy == "TLB")
  }

  /// A combined entry must not grant a write that stage 2 forbids.
  @Test func nestedEntryKeepsStage2ReadOnly() {
    var rig = Rig.nested(stage2Writable: false).rig
    #expect(rig.translate(sid: 1, va: 0x1000, write: true).outcome == .aborted)
    #expect(rig.translate(sid: 1, va: 0x1000).outputAddress == 0xB000_0000)
    // The read filled the TLB; a write must still fault.
    let w = rig.translate(sid: 1, va: 0x1000, write: true)
    #expect(w.outcome == .aborted)
    #expect(w.event?.type == .fPermission)
  }

  // MARK: Configuration caching

  /// Item 9, mode A (architecture): an STE seen invalid stays cached, so making it valid
  /// without CFGI_STE keeps giving C_BAD_STE.
  @Test func invalidSTEIsCachedInArchitectureMode() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    #expect(rig.translate(sid: 1).event?.type == .cBadSTE)
    #expect(rig.configKeys == [.ste(sid: 1)])
    rig.attachS1(sid: 1, asid: 1, root: root)
    #expect(rig.translate(sid: 1).event?.type == .cBadSTE)
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
  }

  /// Item 9, mode B (QEMU): failures are never cached.
  @Test func invalidSTEIsNotCachedInQEMUMode() {
    var features = SMMUFeatures()
    features.cachesInvalidEntries = false
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    #expect(rig.translate(sid: 1).event?.type == .cBadSTE)
    #expect(rig.configKeys.isEmpty)
    rig.attachS1(sid: 1, asid: 1, root: root)
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
  }

  /// Item 10: ABORT -> stage 1 without CFGI_STE keeps the old behaviour (in both modes).
  @Test(arguments: [true, false])
  func abortToS1WithoutCFGIKeepsAborting(cachesInvalid: Bool) {
    var features = SMMUFeatures()
    features.cachesInvalidEntries = cachesInvalid
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.writeSTE(Rig.abortSTE(), sid: 1)
    rig.smmu.settle()
    #expect(rig.translate(sid: 1).outcome == .aborted)
    let table = rig.allocateCDTable()
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root), table: table)
    // A 1-qword change of a valid entry: hitless, but the cached abort STE is still used.
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 1)
    let r = rig.translate(sid: 1)
    #expect(r.outcome == .aborted)
    #expect(r.event == nil)
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
  }

  // MARK: ATS

  @Test func atcFillsOnlyWhenTheSTEAllowsATS() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.attachS1(sid: 1, asid: 1, root: root, ats: false)
    rig.attachS1(sid: 2, asid: 2, root: root, ats: true)
    rig.smmu.setEndpointATS(sid: 1, enabled: true)
    rig.smmu.setEndpointATS(sid: 2, enabled: true)
    rig.translate(sid: 1)
    rig.translate(sid: 2)
    #expect(rig.atcKeys(1).isEmpty)
    #expect(rig.atcKeys(2) == [ATCKey(ssid: nil, page: 1)])
    #expect(rig.translate(sid: 2).servedBy == "ATC")
    // With ATS disabled at the endpoint the ATC is not consulted.
    rig.smmu.setEndpointATS(sid: 2, enabled: false)
    #expect(rig.translate(sid: 2).servedBy == "TLB")
  }

  @Test func readOnlyATCEntryRefusesWrites() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root, writable: false)
    rig.attachS1(sid: 1, asid: 1, root: root, ats: true)
    rig.smmu.setEndpointATS(sid: 1, enabled: true)
    rig.translate(sid: 1)
    let w = rig.translate(sid: 1, write: true)
    #expect(w.servedBy == "ATC")
    #expect(w.outcome == .aborted)
  }

  // MARK: Registers

  /// Item 22: STRTAB_BASE/_CFG are ignored while SMMUEN=1 and writable while it is 0.
  @Test func streamTableRegistersAreGuardedByEnable() {
    var rig = Rig()
    let base = rig.smmu.streamTableBase
    #expect(base == rig.streamTable.base)
    #expect(rig.smmu.streamTableBaseConfig == 6)
    rig.smmu.programStreamTable(base: 0x5000_0000, config: 3)
    #expect(rig.smmu.streamTableBase == base)
    rig.smmu.setEnabled(false)
    #expect(!rig.smmu.enabled)
    // The address keeps bits 55:6.
    rig.smmu.programStreamTable(base: 0xFF00_0000_5000_007F, config: 3)
    #expect(rig.smmu.streamTableBase == 0x0000_0000_5000_0040)
    #expect(rig.smmu.streamTableBaseConfig == 3)
  }

  @Test func describeEntryNamesSTEsAndCDs() {
    var (rig, _, table) = Rig.standard()
    #expect(rig.smmu.describeEntry(at: rig.steAddress(5)) == "STE sid 0x5")
    #expect(rig.smmu.describeEntry(at: table.base) == "CD ssid 0 of cd-table of sid 1")
    let two = rig.allocateCDTable(ssidBits: 2, owner: "cds")
    #expect(rig.smmu.describeEntry(at: two.base + 3 * 64) == "CD ssid 3 of cds")
  }
}
