import SMMUDriver
import Scenario
import Testing

@testable import Explorer

/// Every pane and overlay rendered at 80x24 and 160x48 and compared with golden text files.
/// The view is a pure function of the state, so each snapshot is state -> `render()` -> lines.
@Suite struct SnapshotTests {
  static let panes: [PaneID] = PaneID.allCases

  @Test(arguments: ScreenSize.allCases)
  func mainPerMaster(size: ScreenSize) {
    let s = Fixture.main(size)
    Golden.check(s.render(), "main-per-master-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func mainLegacy(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char("p"))
    #expect(s.design == .legacy)
    Golden.check(s.render(), "main-legacy-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases, panes)
  func focusedPane(size: ScreenSize, pane: PaneID) {
    var s = Fixture.main(size)
    while s.focus != pane { s.press(.tab) }
    Golden.check(s.render(), "focus-\(pane)-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases, panes)
  func zoomedPane(size: ScreenSize, pane: PaneID) {
    var s = Fixture.main(size)
    while s.focus != pane { s.press(.tab) }
    s.press(.char("z"))
    #expect(s.zoomed)
    Golden.check(s.render(), "zoom-\(pane)-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func legacyGraphZoomedOnSVALeak(size: ScreenSize) {
    var s = Fixture.walkthrough(
      "sva-leak", step: 1, width: size.width, height: size.height, design: .legacy)
    s.press(.tab, .tab, .char("z"))
    Golden.check(s.render(), "zoom-graph-sva-leak-legacy-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func help(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char("?"))
    Golden.check(s.render(), "help-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func rawStream(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.down, .enter)
    #expect(s.overlay == .raw)
    Golden.check(s.render(), "raw-stream-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func rawCD(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.tab, .enter)
    #expect(s.overlay == .raw)
    Golden.check(s.render(), "raw-cd-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func compare(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char("c"))
    Golden.check(s.render(), "compare-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func sweepChart(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char("S"))
    Golden.check(s.render(), "sweep-\(size.rawValue)")
    s.press(.char("j"), .char("j"))
    Golden.check(s.render(), "sweep-scrolled-\(size.rawValue)")
    s.press(.escape)
    #expect(s.overlay == nil)
  }

  @Test(arguments: ScreenSize.allCases)
  func commandLine(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char(":"))
    s.type("dma nic0 0x11000 wr")
    Golden.check(s.render(), "command-line-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func filter(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char("/"))
    s.type("cfgi")
    Golden.check(s.render(), "filter-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func walkthroughMenu(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char("W"), .down, .down)
    Golden.check(s.render(), "walkthrough-menu-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func writeFilePrompt(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char("w"))
    Golden.check(s.render(), "write-file-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func asciiGlyphs(size: ScreenSize) {
    let s = Fixture.main(size, glyphs: .ascii)
    let grid = s.render()
    #expect(grid.lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    Golden.check(grid, "ascii-\(size.rawValue)")
  }

  @Test func terminalTooSmall() {
    var s = Fixture.main(.small)
    s.press(.resize(width: 40, height: 12))
    Golden.check(s.render(), "too-small-40x12")
    s.press(.resize(width: 59, height: 24))
    Golden.check(s.render(), "too-small-59x24")
    s.press(.resize(width: 160, height: 15))
    Golden.check(s.render(), "too-small-160x15")
  }

  @Test(arguments: ScreenSize.allCases)
  func walkthroughStep(size: ScreenSize) {
    let s = Fixture.walkthrough("s1dss", step: 1, width: size.width, height: size.height)
    Golden.check(s.render(), "walkthrough-s1dss-step2-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func errorStatus(size: ScreenSize) {
    var s = Fixture.main(size)
    s.press(.char(":"))
    s.type("attach nosuch nic0")
    s.press(.enter)
    Golden.check(s.render(), "error-status-\(size.rawValue)")
  }
}
