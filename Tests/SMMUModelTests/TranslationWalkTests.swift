import SMMUModel
import Testing

/// The step-by-step walk `translate(_:recordWalk:)` records: the same path as the
/// translation, the cache that served each step and what would drop it.
@Suite struct TranslationWalkTests {
  func walk(_ rig: inout Rig, sid: UInt32 = 1, va: UInt64 = Fixture.va, write: Bool = false)
    -> (TranslationResult, TranslationWalk)
  {
    let r = rig.smmu.translate(Transaction(sid: sid, address: va, write: write), recordWalk: true)
    return (r, r.walk!)
  }

  @Test func noWalkUnlessAsked() {
    var (rig, _, _) = Rig.standard()
    #expect(rig.translate(sid: 1).walk == nil)
  }

  @Test func coldWalkFetchesEveryStructureAndFourLevels() {
    var (rig, root, table) = Rig.standard()
    let (r, w) = walk(&rig, va: Fixture.va + 0x234)
    #expect(w.steps.map(\.kind) == [.transaction, .ste, .cd, .tlb, .s1Level, .s1Level, .s1Level, .s1Level])
    #expect(w.steps[1].source == .fetched && w.steps[1].address == rig.steAddress(1))
    #expect(w.steps[2].source == .fetched && w.steps[2].address == table.base)
    #expect(w.steps[3].source == .missed)
    #expect(w.tableReads == 4 && w.cachedSteps == 0)
    #expect(w.outcome == r.outcome && w.outcome == .translated(Fixture.pa + 0x234))
    #expect(w.failure == nil)
    // Each level: the descriptor is what memory holds at the slot; level 0 reads the root.
    let levels = w.steps.filter { $0.kind == .s1Level }
    #expect(levels.map(\.level) == [0, 1, 2, 3])
    #expect(levels[0].fields.first == WalkField("table", hex(root)))
    for l in levels { #expect(l.descriptor == [rig.load(l.address!)!]) }
    #expect(levels[0].note == "IOVA bits 47:39 = 0x0")
    #expect(levels[3].note == "IOVA bits 20:12 = 0x1")
    #expect(w.steps[1].fields.contains(WalkField("Config", "S1", decided: true)))
    #expect(w.steps[2].fields.contains(WalkField("ASID", "1", decided: true)))
  }

  @Test func warmWalkIsServedByTheCachesWithTheirInvalidations() {
    var (rig, _, _) = Rig.standard()
    _ = walk(&rig)
    let (_, w) = walk(&rig)
    #expect(w.steps.map(\.kind) == [.transaction, .ste, .cd, .tlb])
    #expect(w.tableReads == 0 && w.fetchedSteps == 0 && w.cachedSteps == 3)
    guard case .cached(let ste) = w.steps[1].source, case .cached(let cd) = w.steps[2].source,
      case .cached(let tlb) = w.steps[3].source
    else {
      Issue.record("expected cached steps")
      return
    }
    #expect(ste.hasPrefix("CFGI_STE sid 0x1 "))
    #expect(cd.hasPrefix("CFGI_CD sid 0x1 ssid 0 / CFGI_CD_ALL sid 0x1"))
    #expect(tlb.hasPrefix("TLBI_NH_VA asid 1 addr 0x1000 / TLBI_NH_ASID asid 1"))
  }

  /// The first command each cached step names does drop that step's entry (and only it).
  @Test func theNamedCommandsDropTheSteps() {
    var (rig, _, _) = Rig.standard()
    _ = walk(&rig)
    rig.smmu.submit([.cfgiCD(sid: 1, ssid: 0, leaf: true), .sync])
    var w = walk(&rig).1
    #expect(w.steps.map(\.source.text).map { $0.prefix(5) } == ["-", "cache", "fetch", "cache"])
    rig.smmu.submit([.tlbiNHVA(vmid: 0, asid: 1, address: Fixture.va, leaf: true, range: nil), .sync])
    w = walk(&rig).1
    #expect(w.steps[3].source == .missed && w.tableReads == 4)
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    w = walk(&rig).1
    #expect(w.steps[1].source == .fetched && w.steps[2].source == .fetched)
  }

  @Test func faultNamesTheStepAndTheReason() {
    var (rig, _, _) = Rig.standard()
    let (r, w) = walk(&rig, va: 0x4000_0000)
    #expect(r.event?.type == .fTranslation)
    let f = try! #require(w.failure)
    #expect(f.event == .fTranslation && f.recorded)
    #expect(w.steps[f.step].kind == .s1Level)
    #expect(w.steps[f.step].fields.contains(WalkField("type", "invalid", decided: true)))
    #expect(w.outcome == .aborted)
  }

  @Test func invalidCDIsCBadCDAtTheCDStep() {
    var (rig, _, table) = Rig.standard()
    rig.store(table.base, 0)
    rig.smmu.settle()
    let (_, w) = walk(&rig)
    #expect(w.failure?.event == .cBadCD && w.failure?.reason == "CD.V=0")
    #expect(w.steps[w.failure!.step].kind == .cd)
  }

  @Test func atcHitIsOneStep() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    rig.attachS1(sid: 1, asid: 1, root: root, ats: true)
    rig.smmu.setEndpointATS(sid: 1, enabled: true)
    let cold = walk(&rig).1
    #expect(cold.steps[1].kind == .atc && cold.steps[1].source == .missed)
    let (r, w) = walk(&rig)
    #expect(r.servedBy == "ATC")
    #expect(w.steps.map(\.kind) == [.transaction, .atc])
    #expect(w.steps[1].source.text.contains("ATC_INV sid 0x1"))
  }

  /// The 2-D walk: a grid row per IPA stage 2 translated (the CD, each stage-1 table, the
  /// final IPA), each a 4-level stage-2 walk.
  @Test func nestedWalkHasAGridRowPerTranslatedIPA() {
    var rig = Rig.nested().rig
    let (r, w) = walk(&rig, va: 0x1010)
    #expect(r.outcome == .translated(0xB000_0010) && w.outcome == r.outcome)
    let grid = w.nestedGrid
    #expect(grid.count == 6 && grid.last?.translates == nil)
    #expect(
      grid.dropLast().map { w.steps[$0.translates ?? 0].kind } == [
        .cd, .s1Level, .s1Level, .s1Level, .s1Level,
      ])
    #expect(grid.allSatisfy { $0.levels.map(\.level) == [0, 1, 2, 3] })
    #expect(grid[5].levels[0].note == "IPA bits 47:39 = 0x0")
    // 4 stage-1 reads, 4 x 4 for their tables, 4 for the CD and 4 for the final IPA.
    #expect(w.tableReads == 28)
  }

  /// Recording a walk changes nothing else: same results, counters and caches.
  @Test func recordingChangesNothing() {
    var (a, _, _) = Rig.standard()
    var b = a
    let vas: [UInt64] = [Fixture.va, Fixture.va, 0x4000_0000, Fixture.va + 8]
    for (i, va) in vas.enumerated() {
      var ra = a.smmu.translate(Transaction(sid: 1, address: va, write: i == 3), recordWalk: true)
      let rb = b.smmu.translate(Transaction(sid: 1, address: va, write: i == 3))
      #expect(ra.walk != nil)
      ra.walk = nil
      #expect(ra == rb)
    }
    #expect(a.smmu.counters == b.smmu.counters)
    #expect(a.configKeys == b.configKeys && a.tlbKeys == b.tlbKeys)
  }
}
