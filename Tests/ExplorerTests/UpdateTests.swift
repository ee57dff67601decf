import SMMUDriver
import Scenario
import Testing

@testable import Explorer

/// `update`: keys, clicks and resizes in, a new state and effects out.
@Suite struct UpdateTests {
  /// shared-domain at its first step: two masters and a domain, nothing attached.
  func fresh(design: DriverDesign = .perMaster) -> ExplorerState {
    Fixture.walkthrough(step: 0, width: 100, height: 30, design: design)
  }

  // MARK: Selection and panes

  @Test func arrowsAndVimKeysMoveTheSelectionWithinBounds() {
    var s = Fixture.main(.large)
    #expect(s.derived.streams.count == 2)
    #expect(s.selectedMaster == "nvme0")
    s.press(.down)
    #expect(s.selection[.streams] == 1)
    #expect(s.selectedMaster == "nic0")
    s.press(.char("j"), .down)
    #expect(s.selection[.streams] == 1, "clamped at the last row")
    s.press(.char("k"))
    #expect(s.selection[.streams] == 0)
    s.press(.up)
    #expect(s.selection[.streams] == 0, "clamped at the first row")
    s.press(.char("G"))
    #expect(s.selection[.streams] == 1)
    s.press(.home)
    #expect(s.selection[.streams] == 0)
  }

  @Test func theCDPaneFollowsTheSelectedMaster() {
    var s = Fixture.main(.large)
    #expect(s.cdTableInfo.owner == "nvme0")
    s.press(.down)
    #expect(s.cdTableInfo.owner == "nic0")
    s.press(.char("p"))
    #expect(s.cdTableInfo.owner == "dma0", "legacy: the domain's table")
  }

  @Test func tabCyclesThePanesBothWays() {
    var s = Fixture.main(.large)
    var seen: [PaneID] = []
    for _ in PaneID.allCases {
      seen.append(s.focus)
      s.press(.tab)
    }
    #expect(seen == [.streams, .cdTable, .graph, .caches, .log])
    #expect(s.focus == .streams)
    s.press(.backTab)
    #expect(s.focus == .log)
    s.press(.char("l"))
    #expect(s.focus == .streams)
  }

  @Test func movingInTheLogStartsAtTheEnd() {
    var s = Fixture.main(.large)
    s.press(.backTab)
    let count = s.visibleLog.count
    s.press(.up)
    #expect(s.selection[.log] == count - 2)
  }

  @Test func zoomTogglesAndEscapeUnzooms() {
    var s = Fixture.main(.large)
    s.press(.tab, .tab, .char("z"))
    #expect(s.zoomed)
    #expect(s.currentLayout.panes.keys.sorted { $0.rawValue < $1.rawValue } == [.graph])
    s.press(.char("z"))
    #expect(!s.zoomed)
    s.press(.char("z"), .escape)
    #expect(!s.zoomed)
    #expect(s.currentLayout.panes.count == 5)
  }

  @Test func aClickFocusesAPaneAndSelectsTheRowUnderIt() throws {
    var s = Fixture.main(.large)
    s.press(.tab, .tab)
    let rect = try #require(s.currentLayout.panes[.streams])
    // The inner area starts below the border; its first row is the column header.
    let secondRow = rect.inner.y + s.headerRows(.streams) + 1
    s.press(.click(x: rect.x + 3, y: secondRow))
    #expect(s.focus == .streams)
    #expect(s.selection[.streams] == 1)
    #expect(s.selectedMaster == "nic0")
    // A click on the header focuses but selects nothing new.
    s.press(.click(x: rect.x + 3, y: rect.inner.y))
    #expect(s.selection[.streams] == 1)
    // A click in another pane moves the focus there.
    let log = try #require(s.currentLayout.panes[.log])
    s.press(.click(x: log.x + 5, y: log.y + 1))
    #expect(s.focus == .log)
  }

  @Test func theWheelScrollsTheFocusedPane() {
    var s = Fixture.walkthrough("memory", step: 0, width: 160, height: 48)
    #expect(s.derived.streams.count == 64)
    s.press(.wheelDown, .wheelDown)
    #expect(s.selection[.streams] == 6)
    s.press(.wheelUp)
    #expect(s.selection[.streams] == 3)
    s.press(.pageDown)
    #expect(s.selection[.streams]! > 3)
  }

  @Test func resizeChangesTheGridSize() {
    var s = Fixture.main(.small)
    #expect(s.press(.resize(width: 120, height: 40)).isEmpty)
    #expect(s.width == 120 && s.height == 40)
    let grid = s.render()
    #expect(grid.width == 120 && grid.height == 40)
    #expect(grid.lines.count == 40)
    s.press(.resize(width: 40, height: 12))
    #expect(s.currentLayout.tooSmall)
    #expect(s.render().lines.contains { $0.contains("terminal too small") })
    s.press(.resize(width: 120, height: 40))
    #expect(!s.currentLayout.tooSmall)
    #expect(s.render().lines[0].contains("smmuscope"))
  }

  // MARK: Design switch, command line, undo

  @Test func pSwitchesTheDesignAndReplaysTheSession() {
    var s = fresh()
    s.press(.char(":"))
    s.type("attach dma0 nvme0")
    s.press(.enter)
    s.press(.char(":"))
    s.type("attach dma0 nic0")
    s.press(.enter)
    #expect(s.design == .perMaster)
    #expect(s.derived.cdTableCount == 2)
    s.press(.char("p"))
    #expect(s.design == .legacy)
    #expect(s.userLines == ["attach dma0 nvme0", "attach dma0 nic0"])
    #expect(s.session.results.suffix(2).map(\.text) == ["attach dma0 nvme0", "attach dma0 nic0"])
    #expect(s.derived.cdTableCount == 1, "legacy: one table for the domain")
    #expect(s.derived.reach.values.first == ["nvme0", "nic0"])
    #expect(s.status?.contains("legacy") == true)
    #expect(!s.statusIsError)
    s.press(.char("p"))
    #expect(s.design == .perMaster)
    #expect(s.derived.cdTableCount == 2)
    #expect(s.walkthrough?.name == "shared-domain", "the walkthrough stays open")
  }

  @Test func theCommandLineRunsALine() {
    var s = Fixture.walkthrough("pasid-paging", step: 0, width: 100, height: 30)
    s.press(.char(":"))
    #expect(s.overlay == .commandLine(""))
    s.type("attach ctx gpu pasid 3")
    #expect(s.overlay == .commandLine("attach ctx gpu pasid 3"))
    s.press(.enter)
    #expect(s.overlay == nil)
    #expect(!s.statusIsError, "\(s.status ?? "")")
    #expect(s.userLines == ["attach ctx gpu pasid 3"])
    #expect(s.session.driver.masters["gpu"]?.pasidDomains[3] == "ctx")
    #expect(s.cdRows.count == 2, "CD 0 (rid) and CD 3 (ctx)")
    #expect(s.render().lines.contains { $0.contains("3       2") })
    #expect(s.derived.flashedCDs.contains { $0.hasSuffix("#3") })
  }

  @Test func aBadCommandReportsAnErrorAndChangesNothing() {
    var s = fresh()
    let before = s.session.results.count
    s.press(.char(":"))
    s.type("attach nosuch nvme0")
    s.press(.enter)
    #expect(s.statusIsError)
    #expect(s.status?.contains("error") == true)
    #expect(s.status?.contains("nosuch") == true)
    #expect(s.session.results.count == before)
    #expect(s.userLines.isEmpty)
    s.press(.char(":"))
    s.type("frobnicate")
    s.press(.enter)
    #expect(s.statusIsError)
    #expect(s.session.results.count == before)
    #expect(s.render().lines[s.height - 2].contains("error"))
  }

  @Test func aRefusedOperationIsReportedAsAnError() {
    var s = Fixture.walkthrough("pasid-paging", step: 0, width: 100, height: 30, design: .legacy)
    s.press(.char(":"))
    s.type("attach ctx gpu pasid 3")
    s.press(.enter)
    #expect(s.statusIsError)
    #expect(s.status?.contains("EOPNOTSUPP") == true)
    #expect(s.session.driver.masters["gpu"]?.pasidDomains[3] == nil)
  }

  @Test func undoRemovesTheLastLine() {
    var s = fresh()
    s.press(.char(":"))
    s.type("attach dma0 nvme0")
    s.press(.enter)
    #expect(s.session.driver.masters["nvme0"]?.ridDomain == "dma0")
    s.press(.char("u"))
    #expect(s.userLines.isEmpty)
    #expect(s.session.driver.masters["nvme0"]?.ridDomain == nil)
    #expect(s.status == "undone: attach dma0 nvme0")
    s.press(.char("u"))
    #expect(s.status == "nothing to undo")
    #expect(s.statusIsError)
  }

  @Test func undoInAWalkthroughStepsBack() {
    var s = Fixture.walkthrough(step: 2)
    s.press(.char("u"))
    #expect(s.stepIndex == 1)
  }

  @Test func thePromptKeysPrefillTheCommandLine() {
    var s = Fixture.main(.large)
    s.press(.char("a"))
    #expect(s.overlay == .commandLine("attach "))
    s.press(.escape, .down, .char("d"))
    #expect(s.overlay == .commandLine("detach nic0 "))
    s.press(.escape, .char("t"))
    #expect(s.overlay == .commandLine("dma nic0 "))
    s.press(.backspace, .control("u"))
    #expect(s.overlay == .commandLine(""))
  }

  @Test func tabCompletesVerbsAndNames() {
    var s = fresh()
    s.press(.char(":"))
    s.type("att")
    s.press(.tab)
    #expect(s.overlay == .commandLine("attach "))
    s.type("dm")
    s.press(.tab)
    #expect(s.overlay == .commandLine("attach dma0 "))
    s.type("n")
    s.press(.tab)
    #expect(s.overlay == .commandLine("attach dma0 n"), "two masters start with n")
    #expect(s.status?.contains("nvme0") == true && s.status?.contains("nic0") == true)
    s.type("v")
    s.press(.tab)
    #expect(s.overlay == .commandLine("attach dma0 nvme0 "))
    s.type("xyz")
    s.press(.tab)
    #expect(s.overlay == .commandLine("attach dma0 nvme0 xyz"), "no candidate: unchanged")
    s.press(.control("u"))
    s.type("attach dma0 nvme0")
    s.press(.enter)
    #expect(s.session.driver.masters["nvme0"]?.ridDomain == "dma0")
  }

  // MARK: Walkthroughs

  @Test func spaceAndBStepThroughAWalkthrough() {
    var s = fresh()
    #expect(s.stepIndex == 0)
    #expect(s.stepCount == 5)
    s.press(.char(" "))
    #expect(s.stepIndex == 1)
    #expect(s.stepTitle == "Attach the first device")
    #expect(s.render().lines[0].contains("step 2/5"))
    #expect(s.session.driver.masters["nvme0"]?.ridDomain == "dma0")
    s.press(.char("n"), .char(" "), .char(" "))
    #expect(s.stepIndex == 4)
    s.press(.char(" "))
    #expect(s.stepIndex == 4)
    #expect(s.status == "last step of shared-domain")
    s.press(.char("b"), .char("b"), .char("b"))
    #expect(s.stepIndex == 1)
    s.press(.char("b"), .char("b"))
    #expect(s.stepIndex == 0)
    #expect(s.session.driver.masters["nvme0"]?.ridDomain == nil, "time travel: the state is rebuilt")
  }

  @Test func stepsOutsideAWalkthroughAreRefused() {
    var s = Fixture.scenario("master a sid 1\ndomain d paging\n")
    s.press(.char(" "))
    #expect(s.statusIsError)
    #expect(s.status?.contains("not in a walkthrough") == true)
    s.press(.char("n"))
    #expect(s.overlay == .commandLine("domain "), "outside a walkthrough n is new domain")
  }

  @Test func theNarrationShowsTheStepsExpectations() {
    let s = Fixture.walkthrough(step: 1)
    let text = s.narrationLines.map { $0.map(\.text).joined() }
    #expect(text.contains { $0.contains("✓ expect cd-tables == 1") })
    #expect(s.currentStepResults.allSatisfy { $0.expectation?.passed ?? true })
  }

  @Test func theWalkthroughMenuOpensAWalkthrough() {
    var s = fresh()
    s.press(.char("W"))
    #expect(s.overlay == .walkthroughMenu(0))
    s.press(.down, .char("j"), .up)
    #expect(s.overlay == .walkthroughMenu(1))
    s.press(.enter)
    #expect(s.overlay == nil)
    #expect(s.walkthrough?.name == "sva-leak")
    #expect(s.stepIndex == 0)
  }

  // MARK: Overlays and effects

  @Test func escapeClosesEveryOverlay() {
    let openers: [(Key, Overlay)] = [
      (.char("?"), .help), (.enter, .raw), (.char("c"), .compare), (.char(":"), .commandLine("")),
      (.char("/"), .filter("")), (.char("W"), .walkthroughMenu(0)),
      (.char("w"), .writeFile("smmuscope-session.scn")),
    ]
    for (key, overlay) in openers {
      var s = Fixture.main(.large)
      s.press(key)
      #expect(s.overlay == overlay)
      s.press(.escape)
      #expect(s.overlay == nil, "\(overlay)")
    }
  }

  @Test func escapeClearsTheStatus() {
    var s = fresh()
    s.press(.char("p"))
    #expect(s.status != nil)
    s.press(.escape)
    #expect(s.status == nil)
  }

  @Test func anyKeyClosesTheHelp() {
    var s = Fixture.main(.large)
    s.press(.char("?"), .char("x"))
    #expect(s.overlay == nil)
    s.press(.char("?"), .char("?"))
    #expect(s.overlay == nil)
  }

  @Test func theFilterNarrowsTheLog() {
    var s = Fixture.main(.large)
    let all = s.visibleLog.count
    s.press(.char("/"))
    s.type("CFGI_CD")
    #expect(s.logFilter == "CFGI_CD", "the filter applies while typing")
    s.press(.enter)
    #expect(s.visibleLog.count < all)
    #expect(s.visibleLog.allSatisfy { $0.text.lowercased().contains("cfgi_cd") })
    #expect(s.render().lines[0].contains("filter: CFGI_CD"))
  }

  @Test func wWritesTheSessionAsAScenario() throws {
    var s = fresh()
    s.press(.char(":"))
    s.type("attach dma0 nvme0")
    s.press(.enter)
    s.press(.char("w"))
    #expect(s.overlay == .writeFile("smmuscope-session.scn"))
    s.press(.control("u"))
    s.type("/tmp/out.scn")
    let effects = s.press(.enter)
    #expect(effects == [.writeFile(path: "/tmp/out.scn", contents: s.scenarioText)])
    guard case .writeFile(_, let contents) = effects.first else { return }
    #expect(contents.contains("design per-master"))
    #expect(contents.contains("master nvme0 sid 0x8"))
    #expect(contents.hasSuffix("attach dma0 nvme0\n"))
    // The text is a scenario that parses and runs to the same state.
    let scenario = try ScenarioParser.parse(contents, file: "written")
    let replayed = Session.run(scenario)
    #expect(replayed.driver.masters["nvme0"]?.ridDomain == "dma0")
    #expect(s.status == "wrote /tmp/out.scn")
  }

  @Test func anEmptyFileNameWritesNothing() {
    var s = fresh()
    s.press(.char("w"), .control("u"))
    #expect(s.press(.enter).isEmpty)
  }

  @Test func qAndCtrlCQuit() {
    var s = fresh()
    #expect(s.press(.char("q")) == [.quit])
    #expect(s.press(.control("c")) == [.quit])
    s.press(.char(":"))
    #expect(s.press(.char("q")).isEmpty, "q types into the command line")
    #expect(s.overlay == .commandLine("q"))
  }

  @Test func anUnboundKeyHints() {
    var s = fresh()
    #expect(s.press(.char("Z")).isEmpty)
    #expect(s.status == "no key 'Z': press ? for help")
  }

  @Test func compactTogglesAndReplays() {
    var s = Fixture.main(.large)
    #expect(s.derived.cdTableBytes == 8192)
    s.press(.char("C"))
    #expect(s.compact)
    #expect(s.derived.cdTableBytes == 128)
  }

  @Test func asciiModeDrawsOnlyASCII() {
    var s = Fixture.main(.large, glyphs: .ascii)
    for key: Key in [.char("?"), .escape, .char(":")] {
      s.press(key)
      #expect(s.render().lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
    }
  }
}
