import Foundation
import SMMUDriver
import Testing

@testable import Scenario

/// `inject`, `--mutate` (Scenario.injecting) and the kill matrix's JSON.
struct MutationLanguageTests {
  @Test func injectParsesNamesAndNone() throws {
    let s = try ScenarioParser.parse("inject skip-sync no-break skip-sync\ninject none")
    #expect(s.lines.map(\.command) == [.inject([.skipSync, .noBreak]), .inject([])])
    #expect(s.lines.allSatisfy { !$0.command.isAction })
  }

  @Test func anUnknownMutationListsTheValidOnes() throws {
    let e = try #require(ParserTests().failure("inject skip-everything"))
    #expect(e.message.hasPrefix("unknown mutation 'skip-everything' (none, "))
    for name in DriverMutation.names { #expect(e.message.contains(name)) }
    #expect(ParserTests().failure("inject none skip-sync")?.message == "inject none takes nothing after it")
  }

  @Test func injectAddsUntilNoneClears() throws {
    var s = Session()
    try s.execute(source: "inject skip-sync")
    try s.execute(source: "inject no-break")
    #expect(s.options.mutations == [.skipSync, .noBreak])
    #expect(s.driver.options.mutations == [.skipSync, .noBreak])
    try s.execute(source: "design legacy")
    #expect(s.driver.options.mutations == [.skipSync, .noBreak])
    try s.execute(source: "inject none")
    #expect(s.driver.options.mutations.isEmpty)
  }

  @Test func mutateIsAnInjectLineInFront() throws {
    let scenario = try ScenarioParser.parse("master a sid 1\ndomain d paging\nattach d a")
    let mutated = scenario.injecting([.skipCFGISTE, .skipSync])
    #expect(mutated.lines.first?.text == "inject skip-cfgi-ste skip-sync")
    #expect(Array(mutated.lines.dropFirst()) == scenario.lines)
    let run = Session.run(mutated, design: .perMaster)
    #expect(run.value(of: "commands.CFGI_STE") == "0")
    #expect(Session.run(scenario, design: .perMaster).value(of: "commands.CFGI_STE") != "0")
  }

  @Test func matrixJSONShape() throws {
    let w = try #require(Walkthrough.named("shared-domain"))
    let m = MutationMatrix(walkthroughs: [w], mutations: [.skipCFGISTE, .noBreak, .earlyFree])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(m.json.rendered().utf8)) as? [String: Any])
    #expect(Set(object.keys) == ["mutations", "survivors"])
    let mutations = try #require(object["mutations"] as? [String: [String: [[String: Any]]]])
    #expect(Set(mutations.keys) == ["skip-cfgi-ste", "no-break", "early-free"])
    #expect(Set(mutations["no-break"]!.keys) == ["per-master"])
    let caught = try #require(mutations["skip-cfgi-ste"]?["legacy"]?.first)
    #expect(caught["walkthrough"] as? String == "shared-domain")
    #expect((caught["kinds"] as? [String])?.isEmpty == false)
    let survivors = try #require(object["survivors"] as? [[String: String]])
    #expect(survivors.contains { $0["mutation"] == "early-free" && $0["design"] == "legacy" })
    #expect(survivors.count == m.survivors.count)
  }
}
