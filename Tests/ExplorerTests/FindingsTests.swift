import Checker
import SMMUModel
import Scenario
import Testing

@testable import Explorer

/// The checker in the explorer: the live count, the `!` findings list, going to a finding's
/// point and back.
@Suite struct FindingsTests {
  /// A master with a domain attached and a page mapped, its CD cached by a DMA.
  static let attached = """
    smmu cache-invalid no
    master nvme0 sid 8
    domain dma0 paging
    attach dma0 nvme0
    map dma0 0x1000
    dma nvme0 0x1000
    """

  /// A store that flips bit 13 of the CD's q0, with no CFGI_CD.
  static let flip = "write cd nvme0 0 0 0x1e205c0001510"

  /// The missing-invalidation walkthrough at its last step: stale, stale, unsynced.
  static func threeFindings(_ size: ScreenSize = .large) -> ExplorerState {
    Fixture.walkthrough("missing-invalidation", step: 99, width: size.width, height: size.height)
  }

  /// The status bar row.
  static func statusRow(_ s: ExplorerState) -> String { s.render().lines[s.height - 2] }

  @Test func aTypedLineWithoutItsCFGIIsCountedLive() {
    var s = Fixture.scenario(Self.attached, width: 80, height: 24)
    #expect(s.session.checker != nil)
    #expect(s.session.findings.isEmpty)
    #expect(Self.statusRow(s).hasSuffix(" checked: clean "))
    s.press(.char(":"))
    s.type(Self.flip)
    s.press(.enter)
    #expect(s.session.findings.map(\.kind) == [.stale])
    #expect(s.status?.contains("1 new finding") == true)
    #expect(!s.statusIsError, "the line ran: a paste would go on")
    #expect(Self.statusRow(s).hasSuffix(" ! 1 finding "))
    // Undo replays without the line: clean again.
    s.press(.escape, .char("u"))
    #expect(s.session.findings.isEmpty)
  }

  @Test func aFindingDoesNotStopAPaste() {
    var s = Fixture.scenario(Self.attached, width: 80, height: 24)
    s.press(.char(":"), .paste(Self.flip + "\ndma nvme0 0x1000\n"))
    #expect(s.session.findings.count == 1)
    #expect(s.userLines == [Self.flip, "dma nvme0 0x1000"])
  }

  @Test func theCountSurvivesADesignSwitch() {
    var s = Self.threeFindings(.small)
    #expect(s.session.findings.count == 3)
    s.press(.char("p"))
    #expect(s.design == .legacy)
    #expect(s.session.checker != nil)
    #expect(Self.statusRow(s).contains("finding"))
  }

  @Test(arguments: ScreenSize.allCases)
  func findingsList(size: ScreenSize) {
    var s = Self.threeFindings(size)
    s.press(.char("!"), .char("j"))
    #expect(s.overlay == .findings(FindingsList(selected: 1)))
    Golden.check(s.render(), "findings-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func cleanSessionSaysWhatWasChecked(size: ScreenSize) {
    var s = Fixture.scenario(Self.attached, width: size.width, height: size.height)
    s.press(.char("!"))
    let text = s.render().lines.joined(separator: "\n")
    #expect(text.contains("The session is clean"))
    #expect(text.contains("\(s.session.checker!.totals.operations) operations"))
    Golden.check(s.render(), "findings-clean-\(size.rawValue)")
  }

  @Test func keysMoveTheSelectionWithinTheList() {
    var s = Self.threeFindings()
    s.press(.char("!"))
    s.press(.char("k"))
    #expect(s.overlay == .findings(FindingsList(selected: 0)))
    s.press(.down, .down, .down)
    #expect(s.overlay == .findings(FindingsList(selected: 2)))
    s.press(.up, .home)
    #expect(s.overlay == .findings(FindingsList(selected: 0)))
    s.press(.char("G"))
    #expect(s.overlay == .findings(FindingsList(selected: 2)))
    s.press(.escape)
    #expect(s.overlay == nil)
  }

  @Test(arguments: ScreenSize.allCases)
  func enterGoesToTheFindingsPointAndEscComesBack(size: ScreenSize) throws {
    var s = Self.threeFindings(size)
    let live = s.render().lines.joined(separator: "\n")
    s.press(.char("!"), .char("j"), .enter)
    // The walk of the stream under the stale CD, headed by the finding.
    guard case .walk(let v) = s.overlay else {
      Issue.record("no walk view: \(String(describing: s.overlay))")
      return
    }
    let f = s.session.findings[1]
    #expect(v.walk == f.translation?.walk)
    #expect(v.preface.contains { $0.map(\.text).joined().contains(f.cache) })
    let walk = s.render().lines.joined(separator: "\n")
    #expect(walk.contains("finding 2/3: stale line 12"))
    #expect(walk.contains("cached"))
    Golden.check(s.render(), "finding-walk-\(size.rawValue)")
    // Esc: the panes at the point, its stream selected, the stale CD in the caches pane.
    s.press(.escape)
    #expect(s.overlay == nil)
    #expect(s.inspecting?.index == 1)
    #expect(s.session.driver.smmu.configCache.count == f.state?.configCache.count)
    #expect(s.selectedMaster == "nvme0")
    #expect(s.visibleLog[s.selectedRow(.log, count: s.visibleLog.count)].text.hasPrefix("12: "))
    let point = s.render().lines.joined(separator: "\n")
    #expect(point.contains("at finding 2/3: stale line 12"))
    #expect(point.contains("STALE"))
    #expect(!live.contains("STALE"))
    Golden.check(s.render(), "finding-point-\(size.rawValue)")
    // e reopens the walk; Esc closes it; Esc again: the list and the live session.
    s.press(.char("e"))
    #expect(s.overlay == .walk(v))
    s.press(.escape, .escape)
    #expect(s.inspecting == nil)
    #expect(s.overlay == .findings(FindingsList(selected: 1)))
    s.press(.escape)
    #expect(s.render().lines.joined(separator: "\n") == live)
  }

  @Test func aFindingWithoutAWalkShowsItsText() {
    var s = Self.threeFindings()
    s.press(.char("!"), .char("G"), .enter)
    #expect(s.session.findings[2].kind == .unsynced)
    #expect(s.overlay == .findings(FindingsList(selected: 2, detail: true)))
    #expect(s.render().lines.contains { $0.contains("missing  CMD_SYNC") })
    s.press(.escape)
    #expect(s.overlay == .findings(FindingsList(selected: 2)))
  }

  @Test func typingALineAtAFindingsPointRunsItOnTheLiveSession() {
    var s = Self.threeFindings()
    let lines = s.session.results.count
    s.press(.char("!"), .enter, .escape)
    #expect(s.inspecting != nil)
    s.press(.char(":"))
    #expect(s.inspecting == nil)
    s.type("dma nvme0 0x1000")
    s.press(.enter)
    #expect(s.session.results.count == lines + 1)
    #expect(s.session.findings.count == 3)
  }

  @Test func aLargeFileStartsUncheckedAndBangChecksIt() {
    let dmas = Array(repeating: "dma nvme0 0x1000", count: CheckBudget.lines)
    var s = Fixture.scenario(
      ([Self.attached, Self.flip] + dmas).joined(separator: "\n"), width: 80, height: 24)
    #expect(s.session.checker == nil)
    #expect(Self.statusRow(s).contains("unchecked: ! checks"))
    s.press(.char("!"))
    #expect(s.session.checker != nil)
    #expect(s.checksOnDemand)
    #expect(s.status?.hasPrefix("checked on demand") == true)
    #expect(s.session.findings.map(\.kind) == [.stale])
    #expect(s.overlay == .findings(FindingsList()))
    // Later replays keep checking.
    s.press(.escape, .char("p"))
    #expect(s.session.checker != nil)
  }

  @Test func theBadgeFitsBesideTheTotalsAt80Columns() {
    let s = Self.threeFindings(.small)
    let row = Self.statusRow(s)
    #expect(row.hasSuffix(" ! 3 findings "))
    #expect(row.contains("hazards 1"))
  }
}

extension FindingsTests {
  @Test func atAFindingsPointEscAndEGoBackAndWalk() {
    var s = Self.threeFindings()
    s.press(.char("!"), .enter, .escape)
    #expect(s.inspecting?.index == 0)
    let k = s.keymap
    #expect(k.action(for: .escape) == .findings)
    #expect(k.action(for: .char("!")) == .findings)
    #expect(k.action(for: .char("e")) == .walk)
    #expect(!k.bindings.contains { $0.action == .dismiss }, "Esc no longer clears the status line here")
    #expect(k.action(for: .char(" ")) == .nextStep, "the walkthrough's keys still work")
    #expect(s.render().lines[s.height - 1].hasPrefix(" Esc findings  e walk "))
    // A walkthrough step replays: the live session again.
    s.press(.char("b"))
    #expect(s.inspecting == nil)
    #expect(s.session.checker != nil)
  }

  @Test func anImportedRunIsNotChecked() throws {
    var s = try ImportModeTests.state()
    #expect(s.checkBadge == nil)
    s.press(.char("!"))
    #expect(s.overlay == nil)
    #expect(s.status?.contains("not checked") == true)
  }
}
