import Foundation
import SMMUDriver
import Testing

@testable import Scenario

/// What keeps `run` linear: the byte tokenizer, the kept last action, the streaming report,
/// the ASID search start and the generated linearity shapes.
struct LinearRunTests {
  @Test func asciiTokenizerMatchesTheCharacterTokenizer() {
    let lines = [
      "attach d0 m0 pasid 3", "  master  nvme0\tsid 0x8,0x9 ssid-bits 8 # comment", "say \"hello # there\" x",
      "step \"unterminated", "\"\"", "a\"b c\"d", "#only a comment", "", "   ", "expect last.syncs >= 1#x",
      "legacy: attach d m", "x\t\t\"q\"\ty",
    ]
    for line in lines {
      let fast = line.utf8.withContiguousStorageIfAvailable(tokenizeASCII)
      let slow = tokenizeCharacters(line)
      #expect(fast?.tokens == slow.tokens, "\(line)")
      #expect(fast?.unterminatedQuoteAt == slow.unterminatedQuoteAt, "\(line)")
    }
    #expect(isPlainASCII("attach d m") && !isPlainASCII("say \"é\"") && !isPlainASCII("a\r\n"))
  }

  @Test func nonASCIIAndCRLFTextParsesLikeLF() throws {
    // Columns count characters: the error points at the same column either way.
    let e = #expect(throws: ScenarioError.self) {
      try ScenarioParser.parse("say \"héllo\" bogus\n", file: "f")
    }
    #expect(e?.column == 13)
    // CR LF is one character, so such text takes the character path, which splits lines on
    // LF and on CR LF alike.
    let crlf = try ScenarioParser.parse("master a sid 0x1\r\nmaster b sid 0x2\r\n", file: "f")
    #expect(crlf.lines.map(\.text) == ["master a sid 0x1", "master b sid 0x2"])
    let lf = try ScenarioParser.parse("master a sid 0x1\nmaster b sid 0x2\n", file: "f")
    #expect(lf.lines.count == 2)
  }

  @Test func expectationsAfterManyExpectsStillSeeTheLastAction() throws {
    var source = "master m sid 0x8\ndomain d paging\nattach d m\n"
    for _ in 0..<50 { source += "expect last.syncs == 4\n" }
    source += "detach m\nexpect last.syncs == 4\nexpect last.cd-writes == 3\n"
    let s = try run(source)
    #expect(s.failures.isEmpty, "\(s.failures.map { $0.expectation!.message })")
    #expect(s.results.filter { $0.expectation != nil }.count == 52)
  }

  @Test func streamingReportEqualsTheReportOfTheKeptResults() throws {
    for w in Walkthrough.all {
      for design in w.designs {
        let kept = Session.run(w.scenario, design: design)
        var text = RunReport.textHead(
          label: Session.finalOptions(w.scenario, design: design, compact: nil).label)
        var json = RunReport.jsonHead(label: kept.options.label)
        var count = 0
        let streamed = Session.run(w.scenario, design: design, keepingResults: false) { r in
          text += RunReport.text(r)
          json += (count == 0 ? "" : ",") + RunReport.step(r).rendered()
          count += 1
        }
        #expect(streamed.results.isEmpty && count == kept.results.count)
        #expect(text + RunReport.textSummary(streamed) == RunReport.text(kept), "\(w.name)")
        #expect(json + RunReport.jsonTail(streamed) == RunReport.json(kept), "\(w.name)")
        #expect(streamed.failures.map(\.line) == kept.failures.map(\.line))
      }
    }
  }

  @Test func finalOptionsFollowTheDesignLinesThatRun() throws {
    let s = try ScenarioParser.parse("design legacy compact\n", file: "f")
    #expect(Session.finalOptions(s, design: nil, compact: nil).label == "legacy+compact")
    #expect(Session.finalOptions(s, design: .perMaster, compact: nil).label == "per-master+compact")
    #expect(Session.finalOptions(s, design: nil, compact: false).label == "legacy")
    #expect(Session.finalOptions(s, design: nil, compact: nil).label == Session.run(s).options.label)
  }

  @Test func freedASIDIsReusedBeforeHigherOnes() throws {
    let s = try run(
      """
      master m sid 0x8
      domain a paging
      domain b paging
      domain c paging
      attach a m
      attach b m
      attach c m
      detach m
      free b
      domain e paging
      attach e m
      domain f paging
      attach f m
      expect domain.a.asid == 1
      expect domain.c.asid == 3
      expect domain.e.asid == 2
      expect domain.f.asid == 4
      """)
    #expect(s.failures.isEmpty, "\(s.failures.map { $0.expectation!.message })")
  }

  @Test func linearityShapesHaveTheirLineCountsAndRunCleanly() throws {
    for shape in LinearityShape.allCases {
      let scenario = try ScenarioParser.parse(shape.scenario(lines: 400), file: shape.rawValue)
      #expect(scenario.lines.count == 400)
      let s = Session.run(scenario)
      #expect(s.totals.errors == 0 && s.failures.isEmpty, "\(shape.rawValue)")
    }
  }
}
