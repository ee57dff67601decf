import Foundation
import SMMUModel
import Testing

@testable import Scenario

/// The verb table drives the parser, the unknown-verb error and the language reference; the
/// `cmd` names table drives `cmd`'s parsing and the queue commands.
struct VerbTableTests {
  /// The error `source` fails with (nil if it parses).
  func error(_ source: String) -> ScenarioError? { ParserTests().failure(source) }

  @Test func everyVerbIsKnownToTheParser() {
    for v in Verb.all {
      // A verb alone parses or fails on its operands, never as an unknown command.
      let message = error(v.name)?.message ?? ""
      #expect(!message.hasPrefix("unknown command"), "\(v.name): \(message)")
    }
  }

  @Test func unknownVerbListsTheTable() throws {
    let e = try #require(error("frobnicate x"))
    #expect(e.message == "unknown command 'frobnicate' (\(Verb.names.joined(separator: ", ")))")
    for name in ["remove", "design", "transition", "expect"] { #expect(e.message.contains(name)) }
  }

  /// `ScenarioCommand.isAction` (a switch, asked once per line run) agrees with the verb
  /// table on every line of every walkthrough.
  @Test func isActionAgreesWithTheVerbTableOnEveryWalkthroughLine() throws {
    var verbs: Set<String> = []
    for w in Walkthrough.all {
      for line in w.scenario.lines {
        let verb = try #require(Verb.named[line.command.verbName])
        #expect(line.command.isAction == verb.isAction, "\(w.name): \(line.text)")
        verbs.insert(verb.name)
      }
    }
    #expect(verbs.isSuperset(of: ["smmu", "begin", "end", "step", "say", "expect"]))
    // The verbs no walkthrough uses (`design` is in the round-trip test below).
    let inject = try ScenarioParser.parse("inject none\n", file: "t").lines
    #expect(inject.count == 1)
    for line in inject {
      #expect(line.command.isAction == false)
      #expect(Verb.named[line.command.verbName]?.isAction == false)
    }
  }

  @Test func verbNamesAreUniqueAndRoundTripThroughTheCommands() throws {
    #expect(Set(Verb.names).count == Verb.all.count)
    let s = try ScenarioParser.parse(
      """
      design legacy
      master a sid 1 ssid-bits 4
      domain d paging
      attach d a
      map d 0x1000
      dma a 0x1000
      unmap d 0x1000
      say "x"
      step "y"
      expect errors == 0
      cmd sync
      write ste 1 0 0
      detach a
      asid d 5
      free d
      remove a
      transition ste abort bypass
      """)
    for line in s.lines {
      let verb = try #require(Verb.named[line.command.verbName])
      #expect(line.text.hasPrefix(verb.name + " "), "\(line.text)")
      #expect(line.command.isAction == verb.isAction)
    }
    #expect(
      s.lines.filter(\.command.isAction).map(\.command.verbName) == [
        "master", "domain", "attach", "map", "dma", "unmap", "cmd", "write", "detach", "asid", "free",
        "remove",
        "transition",
      ])
  }

  @Test func theReferenceHasARowForEveryVerb() throws {
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/scenario-language.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    for v in Verb.all {
      #expect(text.contains("\n| `\(v.name) ") || text.contains("\n| `\(v.name)`"), "no row for \(v.name)")
    }
  }

  @Test func rawCommandNamesComeFromOneTable() throws {
    #expect(RawCommand(name: "TLBI_EVERYTHING") == nil, "an unknown name is not a command")
    #expect(RawCommand(name: "sync")?.commands == [.sync])
    #expect(RawCommand(name: "cmd_sync")?.commands == [.sync])
    for name in RawCommand.names {
      let raw = try #require(RawCommand(name: name.lowercased()))
      #expect(raw.name == name)
      #expect(raw.commands.count == 1, "\(name)")
      let s = try ScenarioParser.parse("cmd \(name)")
      #expect(s.lines[0].command == .command(raw))
    }
    let e = try #require(error("cmd TLBI_EVERYTHING"))
    #expect(e.message == "unknown command 'TLBI_EVERYTHING' (\(RawCommand.names.joined(separator: ", ")))")
  }
}
