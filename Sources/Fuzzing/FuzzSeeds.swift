import Foundation
import Scenario
import TraceImport

/// The inputs every campaign starts from: the built-in walkthroughs and a generated workload
/// for scenarios; for traces and dumps, the importer's fixtures (a directory of QEMU runs:
/// each `trace.log[.gz]` is cut into windows of consecutive lines, each `mem/README.txt` is a
/// dump seed).
package enum FuzzSeeds {
  /// Lines per trace window: small enough for a fast replay, long enough to hold a walk.
  static let traceWindow = 60

  package static func scenarios() -> [[UInt8]] {
    Walkthrough.all.map { Array($0.source.utf8) } + [Array(BenchmarkScenarios.operations(count: 120).utf8)]
  }

  /// Trace windows from every trace under `root`.
  package static func traces(under root: String) -> [[UInt8]] {
    files(named: ["trace.log", "trace.log.gz"], under: root).flatMap { path -> [[UInt8]] in
      guard let data = try? QEMUTrace.readData(path) else { return [] }
      let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
      return stride(from: 0, to: lines.count, by: max(traceWindow, lines.count / 40)).map { start in
        Array(lines[start..<min(lines.count, start + traceWindow)].joined(separator: "\n").utf8)
      }
    }
  }

  /// Every dump README under `root`.
  package static func dumpReadmes(under root: String) -> [[UInt8]] {
    files(named: ["README.txt"], under: root).compactMap { path in
      FileManager.default.contents(atPath: path).map { Array($0.prefix(8192)) }
    }
  }

  static func files(named names: Set<String>, under root: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
    var out: [String] = []
    while let relative = e.nextObject() as? String {
      if names.contains((relative as NSString).lastPathComponent) { out.append(root + "/" + relative) }
    }
    return out.sorted()
  }
}
