import SMMUDriver
import Testing

@testable import Explorer

/// The sharing graph pane, zoomed and not, under both designs at both sizes: what it shows is
/// the point of the pane (legacy: STEs converging on one table; per-master: tables converging
/// on one domain; a page table drawn once).
@Suite struct SharingGraphSnapshotTests {
  static let designs: [DriverDesign] = [.legacy, .perMaster]

  @Test(arguments: ["shared-domain", "sva-leak"], designs)
  func graphPane(walkthrough: String, design: DriverDesign) {
    for size in ScreenSize.allCases {
      for zoom in [false, true] {
        var s = Fixture.walkthrough(
          walkthrough, step: walkthrough == "sva-leak" ? 1 : 3, width: size.width, height: size.height,
          design: design)
        s.press(.tab, .tab)
        if zoom { s.press(.char("z")) }
        #expect(s.focus == .graph)
        Golden.check(
          s.render(), "graph-\(walkthrough)-\(design.rawValue)-\(zoom ? "zoomed" : "pane")-\(size.rawValue)")
      }
    }
  }
}
