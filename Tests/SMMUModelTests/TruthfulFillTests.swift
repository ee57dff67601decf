import SMMUModel
import Testing

/// The TLB-hit hazard checks skip the cache-less resolution only where it cannot differ from
/// the fill (`TruthfulFill`); every other hit is still checked against memory.
@Suite struct TruthfulFillTests {
  @Test func hitRightAfterTheFillIsCleanReadOrWrite() {
    var (rig, _, _) = Rig.standard()
    #expect(rig.translate(sid: 1).servedBy == "walk")
    let read = rig.translate(sid: 1)
    let write = rig.translate(sid: 1, write: true)
    #expect(read.servedBy == "TLB" && write.servedBy == "TLB")
    #expect(read.outcome == .translated(Fixture.pa) && write.outcome == .translated(Fixture.pa))
    #expect(read.hazards.isEmpty && write.hazards.isEmpty)
  }

  @Test func hitByAnotherStreamOnTheSameASIDIsStillChecked() {
    var rig = Rig()
    let rootA = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: rootA)
    let rootB = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa2, root: rootB)
    _ = rig.attachS1(sid: 1, asid: 5, root: rootA)
    _ = rig.attachS1(sid: 2, asid: 5, root: rootB)
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
    // Nothing was stored since the fill, but SID 2's CD uses another table under ASID 5.
    let r = rig.translate(sid: 2)
    #expect(r.servedBy == "TLB")
    #expect(r.hazards.contains { $0.kind == .asidReuse })
  }

  @Test func hitAfterAnyStoreIsCheckedAgain() {
    var (rig, root, _) = Rig.standard()
    rig.translate(sid: 1)
    rig.unmap(Fixture.va, root: root)
    #expect(rig.translate(sid: 1).hazards.first?.kind == .missingInvalidation)
    // And again on the next hit: nothing refilled the entry, so nothing vouches for it.
    #expect(rig.translate(sid: 1).hazards.first?.kind == .missingInvalidation)
  }

  /// A hit whose configuration lines are all memory's re-walks only (the truth reads the same
  /// CD); one through a stale CD resolves the truth from memory's CD, whose other table shows.
  @Test func hitThroughAStaleCDIsCheckedAgainstMemorysCD() {
    var (rig, root, table) = Rig.standard()
    rig.translate(sid: 1)
    let other = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa2, root: other)
    // Fresh lines: the walk from the cached CD's table still gives the entry's output.
    #expect(rig.translate(sid: 1).hazards.isEmpty)
    // The CD now names another table, with no CFGI_CD: the cached CD is stale.
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: other), table: table)
    let r = rig.translate(sid: 1)
    #expect(r.servedBy == "TLB" && root != other)
    #expect(r.hazards.contains { $0.kind == .missingInvalidation && $0.entry.hasPrefix("CD") })
    #expect(r.hazards.contains { $0.kind == .asidReuse })
  }
}
