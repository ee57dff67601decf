import Foundation
import SMMUDriver
import Scenario
import Testing

@testable import Explorer

/// The screen sizes every snapshot is taken at.
enum ScreenSize: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case small = "80x24"
  case large = "160x48"

  var width: Int { self == .small ? 80 : 160 }
  var height: Int { self == .small ? 24 : 48 }
  var testDescription: String { rawValue }
}

/// Builders of explorer states for the tests.
enum Fixture {
  /// The state of a walkthrough at a step (0-based), in a screen of the given size.
  static func walkthrough(
    _ name: String = "shared-domain", step: Int = 0, width: Int = 80, height: Int = 24,
    design: DriverDesign = .perMaster, glyphs: Glyphs = .unicode
  ) -> ExplorerState {
    var s = ExplorerState(width: width, height: height, glyphs: glyphs, design: design)
    s.open(walkthrough: Walkthrough.named(name)!, step: step)
    return s
  }

  /// The shared-domain walkthrough at "One ASID, one set of TLB entries" (both devices
  /// attached, DMA through both): the main screen of the snapshots.
  static func main(_ size: ScreenSize, design: DriverDesign = .perMaster, glyphs: Glyphs = .unicode)
    -> ExplorerState
  {
    walkthrough(step: 3, width: size.width, height: size.height, design: design, glyphs: glyphs)
  }

  /// A state with no walkthrough and a scenario loaded from source.
  static func scenario(
    _ source: String, width: Int = 100, height: Int = 30, design: DriverDesign = .perMaster
  )
    -> ExplorerState
  {
    var s = ExplorerState(width: width, height: height, design: design)
    s.load(try! ScenarioParser.parse(source, file: "test"))
    return s
  }
}

extension ExplorerState {
  /// Sends keys in order and returns every effect they produced.
  @discardableResult
  mutating func press(_ keys: Key...) -> [Effect] { keys.flatMap { update($0) } }

  /// Types text into an overlay (each character a key).
  mutating func type(_ text: String) { for c in text { _ = update(.char(c)) } }
}

/// Golden files of rendered screens, in `Tests/ExplorerTests/Golden/`.
///
/// `SMMUSCOPE_RECORD=1` (re)writes the golden files instead of comparing; without it a missing
/// golden file is a failure (CI never records).
enum Golden {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden")

  static var recording: Bool { ProcessInfo.processInfo.environment["SMMUSCOPE_RECORD"] == "1" }

  /// Compares the grid's text with `Golden/<name>.txt` (or records it).
  static func check(_ grid: Grid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = directory.appendingPathComponent(name + ".txt")
    let actual = grid.lines.joined(separator: "\n") + "\n"
    if recording {
      try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      do {
        try actual.write(to: url, atomically: true, encoding: .utf8)
      } catch {
        Issue.record("cannot write \(url.path): \(error)", sourceLocation: sourceLocation)
      }
      return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      Issue.record(
        "missing golden file \(name).txt (run with SMMUSCOPE_RECORD=1 to record it)",
        sourceLocation: sourceLocation)
      return
    }
    let expected = String(decoding: data, as: UTF8.self)
    if expected != actual {
      let e = expected.components(separatedBy: "\n")
      let a = actual.components(separatedBy: "\n")
      let first =
        zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
      let want = first < e.count ? e[first] : "<none>"
      let got = first < a.count ? a[first] : "<none>"
      Issue.record(
        "\(name).txt differs from the rendered screen at row \(first):\n  golden: \(want)\n  actual: \(got)",
        sourceLocation: sourceLocation)
    }
    #expect(grid.lines.count == grid.height, sourceLocation: sourceLocation)
  }
}
