import Foundation
import Scenario
import Testing
import TraceImport

@testable import Explorer

/// The explorer over an imported QEMU run (the synthetic fixture of the import tests).
@Suite struct ImportModeTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("ImportTests/Fixtures/synthetic").path

  static func state() throws -> ExplorerState {
    let r = try ImportReplay.run(tracePath: fixture + "/trace.log", memoryDirectory: fixture + "/mem")
    var s = ExplorerState(width: 120, height: 40)
    s.open(import: r)
    return s
  }

  @Test func opensAtStepZeroWithTheImportedStreams() throws {
    let s = try Self.state()
    #expect(s.timeline?.index == 0)
    #expect(s.render().lines[0].contains("import: trace.log  step 0/"))
    #expect(!s.derived.streams.isEmpty)
  }

  @Test func spaceStepsForwardAndBBack() throws {
    var s = try Self.state()
    _ = s.update(.char(" "))
    _ = s.update(.char(" "))
    #expect(s.timeline?.index == 2)
    #expect(s.derived.log.count == 2)
    _ = s.update(.char("b"))
    #expect(s.timeline?.index == 1)
    #expect(s.derived.log.count == 1)
  }

  @Test func jumpsAndReadOnlyKeys() throws {
    var s = try Self.state()
    _ = s.update(.char("$"))
    #expect(s.timeline?.index == s.timeline?.count)
    _ = s.update(.char("0"))
    #expect(s.timeline?.index == 0)
    _ = s.update(.char("]"))
    #expect(s.derived.log.last?.text.contains(" cmd ") == true)
    _ = s.update(.char("p"))
    #expect(s.statusIsError)
    #expect(s.status?.contains("read-only") == true)
  }
}

extension ImportModeTests {
  @Test func theTimelinesKeysComeFromItsKeymap() throws {
    var s = try Self.state()
    #expect(s.status?.hasSuffix(Keymap.timelineMovesText) == true)
    let lines = s.render().lines
    #expect(lines.contains { $0.contains(Keymap.timelineMovesLegend) })
    #expect(lines[s.height - 1].contains(" Space next  b back  ] next cmd"))
    s.press(.char("?"))
    #expect(s.helpLines.first.map { $0.map(\.text).joined() }?.hasPrefix("Space n") == true)
  }
}
