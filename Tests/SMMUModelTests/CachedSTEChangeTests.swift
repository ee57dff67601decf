import Testing

@testable import SMMUModel

/// Reference §10 item 10: an STE cached as ABORT or BYPASS keeps its behaviour after it is
/// rewritten to stage 1 in memory, until a CFGI_STE (the architecture and QEMU agree).
@Suite struct CachedSTEChangeTests {
  @Test(arguments: ["abort", "bypass"])
  func behaviour10CachedAbortOrBypassSTEOutlivesARewriteUntilCFGISTE(_ old: String) {
    var (rig, root, _) = Rig.standard()
    let table = rig.allocateCDTable(owner: "cd-table of sid 2")
    rig.writeCD(Rig.s1CD(asid: 2, ttb0: root), table: table)
    rig.writeSTE(old == "abort" ? Rig.abortSTE() : Rig.bypassSTE(), sid: 2)
    rig.smmu.settle()
    let before = rig.translate(sid: 2)
    #expect(before.event == nil)
    #expect(before.outcome == (old == "abort" ? .aborted : .bypassed(Fixture.va)))
    // Rewritten to stage 1 in memory, no CFGI_STE: the cached STE still decides.
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 2)
    let stale = rig.translate(sid: 2)
    #expect(stale.outcome == before.outcome)
    #expect(stale.event == nil)
    rig.smmu.submit([.cfgiSTE(sid: 2, leaf: true), .sync])
    #expect(rig.translate(sid: 2).outcome == .translated(Fixture.pa))
  }
}
