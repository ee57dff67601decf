import SMMUModel
import Testing

@testable import Scenario

/// `explain dma`: a DMA like `dma` whose walk `run` prints and `run --json` includes.
@Suite struct ExplainTests {
  static let setup = """
    master gpu sid 0x8
    domain d paging
    map d 0x1000
    attach d gpu

    """

  static func run(_ body: String) throws -> Session {
    Session.run(try ScenarioParser.parse(setup + body, file: "explain"))
  }

  @Test func parsesLikeDMA() throws {
    let s = try ScenarioParser.parse(Self.setup + "explain dma gpu 0x1000 write", file: "t")
    #expect(s.lines.last?.command == .explainDMA(master: "gpu", pasid: nil, iova: 0x1000, write: true))
  }

  @Test(arguments: [
    ("explain gpu 0x1000", "explain what?"), ("explain dma nobody 0x1000", "nobody"),
    ("explain dma gpu 0x1000 sideways", "expected read or write"),
    ("explain dma gpu pasid 3 0x1000", "beyond gpu's ssid-bits 0"),
  ])
  func rejectsBadLines(line: String, message: String) {
    #expect {
      _ = try ScenarioParser.parse(Self.setup + line, file: "t")
    } throws: { e in
      (e as? ScenarioError)?.message.contains(message) == true
    }
  }

  /// The same effect as `dma` (caches change alike), plus the walk.
  @Test func changesTheModelLikeDMA() throws {
    let a = try Self.run("dma gpu 0x1000\ndma gpu 0x1000")
    let b = try Self.run("explain dma gpu 0x1000\nexplain dma gpu 0x1000")
    #expect(a.driver.smmu.counters == b.driver.smmu.counters)
    #expect(a.results.last?.walk == nil)
    #expect(b.results.last?.walk?.cachedSteps == 4)
    #expect(a.value(of: "dma.served") == "TLB" && b.value(of: "dma.served") == "TLB")
  }

  @Test func runPrintsTheWalkAfterTheLine() throws {
    let s = try Self.run("explain dma gpu 0x1000")
    let text = RunReport.text(s.results.last!)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines[0] == "5: explain dma gpu 0x1000")
    #expect(lines.contains("    walk of dma sid 0x8 va 0x1000 read:"))
    #expect(lines.contains { $0.hasPrefix("      3. STE sid 0x8 at ") })
    #expect(lines.contains("         output address 0x80001000"))
    // A plain dma line prints no walk.
    #expect(!RunReport.text(try Self.run("dma gpu 0x1000").results.last!).contains("walk of"))
  }

  @Test func jsonHasAWalkArrayOnExplainLinesOnly() throws {
    let s = try Self.run("dma gpu 0x1000\nexplain dma gpu 0x4000")
    let json = RunReport.json(s)
    #expect(!RunReport.step(s.results[4]).rendered().contains("\"walk\""))
    let step = RunReport.step(s.results[5]).rendered()
    #expect(step.contains("\"walk\":[{\"step\":\"transaction\""))
    #expect(step.contains("\"failed\":true"))
    #expect(json.contains(step))
  }

  @Test func expectReadsTheLastWalk() throws {
    let s = try Self.run(
      """
      explain dma gpu 0x1000
      expect walk.tlb == missed
      expect walk.table-reads == 4
      explain dma gpu 0x1000
      expect walk.tlb == cached
      expect walk.cd == cached
      expect walk.fault == none
      explain dma gpu 0x200000
      expect walk.fault == F_TRANSLATION
      expect walk.fault-step == S1-level-2
      """)
    #expect(s.failures.map(\.text).isEmpty)
  }

  @Test func aSessionRecordingWalksRecordsThemForDMA() throws {
    var s = Session()
    s.recordsWalks = true
    for l in (Self.setup + "dma gpu 0x1000").split(separator: "\n") { try s.execute(source: String(l)) }
    #expect(s.results.last?.walk?.tableReads == 4)
  }
}
