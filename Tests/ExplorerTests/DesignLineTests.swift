import SMMUDriver
import Scenario
import Testing

@testable import Explorer

/// A scenario file's `design ... compact` line in the explorer: honoured unless `--design` /
/// `--compact` force another (the explorer used to force its own design and no compaction).
struct DesignLineTests {
  static let source = "design legacy compact\nmaster a sid 1\ndomain d paging\nattach d a\n"

  func loaded(design: DriverDesign?, compact: Bool?) throws -> ExplorerState {
    var s = ExplorerState(width: 80, height: 24)
    s.load(try ScenarioParser.parse(Self.source, file: "t.scn"), design: design, compact: compact)
    return s
  }

  @Test func theFilesDesignAndCompactApply() throws {
    let s = try loaded(design: nil, compact: nil)
    #expect(s.design == .legacy)
    #expect(s.compact)
    #expect(s.session.options.label == "legacy+compact")
    #expect(s.session.cdTables.count == 1, "the legacy design's CD table of domain d")
  }

  @Test func aForcedDesignKeepsTheFilesCompact() throws {
    let s = try loaded(design: .perMaster, compact: nil)
    #expect(s.design == .perMaster)
    #expect(s.compact)
  }

  @Test func forcedCompactOnADesignLineWithoutIt() throws {
    var s = ExplorerState(width: 80, height: 24)
    s.load(try ScenarioParser.parse("design legacy\nmaster a sid 1\n", file: "t.scn"), compact: true)
    #expect(s.session.options.label == "legacy+compact")
  }

  @Test func theDesignSwitchStillOverridesAfterLoading() throws {
    var s = try loaded(design: nil, compact: nil)
    s.replay(design: .perMaster, compact: s.compact)
    #expect(s.session.options.label == "per-master+compact")
  }
}

/// A walkthrough for one design only opens in it, whatever the explorer's design was, and
/// its expectations hold at every step.
struct SingleDesignWalkthroughTests {
  @Test(arguments: [0, 1, 2, 3])
  func nestedUpdateSafeOpensUnderPerMaster(step: Int) {
    let s = Fixture.walkthrough("nested-update-safe", step: step, design: .legacy)
    #expect(s.design == .perMaster)
    #expect(s.session.failures.isEmpty, "\(s.session.failures.map { $0.expectation?.message ?? "" })")
  }
}
