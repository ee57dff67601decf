import Foundation
import Scenario
import TraceImport

/// What the targets need besides an input: a scratch directory holding copies of a dump's
/// region files (the `dump` target writes each input there as README.txt) and the trace the
/// dump is replayed with.
package struct FuzzContext: Sendable {
  package var dumpDirectory: String?
  package var dumpTrace: QEMUTrace?

  package init(dumpDirectory: String? = nil, dumpTrace: QEMUTrace? = nil) {
    self.dumpDirectory = dumpDirectory
    self.dumpTrace = dumpTrace
  }

  /// A scratch directory with the region files of the smallest dump under `roots` (each input
  /// re-reads them), and the trace recorded beside that dump.
  package static func forDumps(under roots: [String]) -> FuzzContext {
    let readmes = roots.flatMap { FuzzSeeds.files(named: ["README.txt"], under: $0) }
    for readme in readmes.sorted(by: { dumpBytes($0) < dumpBytes($1) }) {
      let mem = (readme as NSString).deletingLastPathComponent
      let run = (mem as NSString).deletingLastPathComponent
      let traceFile = ["trace.log", "trace.log.gz"].map { run + "/" + $0 }
        .first { FileManager.default.fileExists(atPath: $0) }
      guard let traceFile, let data = try? QEMUTrace.readData(traceFile) else { continue }
      let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(400)
      guard let trace = try? QEMUTrace(text: lines.joined(separator: "\n"), path: traceFile) else {
        continue
      }
      let scratch = NSTemporaryDirectory() + "smmuscope-fuzz-dump-\(getpid())"
      try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
      for name in (try? FileManager.default.contentsOfDirectory(atPath: mem)) ?? []
      where name != "README.txt" {
        try? FileManager.default.removeItem(atPath: scratch + "/" + name)
        try? FileManager.default.copyItem(atPath: mem + "/" + name, toPath: scratch + "/" + name)
      }
      return FuzzContext(dumpDirectory: scratch, dumpTrace: trace)
    }
    return FuzzContext()
  }

  /// The bytes of the files beside a dump's README.
  static func dumpBytes(_ readme: String) -> Int {
    let mem = (readme as NSString).deletingLastPathComponent
    let names = (try? FileManager.default.contentsOfDirectory(atPath: mem)) ?? []
    return names.reduce(0) {
      $0 + (((try? FileManager.default.attributesOfItem(atPath: mem + "/" + $1))?[.size] as? Int) ?? 0)
    }
  }
}
