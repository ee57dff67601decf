import Testing

@testable import Explorer

/// The CD-table pane shows a 2-level table's L1 and leaves.
@Suite struct CDPaneTests {
  @Test func twoLevelTableShowsItsL1AndLeaf() {
    // group walkthrough, per-master: gpu (20 SSID bits) owns a 64K_L2 table with one leaf.
    let s = Fixture.walkthrough("group", step: 0, width: 160, height: 48)
    let text = s.render().lines.joined(separator: "\n")
    #expect(text.contains("cd-table of gpu: 64K_L2, 1048576 CDs, 1 leaf, 73728 B"))
    #expect(text.contains("L1 1024x8B @0x"))
    #expect(text.contains("SSID 0-1023"))
  }

  @Test func linearTableHasNoLevelsLine() {
    let s = Fixture.walkthrough("shared-domain", step: 2, width: 160, height: 48)
    #expect(s.cdTableLevels == nil)
    #expect(s.headerRows(.cdTable) == 2)
  }
}
