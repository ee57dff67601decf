import SMMUModel
import Testing

/// What each invalidation command removes, and what it leaves (smmuv3-hardware.md §4-§5,
/// checklist items 7, 8, 11, 13-15).
@Suite struct CommandScopeTests {
  /// SIDs each with their own one-CD table (ASID = 10 + sid) over one page table, translated
  /// once so STE, CD and TLB entries are cached.
  static func streams(_ sids: [UInt32]) -> Rig {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    for sid in sids { rig.attachS1(sid: sid, asid: UInt16(10 + sid), root: root) }
    for sid in sids { rig.translate(sid: sid) }
    return rig
  }

  static func configKeys(_ sids: [UInt32]) -> Set<ConfigCacheKey> {
    Set(sids.flatMap { [ConfigCacheKey.ste(sid: $0), .cd(sid: $0, ssid: 0)] })
  }

  // MARK: CFGI_STE

  @Test func cfgiSTEDropsTheSTEAndItsCDsButNotOtherStreams() {
    var rig = Self.streams([1, 2])
    #expect(rig.configKeys == Self.configKeys([1, 2]))
    let tlbBefore = rig.tlbKeys
    #expect(tlbBefore == [.s1(asid: 11, va: Fixture.va), .s1(asid: 12, va: Fixture.va)])
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    #expect(rig.configKeys == Self.configKeys([2]))
    #expect(rig.smmu.configCache.stats.invalidations == 2)
    // No CFGI touches the TLB (item 11).
    #expect(rig.tlbKeys == tlbBefore)
  }

  @Test func cfgiSTELeafZeroAlsoDropsTheL1Descriptor() {
    var rig = Rig(twoLevelSIDBits: 16)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.addLeaf(for: 0x105)
    rig.attachS1(sid: 0x105, asid: 1, root: root)
    rig.translate(sid: 0x105)
    #expect(rig.configKeys == [.l1std(index: 1), .ste(sid: 0x105), .cd(sid: 0x105, ssid: 0)])
    #expect(rig.smmu.counters.l1stdFetches == 1)
    // Leaf=1 need not drop the L1STD: the minimal model keeps it.
    rig.smmu.submit([.cfgiSTE(sid: 0x105, leaf: true), .sync])
    #expect(rig.configKeys == [.l1std(index: 1)])
    rig.translate(sid: 0x105)
    rig.smmu.submit([.cfgiSTE(sid: 0x105, leaf: false), .sync])
    #expect(rig.configKeys.isEmpty)
  }

  // MARK: CFGI_CD / CFGI_CD_ALL

  /// Item 8: CFGI_CD(8, 3) drops only (8, 3); CD (8, 0) and CD (9, 3) stay, though SID 9
  /// shares the CD table.
  @Test func cfgiCDDropsOnlyThatStreamAndSubstream() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable(ssidBits: 2)
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root), table: table, ssid: 0)
    rig.writeCD(Rig.s1CD(asid: 2, ttb0: root), table: table, ssid: 3)
    for sid: UInt32 in [8, 9] {
      rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 2), sid: sid)
    }
    rig.smmu.settle()
    for sid: UInt32 in [8, 9] {
      #expect(rig.translate(sid: sid).outputAddress == Fixture.pa)
      #expect(rig.translate(sid: sid, ssid: 3).outputAddress == Fixture.pa)
    }
    let all: Set<ConfigCacheKey> = [
      .ste(sid: 8), .ste(sid: 9), .cd(sid: 8, ssid: 0), .cd(sid: 8, ssid: 3), .cd(sid: 9, ssid: 0),
      .cd(sid: 9, ssid: 3),
    ]
    #expect(rig.configKeys == all)
    rig.smmu.submit([.cfgiCD(sid: 8, ssid: 3, leaf: true), .sync])
    #expect(rig.configKeys == all.subtracting([.cd(sid: 8, ssid: 3)]))
    rig.smmu.submit([.cfgiCDAll(sid: 9), .sync])
    #expect(rig.configKeys == [.ste(sid: 8), .ste(sid: 9), .cd(sid: 8, ssid: 0)])
  }

  @Test func cfgiCDLeafZeroAlsoDropsTheL1CD() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    // 2-level CD table, 64K_L2: L1 of 2 descriptors (ssid bits 11), leaf 0 for SSIDs 0-1023.
    let l1 = rig.smmu.allocate(bytes: 16, purpose: .cdTableL1, owner: "cd L1")
    let leaf = rig.smmu.allocate(bytes: 65536, align: 4096, purpose: .cdTableLeaf, owner: "cd leaf")
    rig.writeEntry(at: leaf.base + 5 * 64, Rig.s1CD(asid: 3, ttb0: root).qwords)
    rig.store(l1.base, leaf.base | 1)
    rig.writeSTE(Rig.s1STE(cdTable: l1.base, s1cdmax: 11, s1fmt: StreamTableEntry.s1fmt64KL2), sid: 4)
    rig.smmu.settle()
    #expect(rig.translate(sid: 4, ssid: 5).outputAddress == Fixture.pa)
    #expect(rig.configKeys == [.ste(sid: 4), .l1cd(sid: 4, index: 0), .cd(sid: 4, ssid: 5)])
    #expect(rig.smmu.counters.l1cdFetches == 1)
    rig.smmu.submit([.cfgiCD(sid: 4, ssid: 5, leaf: true), .sync])
    #expect(rig.configKeys == [.ste(sid: 4), .l1cd(sid: 4, index: 0)])
    rig.translate(sid: 4, ssid: 5)
    rig.smmu.submit([.cfgiCD(sid: 4, ssid: 5, leaf: false), .sync])
    #expect(rig.configKeys == [.ste(sid: 4)])
    rig.translate(sid: 4, ssid: 5)
    rig.smmu.submit([.cfgiCDAll(sid: 4), .sync])
    #expect(rig.configKeys == [.ste(sid: 4)])
  }

  // MARK: CFGI_STE_RANGE / CFGI_ALL

  @Test func cfgiSTERangeCoversAlignedPowerOfTwoSIDs() {
    var rig = Self.streams([0, 6, 7, 8])
    // Range 2: 2^3 = 8 SIDs from 5 aligned down to 0: SIDs 0-7.
    rig.smmu.submit([.cfgiSTERange(sid: 5, range: 2), .sync])
    #expect(rig.configKeys == Self.configKeys([8]))
    #expect(rig.tlbKeys.count == 4)
  }

  @Test func cfgiSTERangeZeroCoversTwoSIDs() {
    var rig = Self.streams([5, 6, 7, 8])
    // Range 0: 2 SIDs from 7 aligned down to 6: SIDs 6 and 7.
    rig.smmu.submit([.cfgiSTERange(sid: 7, range: 0), .sync])
    #expect(rig.configKeys == Self.configKeys([5, 8]))
  }

  @Test func cfgiAllDropsEveryStructureButNoTLBEntry() {
    var rig = Self.streams([1, 2, 40])
    let tlb = rig.tlbKeys
    rig.smmu.submit([.cfgiAll, .sync])
    #expect(rig.configKeys.isEmpty)
    #expect(rig.tlbKeys == tlb)
    // Item 11: a matching {VMID, ASID, VA} still hits after CFGI_ALL + SYNC.
    let r = rig.translate(sid: 1)
    #expect(r.servedBy == "TLB")
    #expect(r.outputAddress == Fixture.pa)
  }

  /// Item 7: a CD cached for (SID 8, SSID 0) stays in use after it is rewritten in memory until
  /// one of these completes.
  @Test(arguments: [
    Command.cfgiCD(sid: 8, ssid: 0, leaf: true), .cfgiCDAll(sid: 8), .cfgiSTE(sid: 8, leaf: true),
    .cfgiSTE(sid: 8, leaf: false), .cfgiSTERange(sid: 9, range: 0), .cfgiAll,
  ])
  func rewrittenCDIsUsedUntilInvalidated(_ command: Command) {
    var rig = Rig()
    let rootA = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: rootA)
    let rootB = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa2, root: rootB)
    let table = rig.attachS1(sid: 8, asid: 1, root: rootA)
    #expect(rig.translate(sid: 8).outputAddress == Fixture.pa)
    // CD 0 is rewritten (new ASID and table: a breaking update, V=0 first) with bare syncs.
    let target = Rig.s1CD(asid: 2, ttb0: rootB).qwords
    rig.store(table.base, 0)
    rig.smmu.submit([.sync])
    rig.store(table.base + 8, target[1])
    rig.smmu.submit([.sync])
    rig.store(table.base, target[0])
    rig.smmu.submit([.sync])
    #expect(rig.smmu.hazards.isEmpty)
    #expect(rig.translate(sid: 8).outputAddress == Fixture.pa)
    // Commands that do not cover (8, 0) change nothing.
    rig.smmu.submit([.cfgiCD(sid: 8, ssid: 3, leaf: false), .cfgiSTE(sid: 9, leaf: false), .sync])
    #expect(rig.translate(sid: 8).outputAddress == Fixture.pa)
    rig.smmu.submit([command, .sync])
    let r = rig.translate(sid: 8)
    #expect(r.outputAddress == Fixture.pa2)
    #expect(r.hazards.isEmpty)
  }

  // MARK: TLBI

  /// TLB contents for the TLBI tests:
  /// - SID 1, ASID 5: 0x1000 (nG), 0x2000 (global), 0x3000 (nG); SID 2, ASID 6: 0x1000.
  /// - SID 3, stage 2, VMID 3: IPAs 0x1000 and 0x2000.
  /// - SID 4, nested, VMID 3, ASID 7: VA 0x1000.
  static func tlbRig(features: SMMUFeatures = SMMUFeatures()) -> Rig {
    var rig = Rig(features: features)
    let s1 = rig.newPageTable()
    rig.map(0x1000, to: 0x8000_0000, root: s1)
    rig.map(0x2000, to: 0x8000_1000, root: s1, global: true)
    rig.map(0x3000, to: 0x8000_2000, root: s1)
    let s2 = rig.newPageTable()
    rig.map(0x1000, to: 0xA000_0000, root: s2, stage2: true)
    rig.map(0x2000, to: 0xA000_1000, root: s2, stage2: true)
    rig.map(0x8000_0000, to: 0xB000_0000, root: s2, stage2: true)
    rig.attachS1(sid: 1, asid: 5, root: s1)
    rig.attachS1(sid: 2, asid: 6, root: s1)
    rig.writeSTE(Rig.s2STE(vmid: 3, root: s2), sid: 3)
    let cds = rig.allocateCDTable()
    // Nested: the CD table and stage-1 tables are IPAs, mapped to themselves.
    rig.identityMap(rig.tablePages(0x1000, root: s1) + [cds.base], s2Root: s2)
    rig.writeCD(Rig.s1CD(asid: 7, ttb0: s1), table: cds)
    rig.writeSTE(Rig.nestedSTE(vmid: 3, s2Root: s2, cdTable: cds.base), sid: 4)
    rig.smmu.settle()
    for va: UInt64 in [0x1000, 0x2000, 0x3000] { #expect(rig.translate(sid: 1, va: va).outputAddress != nil) }
    #expect(rig.translate(sid: 2, va: 0x1000).outputAddress == 0x8000_0000)
    #expect(rig.translate(sid: 3, va: 0x1000).outputAddress == 0xA000_0000)
    #expect(rig.translate(sid: 3, va: 0x2000).outputAddress == 0xA000_1000)
    #expect(rig.translate(sid: 4, va: 0x1000).outputAddress == 0xB000_0000)
    #expect(rig.tlbKeys == allTLB)
    return rig
  }

  static let nested = TLBKey(kind: .nested, vmid: 3, asid: 7, page: 1)
  static let allTLB: Set<TLBKey> = [
    .s1(asid: 5, va: 0x1000), .global(va: 0x2000), .s1(asid: 5, va: 0x3000), .s1(asid: 6, va: 0x1000),
    .s2(vmid: 3, ipa: 0x1000), .s2(vmid: 3, ipa: 0x2000), nested,
  ]

  @Test func globalEntriesAreSharedAcrossASIDs() {
    var rig = Self.tlbRig()
    // SID 2 (ASID 6) hits SID 1's global entry for 0x2000.
    let r = rig.translate(sid: 2, va: 0x2000)
    #expect(r.servedBy == "TLB")
    #expect(r.outputAddress == 0x8000_1000)
  }

  @Test func tlbiNHASIDSparesGlobalAndOtherASIDs() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiNHASID(vmid: 0, asid: 5), .sync])
    #expect(rig.tlbKeys == Self.allTLB.subtracting([.s1(asid: 5, va: 0x1000), .s1(asid: 5, va: 0x3000)]))
    #expect(rig.smmu.tlb.stats.invalidations == 2)
    // Nested entries are ASID-tagged within their VMID.
    rig.smmu.submit([.tlbiNHASID(vmid: 3, asid: 7), .sync])
    #expect(!rig.tlbKeys.contains(Self.nested))
    #expect(rig.tlbKeys.contains(.s2(vmid: 3, ipa: 0x1000)))
  }

  @Test func tlbiNHVARemovesTheASIDEntryOnly() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiNHVA(vmid: 0, asid: 5, address: 0x1000, leaf: true, range: nil), .sync])
    #expect(rig.tlbKeys == Self.allTLB.subtracting([.s1(asid: 5, va: 0x1000)]))
  }

  @Test func tlbiNHVAAlsoRemovesGlobalEntries() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiNHVA(vmid: 0, asid: 5, address: 0x2000, leaf: true, range: nil), .sync])
    #expect(rig.tlbKeys == Self.allTLB.subtracting([.global(va: 0x2000)]))
    // Another ASID's TLBI for the VA removes the global entry too.
    var other = Self.tlbRig()
    other.smmu.submit([.tlbiNHVA(vmid: 0, asid: 99, address: 0x2000, leaf: true, range: nil), .sync])
    #expect(other.tlbKeys == Self.allTLB.subtracting([.global(va: 0x2000)]))
  }

  /// Item 14: a range TLBI removes exactly [Addr, Addr + (NUM+1) * 2^SCALE * granule).
  @Test func rangeTLBINHVACoversExactlyItsRange() {
    var rig = Self.tlbRig()
    // NUM 1, SCALE 0, 4K: two pages, 0x1000 and 0x2000; 0x3000 stays.
    rig.smmu.submit([
      .tlbiNHVA(
        vmid: 0, asid: 5, address: 0x1000, leaf: true, range: TLBIRange(num: 1, scale: 0, tg: 1, ttl: 3)),
      .sync,
    ])
    #expect(rig.tlbKeys == Self.allTLB.subtracting([.s1(asid: 5, va: 0x1000), .global(va: 0x2000)]))
  }

  @Test func tlbiNHVAAHitsEveryASID() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiNHVAA(vmid: 0, address: 0x1000, leaf: true, range: nil), .sync])
    #expect(rig.tlbKeys == Self.allTLB.subtracting([.s1(asid: 5, va: 0x1000), .s1(asid: 6, va: 0x1000)]))
  }

  @Test func tlbiNHAllClearsStageOneOfTheVMIDOnly() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiNHAll(vmid: 0), .sync])
    // All stage-1 entries of VMID 0, global ones included; VMID 3 untouched.
    #expect(rig.tlbKeys == [.s2(vmid: 3, ipa: 0x1000), .s2(vmid: 3, ipa: 0x2000), Self.nested])
    rig.smmu.submit([.tlbiNHAll(vmid: 3), .sync])
    // Stage-1 (combined) entries of VMID 3 go; stage-2-only entries stay.
    #expect(rig.tlbKeys == [.s2(vmid: 3, ipa: 0x1000), .s2(vmid: 3, ipa: 0x2000)])
  }

  @Test func tlbiS12VMAllClearsEveryStageOfTheVMID() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiS12VMAll(vmid: 3), .sync])
    #expect(
      rig.tlbKeys == [
        .s1(asid: 5, va: 0x1000), .global(va: 0x2000), .s1(asid: 5, va: 0x3000), .s1(asid: 6, va: 0x1000),
      ])
  }

  @Test func tlbiS2IPARemovesTheStageTwoEntryAndMayKeepCombined() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiS2IPA(vmid: 3, address: 0x1000, leaf: true, range: nil), .sync])
    // The nested entry (VA page 1) is a combined S1+S2 entry: need not be removed.
    #expect(rig.tlbKeys == Self.allTLB.subtracting([.s2(vmid: 3, ipa: 0x1000)]))
    var ranged = Self.tlbRig()
    ranged.smmu.submit([
      .tlbiS2IPA(vmid: 3, address: 0x1000, leaf: true, range: TLBIRange(num: 1, scale: 0, tg: 1, ttl: 0)),
      .sync,
    ])
    #expect(
      ranged.tlbKeys == Self.allTLB.subtracting([.s2(vmid: 3, ipa: 0x1000), .s2(vmid: 3, ipa: 0x2000)]))
    // Another VMID's S2 TLBI removes nothing.
    ranged.smmu.submit([.tlbiS2IPA(vmid: 4, address: 0x1000, leaf: true, range: nil), .sync])
    #expect(ranged.tlbKeys.count == 5)
  }

  @Test func tlbiNSNHAllClearsEverything() {
    var rig = Self.tlbRig()
    rig.smmu.submit([.tlbiNSNHAll, .sync])
    #expect(rig.tlbKeys.isEmpty)
    #expect(rig.smmu.tlb.stats.invalidations == 7)
  }

  @Test func el2TLBIsAreLoggedNoOps() {
    var features = SMMUFeatures()
    features.hyp = true
    var rig = Self.tlbRig(features: features)
    rig.smmu.keepsCommandLog = true
    let commands: [Command] = [
      .tlbiEL2All, .tlbiEL2ASID(asid: 5), .tlbiEL2VA(asid: 5, address: 0x1000, leaf: true),
      .tlbiEL2VAA(address: 0x2000, leaf: true), .sync,
    ]
    rig.smmu.submit(commands)
    #expect(rig.tlbKeys == Self.allTLB)
    #expect(rig.smmu.tlb.stats.invalidations == 0)
    #expect(rig.smmu.commandLog == commands)
    #expect(rig.smmu.counters.commands["TLBI_EL2_ALL"] == 1)
    #expect(rig.smmu.counters.commands["TLBI_EL2_VAA"] == 1)
    #expect(rig.smmu.commandError == nil)
  }

  @Test func tlbiWithTGZeroRangeActsOnOneAddress() {
    // TG = 0 means a single address, whatever NUM and SCALE say.
    var rig = Self.tlbRig()
    rig.smmu.submit([
      .tlbiNHVA(vmid: 0, asid: 5, address: 0x1000, leaf: true, range: TLBIRange(num: 3, scale: 2, tg: 0)),
      .sync,
    ])
    #expect(rig.smmu.commandError == nil)
    #expect(rig.tlbKeys == Self.allTLB.subtracting([.s1(asid: 5, va: 0x1000)]))
  }

  // MARK: ATC_INV

  /// SID 5 (ATS) with a 4-CD table: untagged 0x1000 and 0x2000, PASID 3 at 0x1000.
  /// SID 6 (ATS): untagged 0x1000.
  static func atcRig() -> Rig {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(0x1000, to: 0x8000_0000, root: root)
    rig.map(0x2000, to: 0x8000_1000, root: root)
    let table = rig.allocateCDTable(ssidBits: 2)
    rig.writeCD(Rig.s1CD(asid: 10, ttb0: root), table: table, ssid: 0)
    rig.writeCD(Rig.s1CD(asid: 11, ttb0: root), table: table, ssid: 3)
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 2, ats: true), sid: 5)
    rig.attachS1(sid: 6, asid: 12, root: root, ats: true)
    rig.smmu.setEndpointATS(sid: 5, enabled: true)
    rig.smmu.setEndpointATS(sid: 6, enabled: true)
    rig.translate(sid: 5, va: 0x1000)
    rig.translate(sid: 5, va: 0x2000)
    rig.translate(sid: 5, ssid: 3, va: 0x1000)
    rig.translate(sid: 6, va: 0x1000)
    #expect(rig.atcKeys(5) == sid5ATC)
    #expect(rig.atcKeys(6) == [ATCKey(ssid: nil, page: 1)])
    return rig
  }

  static let sid5ATC: Set<ATCKey> = [
    ATCKey(ssid: nil, page: 1), ATCKey(ssid: nil, page: 2), ATCKey(ssid: 3, page: 1),
  ]

  @Test func atcServesRepeatedTranslations() {
    var rig = Self.atcRig()
    let r = rig.translate(sid: 5, ssid: 3, va: 0x1000)
    #expect(r.servedBy == "ATC")
    #expect(r.outputAddress == 0x8000_0000)
  }

  @Test func atcInvWithoutSSVCoversEveryPASIDAtTheAddress() {
    var rig = Self.atcRig()
    rig.smmu.submit([.atcInv(sid: 5, ssid: nil, address: 0x1000, size: 0), .sync])
    #expect(rig.atcKeys(5) == [ATCKey(ssid: nil, page: 2)])
    #expect(rig.atcKeys(6) == [ATCKey(ssid: nil, page: 1)])
  }

  @Test func atcInvWithSSVCoversOnlyThatPASID() {
    var rig = Self.atcRig()
    rig.smmu.submit([.atcInv(sid: 5, ssid: 3, address: 0, size: 52), .sync])
    #expect(rig.atcKeys(5) == [ATCKey(ssid: nil, page: 1), ATCKey(ssid: nil, page: 2)])
  }

  @Test func atcInvSize52CoversEverything() {
    var rig = Self.atcRig()
    rig.smmu.submit([.atcInv(sid: 5, ssid: nil, address: 0x7654_3000, size: 52), .sync])
    #expect(rig.atcKeys(5).isEmpty)
    #expect(rig.atcKeys(6).count == 1)
  }

  @Test func atcInvSizeIsAlignedDown() {
    // Size 1: 4 KiB * 2 = 8 KiB; from 0x1000 aligned down to 0: pages 0 and 1.
    var rig = Self.atcRig()
    rig.smmu.submit([.atcInv(sid: 5, ssid: nil, address: 0x1000, size: 1), .sync])
    #expect(rig.atcKeys(5) == [ATCKey(ssid: nil, page: 2)])
    // From 0x2000: pages 2 and 3.
    var rig2 = Self.atcRig()
    rig2.smmu.submit([.atcInv(sid: 5, ssid: nil, address: 0x2000, size: 1), .sync])
    #expect(rig2.atcKeys(5) == [ATCKey(ssid: nil, page: 1), ATCKey(ssid: 3, page: 1)])
  }

  @Test func atcInvNeverTouchesTheTLBOrConfigCache() {
    var rig = Self.atcRig()
    let tlb = rig.tlbKeys
    let config = rig.configKeys
    rig.smmu.submit([.atcInv(sid: 5, ssid: nil, address: 0, size: 52), .sync])
    #expect(rig.tlbKeys == tlb)
    #expect(rig.configKeys == config)
  }

  // MARK: PREFETCH_CFG and command errors

  @Test func prefetchFillsTheSTEWithoutEvents() {
    var rig = Rig()
    // SID 3's STE is V=0: prefetch caches it (valid or not), and never records.
    rig.smmu.submit([.prefetchConfig(sid: 3, ssid: nil), .prefetchConfig(sid: 999, ssid: nil)])
    #expect(rig.configKeys == [.ste(sid: 3)])
    #expect(rig.smmu.events.isEmpty)
    #expect(rig.smmu.counters.steFetches == 1)
  }

  @Test func prefetchIsANoOpWhileDisabled() {
    var rig = Rig(enable: false)
    rig.smmu.submit([.prefetchConfig(sid: 3, ssid: nil)])
    #expect(rig.configKeys.isEmpty)
  }

  @Test func illegalCommandHoldsTheQueueUntilAcknowledged() {
    var features = SMMUFeatures()
    features.stage1 = false
    var rig = Rig(features: features)
    rig.smmu.keepsCommandLog = true
    rig.smmu.submit([
      .cfgiSTE(sid: 1, leaf: true), .cfgiCD(sid: 1, ssid: 0, leaf: true), .tlbiNSNHAll, .sync,
    ])
    #expect(rig.smmu.commandError?.hasPrefix("CERROR_ILL") == true)
    #expect(rig.smmu.counters.commandErrors == 1)
    // The earlier command was consumed; the bad one and everything after it wait.
    #expect(rig.smmu.commandLog == [.cfgiSTE(sid: 1, leaf: true)])
    #expect(rig.smmu.heldCommands.count == 3)
    rig.smmu.submit([.sync])
    #expect(rig.smmu.heldCommands.count == 4)
    rig.smmu.acknowledgeCommandError()
    #expect(rig.smmu.commandError == nil)
    #expect(rig.smmu.heldCommands.isEmpty)
    // As Linux's GERROR handler does, the illegal CFGI_CD was overwritten with a CMD_SYNC.
    #expect(rig.smmu.commandLog == [.cfgiSTE(sid: 1, leaf: true), .sync, .tlbiNSNHAll, .sync, .sync])
    #expect(rig.smmu.counters.syncs == 3)
  }

  @Test func absentFeaturesMakeCommandsIllegal() {
    var noS2 = SMMUFeatures()
    noS2.stage2 = false
    var noATS = SMMUFeatures()
    noATS.ats = false
    var noS1 = SMMUFeatures()
    noS1.stage1 = false
    let cases: [(SMMUFeatures, Command)] = [
      (noS1, .cfgiCDAll(sid: 0)), (noS1, .tlbiNHASID(vmid: 0, asid: 1)),
      (noS1, .tlbiNHVA(vmid: 0, asid: 1, address: 0, leaf: true, range: nil)),
      (noS1, .tlbiNHVAA(vmid: 0, address: 0, leaf: true, range: nil)),
      (noS2, .tlbiS12VMAll(vmid: 1)), (noS2, .tlbiS2IPA(vmid: 1, address: 0, leaf: true, range: nil)),
      (noATS, .atcInv(sid: 0, ssid: nil, address: 0, size: 52)),
      (
        SMMUFeatures(),
        .tlbiNHVA(vmid: 0, asid: 1, address: 0, leaf: true, range: TLBIRange(num: 0, scale: 0, tg: 1, ttl: 0))
      ),
    ]
    for (features, command) in cases {
      var smmu = SMMU(features: features)
      smmu.keepsCommandLog = true
      smmu.submit([command])
      #expect(smmu.commandError != nil, "\(command.description) should be illegal")
      #expect(smmu.commandLog.isEmpty)
    }
    // Legal counterparts.
    var smmu = SMMU()
    smmu.keepsCommandLog = true
    smmu.submit([
      .tlbiNHVA(vmid: 0, asid: 1, address: 0, leaf: true, range: TLBIRange(num: 0, scale: 0, tg: 1, ttl: 1)),
      .tlbiS12VMAll(vmid: 1), .atcInv(sid: 0, ssid: nil, address: 0, size: 52),
    ])
    #expect(smmu.commandError == nil)
    #expect(smmu.commandLog.count == 3)
  }
}
