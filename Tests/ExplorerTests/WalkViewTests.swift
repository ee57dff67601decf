import SMMUModel
import Scenario
import Testing

@testable import Explorer

/// The walk view: opened on a dma log line (Enter), by `e`, or by `:explain dma`; scrolls;
/// Escape closes it. Goldens of a cold walk, a warm one and a fault at both sizes.
@Suite struct WalkViewTests {
  /// anatomy-of-a-dma at a step, with the last DMA's walk open (`e`).
  static func walkOpen(step: Int, _ size: ScreenSize) -> ExplorerState {
    var s = Fixture.walkthrough("anatomy-of-a-dma", step: step, width: size.width, height: size.height)
    s.press(.char("e"))
    return s
  }

  static func openWalk(_ s: ExplorerState) -> WalkView? {
    if case .walk(let v) = s.overlay { v } else { nil }
  }

  @Test(arguments: ScreenSize.allCases)
  func coldWalk(size: ScreenSize) throws {
    let s = Self.walkOpen(step: 0, size)
    let v = try #require(Self.openWalk(s))
    #expect(v.walk.tableReads == 4 && v.walk.cachedSteps == 0)
    Golden.check(s.render(), "walk-cold-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func warmWalk(size: ScreenSize) throws {
    let s = Self.walkOpen(step: 1, size)
    let v = try #require(Self.openWalk(s))
    #expect(v.walk.fetchedSteps == 0)
    Golden.check(s.render(), "walk-warm-\(size.rawValue)")
  }

  @Test(arguments: ScreenSize.allCases)
  func faultWalk(size: ScreenSize) throws {
    let s = Self.walkOpen(step: 3, size)
    let v = try #require(Self.openWalk(s))
    #expect(v.walk.failure?.event == .fTranslation)
    Golden.check(s.render(), "walk-fault-\(size.rawValue)")
    // The result (at the bottom) names the event, the step and why.
    var end = s
    end.press(.char("G"))
    #expect(end.render().lines.contains { $0.contains("=> F_TRANSLATION (not recorded") })
    #expect(
      WalkReport.resultText(v.walk).hasSuffix("at step 7 (S1 level 1): no valid descriptor for this address"))
  }

  /// Enter on a past dma line shows that DMA at its time (cold), not the state now (warm).
  @Test func enterOnAPastLogLineShowsThatDMA() throws {
    var s = Fixture.walkthrough("anatomy-of-a-dma", step: 1, width: 160, height: 48)
    while s.focus != .log { s.press(.tab) }
    let row = try #require(s.visibleLog.firstIndex { $0.text.hasSuffix("explain dma nvme0 0x1000") })
    // A detail line under it selects the same DMA.
    s.selection[.log] = row + 1
    s.press(.enter)
    let v = try #require(Self.openWalk(s))
    #expect(v.source.hasSuffix("explain dma nvme0 0x1000"))
    #expect(v.walk.tableReads == 4)
    s.press(.escape)
    #expect(s.overlay == nil)
  }

  /// Enter elsewhere still opens the raw qwords; on a line without a DMA, too.
  @Test func enterOutsideADMALineIsRaw() {
    var s = Fixture.walkthrough("anatomy-of-a-dma", step: 1, width: 160, height: 48)
    s.press(.enter)
    #expect(s.overlay == .raw)
    s.press(.escape)
    while s.focus != .log { s.press(.tab) }
    s.selection[.log] = 0
    s.press(.enter)
    #expect(s.overlay == .raw)
  }

  @Test func explainOnTheCommandLineOpensTheWalk() throws {
    var s = Fixture.walkthrough("anatomy-of-a-dma", step: 1, width: 100, height: 30)
    s.press(.char(":"))
    s.type("explain dma nvme0 0x40000000 write")
    s.press(.enter)
    let v = try #require(Self.openWalk(s))
    #expect(v.walk.transaction.write && v.walk.failure?.event == .fTranslation)
  }

  @Test func aDMATypedWithTOffersItsWalk() throws {
    var s = Fixture.walkthrough("anatomy-of-a-dma", step: 1, width: 100, height: 30)
    s.press(.char("t"))
    s.type("0x1000")
    s.press(.enter)
    #expect(s.status?.contains("e: its walk") == true)
    s.press(.char("e"))
    let v = try #require(Self.openWalk(s))
    #expect(v.source.hasSuffix("dma nvme0 0x1000"))
    #expect(v.walk.steps.contains { $0.kind == .tlb })
  }

  @Test func scrollingStaysWithinTheWalk() throws {
    var s = Self.walkOpen(step: 0, .small)
    s.press(.pageDown, .pageDown, .pageDown, .pageDown)
    let bottom = try #require(Self.openWalk(s)).scroll
    #expect(bottom == s.walkScrollLimit(try #require(Self.openWalk(s))) && bottom > 0)
    s.press(.down)
    #expect(Self.openWalk(s)?.scroll == bottom)
    s.press(.char("g"))
    #expect(Self.openWalk(s)?.scroll == 0)
    s.press(.up)
    #expect(Self.openWalk(s)?.scroll == 0)
    s.press(.char("q"))
    #expect(s.overlay == nil)
  }

  @Test func noWalkYetIsAnError() {
    var s = ExplorerState(width: 100, height: 30)
    s.press(.char("e"))
    #expect(s.overlay == nil && s.statusIsError)
  }
}
