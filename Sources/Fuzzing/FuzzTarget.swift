import Foundation
import SMMUDriver
import Scenario
import TraceImport

/// What one fuzz input is fed to. Each target must answer every input with a result or an
/// error, never a trap and never unbounded work.
package enum FuzzTarget: String, Sendable, CaseIterable {
  /// The scenario parser, then the runner under both designs (and the compact option), then
  /// the same lines typed one by one as the explorer's `:` line does, then the state writer.
  case scenario
  /// The QEMU trace parser and the importer's replay, without memory dumps.
  case trace
  /// A memory dump's README.txt (regions and registers) over the bundled dump files, replayed
  /// with a small trace.
  case dump

  /// Runs one input. `context` holds what a target needs besides the bytes.
  package func run(_ bytes: [UInt8], context: FuzzContext) {
    let text = String(decoding: bytes, as: UTF8.self)
    switch self {
    case .scenario: Self.scenario(text)
    case .trace: Self.trace(text)
    case .dump: Self.dump(text, context: context)
    }
  }

  static func scenario(_ text: String) {
    guard let parsed = try? ScenarioParser.parse(text, file: "fuzz") else {
      // Lines that do not parse as a file may still be typed one at a time.
      typeLines(text)
      return
    }
    for (design, compact) in [(DriverDesign.legacy, false), (.perMaster, false), (.perMaster, true)] {
      let session = Session.run(parsed, design: design, compact: compact)
      _ = ScenarioWriter.reproduce(session)
      _ = RunReport.json(session)
    }
    typeLines(text)
  }

  /// The explorer's `:` line: each line parsed and run alone; errors leave the session as it was.
  static func typeLines(_ text: String) {
    var session = Session()
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(400) {
      try? session.execute(source: String(line))
    }
  }

  static func trace(_ text: String) {
    guard let trace = try? QEMUTrace(text: text, path: "fuzz.log") else { return }
    if let result = try? ImportReplay.run(trace: trace, dump: nil, phases: ConsolePhases(marks: [])) {
      _ = ImportReport.text(result)
      _ = ReplayTimeline(result)
    }
  }

  static func dump(_ readme: String, context: FuzzContext) {
    guard let directory = context.dumpDirectory, let seedTrace = context.dumpTrace else { return }
    let path = directory + "/README.txt"
    guard FileManager.default.createFile(atPath: path, contents: Data(readme.utf8)) else { return }
    guard let dump = try? MemoryDump(directory: directory) else { return }
    if let result = try? ImportReplay.run(trace: seedTrace, dump: dump, phases: ConsolePhases(marks: [])) {
      _ = ImportReport.text(result)
    }
  }
}
