import SMMUModel
import Testing

/// Event records for each failure (smmuv3-hardware.md §2, §3, §6; checklist items 1-6, 19, 20).
@Suite struct EventTests {
  typealias S = StreamTableEntry
  typealias C = ContextDescriptor

  /// Translates and returns the single event recorded (nil when none was).
  static func event(
    _ rig: inout Rig, sid: UInt32, ssid: UInt32? = nil, va: UInt64 = Fixture.va, write: Bool = false
  )
    -> Event?
  {
    let before = rig.smmu.events.count
    let r = rig.translate(sid: sid, ssid: ssid, va: va, write: write)
    // At most one event per transaction, and the result carries it.
    #expect(rig.smmu.events.count - before <= 1)
    #expect(r.event == (rig.smmu.events.count > before ? rig.smmu.events.last : nil))
    if r.event != nil { #expect(r.outcome == .aborted) }
    return r.event
  }

  // MARK: Stream table

  @Test func sidBeyondTheTableIsCBadStreamID() {
    var rig = Rig(sidBits: 6)
    let e = Self.event(&rig, sid: 64)
    #expect(e?.type == .cBadStreamID)
    #expect(e?.sid == 64)
    #expect(rig.smmu.counters.steFetches == 0)
    #expect(rig.configKeys.isEmpty)
    #expect(rig.smmu.counters.events["C_BAD_STREAMID"] == 1)
    #expect(rig.smmu.counters.aborted == 1)
  }

  @Test func cBadStreamIDIsGatedByRECINVSID() {
    var features = SMMUFeatures()
    features.recordInvalidSID = false
    var rig = Rig(sidBits: 6, features: features)
    #expect(Self.event(&rig, sid: 64) == nil)
    #expect(rig.translate(sid: 64).outcome == .aborted)
    #expect(rig.smmu.events.isEmpty)
  }

  @Test func effectiveLog2SizeIsCappedBySIDSIZE() {
    var features = SMMUFeatures()
    features.sidBits = 4
    var rig = Rig(sidBits: 6, features: features)
    // LOG2SIZE 6 but SIDSIZE 4: SID 16 is out of range.
    #expect(Self.event(&rig, sid: 16)?.type == .cBadStreamID)
    #expect(Self.event(&rig, sid: 15)?.type == .cBadSTE)
  }

  /// Item 2: bad L1STD spans give C_BAD_STREAMID, never C_BAD_STE.
  @Test(arguments: [(UInt64(0), UInt32(0x100)), (12, 0x200), (31, 0x300), (10, 0x400), (2, 0x505)])
  func badSpansAreCBadStreamID(span: UInt64, sid: UInt32) {
    var rig = Rig(twoLevelSIDBits: 16)
    rig.addLeaf(for: sid, span: span)
    #expect(Self.event(&rig, sid: sid)?.type == .cBadStreamID)
  }

  @Test func smallSpanStillReachesItsFirstSTEs() {
    var rig = Rig(twoLevelSIDBits: 16)
    // Span 2: the L2 table holds 2^(2-1) = 2 STEs: SIDs 0x500 and 0x501 resolve.
    rig.addLeaf(for: 0x500, span: 2)
    rig.writeSTE(Rig.bypassSTE(), sid: 0x501)
    #expect(rig.translate(sid: 0x501).outcome == .bypassed(Fixture.va))
    #expect(Self.event(&rig, sid: 0x502)?.type == .cBadStreamID)
  }

  @Test func missingL2TableIsCBadStreamID() {
    var rig = Rig(twoLevelSIDBits: 16)
    // The L1 descriptor was never written: Span 0.
    #expect(Self.event(&rig, sid: 0x1234)?.type == .cBadStreamID)
    #expect(rig.smmu.counters.l1stdFetches == 1)
  }

  @Test func steFetchAbortIsFSTEFetchAndNotCached() {
    var smmu = SMMU()
    smmu.programStreamTable(base: Fixture.unmapped, config: 4)
    smmu.setEnabled(true)
    for _ in 0..<2 {
      let r = smmu.translate(Transaction(sid: 1, address: Fixture.va))
      #expect(r.event?.type == .fSTEFetch)
      #expect(r.event?.fetchAddress == Fixture.unmapped + 64)
    }
    #expect(smmu.configCache.count == 0)
  }

  @Test func l2PointerIntoUnmappedMemoryIsFSTEFetch() {
    var rig = Rig(twoLevelSIDBits: 16)
    rig.store(rig.streamTable.base + 3 * 8, Fixture.unmapped | 9)
    let e = Self.event(&rig, sid: 0x305)
    #expect(e?.type == .fSTEFetch)
    #expect(e?.fetchAddress == Fixture.unmapped + 5 * 64)
  }

  @Test func invalidSTEIsCBadSTE() {
    var rig = Rig()
    let e = Self.event(&rig, sid: 2)
    #expect(e?.type == .cBadSTE)
    #expect(e?.sid == 2)
  }

  @Test func illegalSTEIsCBadSTE() {
    var features = SMMUFeatures()
    features.ssidBits = 4
    var rig = Rig(features: features)
    let table = rig.allocateCDTable(ssidBits: 5)
    // S1CDMax 5 > SSIDSIZE 4.
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 5), sid: 1)
    #expect(Self.event(&rig, sid: 1)?.type == .cBadSTE)

    var noS2 = SMMUFeatures()
    noS2.stage2 = false
    var rig2 = Rig(features: noS2)
    rig2.writeSTE(Rig.s2STE(vmid: 1, root: rig2.newPageTable()), sid: 1)
    #expect(Self.event(&rig2, sid: 1)?.type == .cBadSTE)
  }

  @Test func abortSTEAbortsWithoutAnEvent() {
    var rig = Rig()
    rig.writeSTE(Rig.abortSTE(), sid: 1)
    let r = rig.translate(sid: 1)
    #expect(r.outcome == .aborted)
    #expect(r.event == nil)
    #expect(rig.smmu.events.isEmpty)
    #expect(rig.smmu.counters.aborted == 1)
    // Reserved Config values act as abort.
    var reserved = Rig.abortSTE()
    reserved[S.config] = 2
    rig.writeSTE(reserved, sid: 2)
    #expect(Self.event(&rig, sid: 2) == nil)
    #expect(rig.translate(sid: 2).outcome == .aborted)
  }

  @Test func bypassSTEPassesTheAddressThrough() {
    var rig = Rig()
    rig.writeSTE(Rig.bypassSTE(), sid: 1)
    let r = rig.translate(sid: 1, va: 0x1234_5678)
    #expect(r.outcome == .bypassed(0x1234_5678))
    #expect(r.event == nil)
    #expect(rig.smmu.counters.bypassed == 1)
  }

  // MARK: Substreams

  @Test func substreamOnBypassOrS2IsCBadSubstreamID() {
    var rig = Rig()
    rig.writeSTE(Rig.bypassSTE(), sid: 1)
    rig.writeSTE(Rig.s2STE(vmid: 1, root: rig.newPageTable()), sid: 2)
    for sid: UInt32 in [1, 2] {
      let e = Self.event(&rig, sid: sid, ssid: 1)
      #expect(e?.type == .cBadSubstreamID)
      #expect(e?.ssid == 1)
    }
  }

  @Test func substreamWithoutCDTableSubstreamsIsCBadSubstreamID() {
    var (rig, _, _) = Rig.standard()
    // S1CDMax 0: a single CD, so any SSID is bad.
    #expect(Self.event(&rig, sid: 1, ssid: 0)?.type == .cBadSubstreamID)
  }

  @Test func ssidBeyondS1CDMaxIsCBadSubstreamID() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable(ssidBits: 2)
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root), table: table, ssid: 3)
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 2), sid: 1)
    // 2^2 = 4 CDs: SSID 3 is fine, SSID 4 is not.
    #expect(rig.translate(sid: 1, ssid: 3).outputAddress == Fixture.pa)
    let e = Self.event(&rig, sid: 1, ssid: 4)
    #expect(e?.type == .cBadSubstreamID)
    #expect(e?.ssid == 4)
  }

  @Test func substreamsOffWhenSSIDSIZEIsZero() {
    var features = SMMUFeatures()
    features.ssidBits = 0
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable(ssidBits: 2)
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root), table: table)
    // S1CDMax and S1DSS are ignored: the pointer is a single CD; untagged traffic uses it.
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 2, s1dss: .terminate), sid: 1)
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
    #expect(Self.event(&rig, sid: 1, ssid: 1)?.type == .cBadSubstreamID)
  }

  @Test func invalidL1CDIsCBadSubstreamID() {
    var rig = Rig()
    // 2-level CD table with SSID bits 11: L1 of 2 descriptors, neither valid.
    let l1 = rig.smmu.allocate(bytes: 16, purpose: .cdTableL1, owner: "cd L1")
    rig.writeSTE(Rig.s1STE(cdTable: l1.base, s1cdmax: 11, s1fmt: S.s1fmt64KL2), sid: 1)
    let e = Self.event(&rig, sid: 1, ssid: 1500)
    #expect(e?.type == .cBadSubstreamID)
    #expect(e?.ssid == 1500)
    #expect(rig.smmu.counters.l1cdFetches == 1)
    #expect(rig.smmu.counters.cdFetches == 0)
  }

  @Test func terminateWithoutSubstreamIsFStreamDisabled() {
    var rig = Rig()
    let table = rig.allocateCDTable(ssidBits: 2)
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 2, s1dss: .terminate), sid: 1)
    let e = Self.event(&rig, sid: 1)
    #expect(e?.type == .fStreamDisabled)
    #expect(rig.smmu.counters.cdFetches == 0)
    // S1DSS = 3 is reserved and acts as terminate.
    var reserved = Rig.s1STE(cdTable: table.base, s1cdmax: 2)
    reserved[S.s1dss] = 3
    rig.writeSTE(reserved, sid: 2)
    #expect(Self.event(&rig, sid: 2)?.type == .fStreamDisabled)
  }

  @Test func ssid0WithSubstreamZeroIsFStreamDisabled() {
    var rig = Rig()
    let table = rig.allocateCDTable(ssidBits: 2)
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 2, s1dss: .ssid0), sid: 1)
    // CD 0 is reserved for untagged traffic.
    #expect(Self.event(&rig, sid: 1, ssid: 0)?.type == .fStreamDisabled)
  }

  @Test func singleCDIgnoresS1DSS() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable()
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root), table: table)
    // S1CDMax 0: S1DSS (terminate here) is ignored; untagged traffic uses the single CD.
    rig.writeSTE(Rig.s1STE(cdTable: table.base, s1cdmax: 0, s1dss: .terminate), sid: 1)
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
  }

  /// Item 5: S1DSS bypass never reads the CD table (here it points at no memory at all).
  @Test func s1dssBypassNeverReadsTheCDTable() {
    var rig = Rig()
    rig.writeSTE(Rig.s1STE(cdTable: Fixture.unmapped, s1cdmax: 4, s1dss: .bypass), sid: 1)
    let r = rig.translate(sid: 1, va: 0x4321_0000)
    #expect(r.outcome == .bypassed(0x4321_0000))
    #expect(r.event == nil)
    #expect(rig.smmu.counters.cdFetches == 0)
    #expect(rig.smmu.counters.l1cdFetches == 0)
    #expect(rig.configKeys == [.ste(sid: 1)])
  }

  // MARK: CDs

  @Test func invalidCDIsCBadCD() {
    var rig = Rig()
    let table = rig.allocateCDTable()
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 1)
    let e = Self.event(&rig, sid: 1)
    #expect(e?.type == .cBadCD)
    #expect(rig.smmu.counters.cdFetches == 1)
  }

  @Test func illegalCDIsCBadCD() {
    var rig = Rig()
    let table = rig.allocateCDTable()
    var cd = Rig.s1CD(asid: 1, ttb0: rig.newPageTable())
    cd[C.aa64] = 0
    rig.writeCD(cd, table: table)
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 1)
    #expect(Self.event(&rig, sid: 1)?.type == .cBadCD)
  }

  /// Item 6: a CD fetch abort is F_CD_FETCH, is not cached, and is re-fetched next time.
  @Test func cdTablePointerIntoUnmappedMemoryIsFCDFetch() {
    var rig = Rig()
    rig.writeSTE(Rig.s1STE(cdTable: Fixture.unmapped), sid: 1)
    for _ in 0..<2 {
      let e = Self.event(&rig, sid: 1)
      #expect(e?.type == .fCDFetch)
      #expect(e?.fetchAddress == Fixture.unmapped)
    }
    #expect(rig.configKeys == [.ste(sid: 1)])
    #expect(rig.smmu.counters.events["F_CD_FETCH"] == 2)
  }

  @Test func l1CDPointerIntoUnmappedMemoryIsFCDFetch() {
    var rig = Rig()
    rig.writeSTE(Rig.s1STE(cdTable: Fixture.unmapped, s1cdmax: 12, s1fmt: S.s1fmt64KL2), sid: 1)
    // SSID 2050 uses L1 descriptor 2, at pointer + 16.
    let e = Self.event(&rig, sid: 1, ssid: 2050)
    #expect(e?.type == .fCDFetch)
    #expect(e?.fetchAddress == Fixture.unmapped + 16)
  }

  // MARK: Translation faults

  @Test func unmappedPageIsFTranslationWhenRIsSet() {
    var (rig, _, _) = Rig.standard()
    let e = Self.event(&rig, sid: 1, va: 0x5000)
    #expect(e?.type == .fTranslation)
    #expect(e?.address == 0x5000)
    #expect(e?.stage2 == false)
    #expect(e?.read == true)
  }

  @Test func translationFaultIsSilentWithoutR() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.attachS1(sid: 1, asid: 1, root: root, record: false)
    #expect(Self.event(&rig, sid: 1, va: 0x5000) == nil)
    #expect(rig.translate(sid: 1, va: 0x5000).outcome == .aborted)
  }

  @Test func inputBeyondT0SZIsFTranslation() {
    var (rig, _, _) = Rig.standard()
    // T0SZ 16: a 48-bit input range.
    #expect(Self.event(&rig, sid: 1, va: 1 << 48)?.type == .fTranslation)
    #expect(rig.smmu.counters.walkReads == [0, 0, 0, 0])
  }

  @Test func epd0WithTLBMissIsFTranslation() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable()
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root, epd0: true), table: table)
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 1)
    let e = Self.event(&rig, sid: 1)
    #expect(e?.type == .fTranslation)
    #expect(e?.stage2 == false)
    // No walk happened.
    #expect(rig.smmu.counters.walkReads == [0, 0, 0, 0])
  }

  @Test func epd0WithTLBHitStillTranslates() {
    var (rig, root, table) = Rig.standard()
    #expect(rig.translate(sid: 1).servedBy == "walk")
    // Quiesce CD 0 (EPD0, same ASID) and invalidate the CD, but not the TLB.
    rig.store(table.base, Rig.s1CD(asid: 1, ttb0: root, epd0: true).qwords[0])
    rig.smmu.submit([.cfgiCD(sid: 1, ssid: 0, leaf: true), .sync])
    let r = rig.translate(sid: 1)
    #expect(r.outcome == .translated(Fixture.pa))
    #expect(r.servedBy == "TLB")
    // Another address misses and faults.
    #expect(Self.event(&rig, sid: 1, va: 0x2000)?.type == .fTranslation)
  }

  @Test func writeToReadOnlyPageIsFPermission() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root, writable: false)
    rig.attachS1(sid: 1, asid: 1, root: root)
    let e = Self.event(&rig, sid: 1, write: true)
    #expect(e?.type == .fPermission)
    #expect(e?.read == false)
    #expect(e?.address == Fixture.va)
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
    // Now the read filled the TLB; a write hitting the read-only entry faults too.
    let again = Self.event(&rig, sid: 1, write: true)
    #expect(again?.type == .fPermission)
    #expect(rig.smmu.counters.events["F_PERMISSION"] == 2)
  }

  @Test func missingAccessFlagIsFAccess() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.map(0x2000, to: Fixture.pa2, root: root)
    // Clear AF in the 0x2000 leaf (the level-3 table is shared with 0x1000).
    let l3 = rig.smmu.memory.allocations.values.filter { $0.purpose == .pageTable }.map(\.base).max()!
    rig.store(l3 + 2 * 8, PageTableFormat.s1Page(Fixture.pa2, writable: true) & ~PageTableFormat.af)
    rig.attachS1(sid: 1, asid: 1, root: root)
    #expect(Self.event(&rig, sid: 1, va: 0x2000)?.type == .fAccess)
    #expect(rig.translate(sid: 1, va: 0x1000).outputAddress == Fixture.pa)
  }

  /// T0SZ = 0 (a 64-bit input range) is outside 16...39: the CD is ILLEGAL (SMMUv3.1+), so
  /// even an address beyond 48 bits gets C_BAD_CD rather than a walk.
  @Test func t0szZeroMakesTheCDIllegal() {
    var rig = Rig()
    let root = rig.newPageTable()
    let table = rig.allocateCDTable()
    var cd = Rig.s1CD(asid: 1, ttb0: root)
    cd[C.t0sz] = 0
    rig.writeCD(cd, table: table)
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 1)
    #expect(Self.event(&rig, sid: 1, va: 1 << 50)?.type == .cBadCD)
  }

  /// F_WALK_EABT is not one of the four translation faults: it records whatever CD.R says.
  @Test func walkIntoUnmappedTableIsFWalkEABTAlwaysRecorded() {
    var rig = Rig()
    let root = rig.newPageTable()
    // Level-0 descriptor pointing at a table in no allocation.
    rig.store(
      root + UInt64(PageTableFormat.index(Fixture.va, level: 0) * 8), PageTableFormat.table(Fixture.unmapped))
    rig.attachS1(sid: 1, asid: 1, root: root, record: false)
    let e = Self.event(&rig, sid: 1)
    #expect(e?.type == .fWalkEABT)
    #expect(rig.smmu.counters.walkReads == [1, 1, 0, 0])
  }

  @Test func stage2FaultsAreMarkedS2() {
    var rig = Rig()
    let s2 = rig.newPageTable()
    rig.map(0x1000, to: 0xA000_0000, root: s2, writable: false, stage2: true)
    rig.writeSTE(Rig.s2STE(vmid: 2, root: s2), sid: 1)
    #expect(rig.translate(sid: 1, va: 0x1000).outputAddress == 0xA000_0000)
    let t = Self.event(&rig, sid: 1, va: 0x7000)
    #expect(t?.type == .fTranslation)
    #expect(t?.stage2 == true)
    let p = Self.event(&rig, sid: 1, va: 0x1000, write: true)
    #expect(p?.type == .fPermission)
    #expect(p?.stage2 == true)
  }

  /// Item 22: with SMMUEN=0, GBPA.ABORT=0 passes traffic through untranslated, with no
  /// lookup, cache fill or event.
  @Test func disabledSMMUBypassesWithoutLookups() {
    var features = SMMUFeatures()
    features.gbpaAbort = false
    var rig = Rig(features: features, enable: false)
    let r = rig.translate(sid: 63, va: 0xABC0)
    #expect(r.outcome == .bypassed(0xABC0))
    #expect(rig.translate(sid: 1000).outcome == .bypassed(Fixture.va))
    #expect(rig.smmu.events.isEmpty)
    #expect(rig.configKeys.isEmpty)
    #expect(rig.smmu.counters.steFetches == 0)
  }

  /// Item 22: GBPA.ABORT=1 (the default) aborts every transaction with no event, and the
  /// endpoint's ATC is not used while SMMUEN=0.
  @Test func disabledSMMUWithGBPAAbortAbortsSilently() {
    var (rig, _, _) = Rig.standard()
    rig.smmu.setEndpointATS(sid: 1, enabled: true)
    #expect(rig.translate(sid: 1).outcome == .translated(Fixture.pa))
    let fetches = rig.smmu.counters.steFetches
    rig.smmu.setEnabled(false)
    let r = rig.translate(sid: 1)
    #expect(r.outcome == .aborted && r.event == nil && r.servedBy == "GBPA")
    #expect(rig.translate(sid: 5000).outcome == .aborted)
    #expect(rig.smmu.events.isEmpty)
    #expect(rig.smmu.counters.steFetches == fetches)
    rig.smmu.setEnabled(true)
    #expect(rig.translate(sid: 1).outcome == .translated(Fixture.pa))
  }

  @Test func eventTypeNamesAndIDs() {
    #expect(EventType.cBadStreamID.rawValue == 0x02)
    #expect(EventType.cBadSTE.rawValue == 0x04)
    #expect(EventType.fStreamDisabled.rawValue == 0x06)
    #expect(EventType.cBadSubstreamID.rawValue == 0x08)
    #expect(EventType.fCDFetch.rawValue == 0x09)
    #expect(EventType.cBadCD.rawValue == 0x0A)
    #expect(EventType.fTranslation.rawValue == 0x10)
    #expect(EventType.fPermission.rawValue == 0x13)
    #expect(EventType(name: "c_bad_ste") == .cBadSTE)
    #expect(EventType(name: "F_NOPE") == nil)
    #expect(
      EventType.allCases.filter(\.isTranslationFault) == [.fTranslation, .fAddrSize, .fAccess, .fPermission])
    let e = Event(type: .cBadCD, sid: 8, ssid: 3)
    #expect(e.description == "C_BAD_CD sid=0x8 ssid=3")
  }
}
