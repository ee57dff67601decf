import ArgumentParser
import Scenario
import TraceImport

/// `smmuscope import TRACE [--mem DIR] [--console FILE] [--json]`.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Replay a QEMU SMMUv3 trace (and its memory dumps) through the model.",
    discussion: """
      TRACE is QEMU's log-backend trace (-trace 'enable=smmu*'), plain or .gz. --mem names a
      directory of table dumps described by its README.txt (registers and NAME: phys ADDR size
      SIZE lines). Phases come from the '=== MARK:' lines of console.log beside the trace.
      """
  )

  @Argument(help: "The QEMU trace log (plain or gzip).") var trace: String
  @Option(help: "Directory of memory dumps with README.txt.") var mem: String?
  @Option(help: "Guest console log with host timestamps (default: console.log beside the trace).")
  var console: String?
  @Flag(help: "Print one JSON object.") var json = false

  func run() throws {
    let result: ImportResult
    do {
      result = try ImportReplay.run(tracePath: trace, memoryDirectory: mem, consolePath: console)
    } catch {
      throw UsageFailure(error.description)
    }
    if json {
      print(ImportReport.json(result).rendered())
    } else {
      print(ImportReport.text(result), terminator: "")
    }
  }
}
