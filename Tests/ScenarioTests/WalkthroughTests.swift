import SMMUDriver
import Testing

@testable import Scenario

/// The built-in walkthroughs parse, pass under both designs and teach something.
struct WalkthroughTests {
  @Test(arguments: Walkthrough.all.map(\.name))
  func parsesAndPassesUnderEveryConfiguration(name: String) throws {
    let w = try #require(Walkthrough.named(name))
    let scenario = try ScenarioParser.parse(w.source, file: "walkthrough:\(name)")
    #expect(!scenario.lines.isEmpty)
    for design in w.designs {
      for compact in [false, true] {
        let s = Session.run(w.scenario, design: design, compact: compact)
        let failed = s.failures.map { "line \($0.line): \($0.expectation!.message)" }
        #expect(failed.isEmpty, "\(name) under \(s.options.label): \(failed)")
      }
    }
  }

  @Test(arguments: Walkthrough.all.map(\.name))
  func hasStepsNarrationAndExpectations(name: String) throws {
    let lines = try #require(Walkthrough.named(name)).scenario.lines
    func has(_ p: (ScenarioCommand) -> Bool) -> Bool { lines.contains { p($0.command) } }
    #expect(has { if case .step = $0 { true } else { false } })
    #expect(has { if case .say = $0 { true } else { false } })
    #expect(has { if case .expect = $0 { true } else { false } })
  }

  @Test func namesAreUniqueAndDefaultIsSharedDomain() {
    let names = Walkthrough.all.map(\.name)
    #expect(names.count == 17)
    #expect(Set(names).count == names.count)
    #expect(Walkthrough.default.name == "shared-domain")
    #expect(Walkthrough.named("no-such") == nil)
    #expect(Walkthrough.all.allSatisfy { !$0.title.isEmpty })
  }
}
