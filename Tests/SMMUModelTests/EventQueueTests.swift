import SMMUModel
import Testing

/// The architectural event queue (checklist item 21) and invalid-entry caching (item 9).
@Suite struct EventQueueTests {
  /// Item 21: a full queue drops non-stall records and toggles OVFLG once per overflow; the
  /// log keeps every record raised.
  @Test func fullQueueDropsRecordsAndTogglesOverflowOnce() {
    var features = SMMUFeatures()
    features.eventQueueEntries = 2
    var rig = Rig(features: features)
    for _ in 0..<3 { rig.translate(sid: 2) }  // STE V=0: C_BAD_STE each time
    #expect(rig.smmu.events.count == 3)
    #expect(rig.smmu.eventQueue.count == 2 && rig.smmu.eventQueue.lost == 1)
    #expect(rig.smmu.eventQueue.overflowFlag && rig.smmu.eventQueue.overflowPending)
    rig.translate(sid: 2)
    #expect(rig.smmu.eventQueue.overflowFlag && rig.smmu.eventQueue.lost == 2)
    rig.smmu.consumeEvents()
    #expect(rig.smmu.eventQueue.count == 0 && !rig.smmu.eventQueue.overflowPending)
    #expect(rig.smmu.eventQueue.overflowFlag)
    for _ in 0..<3 { rig.translate(sid: 2) }
    #expect(!rig.smmu.eventQueue.overflowFlag && rig.smmu.eventQueue.overflowPending)
    #expect(rig.smmu.eventQueue.lost == 3)
  }

  /// Stall records are not lost to a full queue: they wait and are written when software
  /// makes room.
  @Test func stallRecordsWaitForRoom() {
    var q = EventQueue(capacity: 1)
    let first = q.push(stall: false)
    let stalled = q.push(stall: true)
    let dropped = q.push(stall: false)
    #expect(first && stalled && !dropped)
    #expect(q.count == 1 && q.waitingStallRecords == 1 && q.lost == 1)
    q.consumeAll()
    #expect(q.count == 1 && q.waitingStallRecords == 0)
  }

  /// Event fields: CLASS defaults to IN for translation faults, TT for F_WALK_EABT, none for
  /// configuration errors.
  @Test func eventClassDefaults() {
    #expect(Event(type: .fTranslation, sid: 1).eventClass == .input)
    #expect(Event(type: .fWalkEABT, sid: 1).eventClass == .tt)
    #expect(Event(type: .cBadSTE, sid: 1).eventClass == nil)
    #expect(
      Event(type: .fTranslation, sid: 1, eventClass: .cd, stall: true, stag: 7).description.hasSuffix(
        "stall stag=7"))
  }

  /// Item 9, both modes: an STE seen invalid stays cached (A) or is never cached (B); PREFETCH
  /// likewise. In both, a CD written before its STE is made valid is used without CFGI_CD.
  @Test(arguments: [true, false])
  func invalidEntryCachingIsAMode(cachesInvalid: Bool) {
    var features = SMMUFeatures()
    features.cachesInvalidEntries = cachesInvalid
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable()
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root), table: table)
    var ste = Rig.s1STE(cdTable: table.base)
    ste[StreamTableEntry.v] = 0
    rig.writeSTE(ste, sid: 1)
    #expect(rig.translate(sid: 1).event?.type == .cBadSTE)
    ste[StreamTableEntry.v] = 1
    rig.writeSTE(ste, sid: 1)
    let r = rig.translate(sid: 1)
    #expect(cachesInvalid ? r.event?.type == .cBadSTE : r.outcome == .translated(Fixture.pa))

    // PREFETCH_CFG of an invalid STE.
    var rig2 = Rig(features: features)
    ste[StreamTableEntry.v] = 0
    rig2.writeSTE(ste, sid: 1)
    rig2.smmu.submit([.prefetchConfig(sid: 1, ssid: nil), .sync])
    #expect(rig2.smmu.events.isEmpty)
    #expect(rig2.configKeys.contains(.ste(sid: 1)) == cachesInvalid)
  }
}
