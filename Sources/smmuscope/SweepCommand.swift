import ArgumentParser
import Explorer
import Foundation
import SMMUDriver
import Scenario

/// `smmuscope sweep`: each design's cost over a range of masters and PASIDs, as a chart.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Chart what each design costs as masters and PASIDs grow.",
    discussion: Sweep.workloadDescription
      + """

      Figures: CD-table bytes, stream-table bytes, CD writes, syncs, CFGI_CD commands and CD
      fetches, under legacy, per-master and per-master+compact (or one --design).
      """
  )

  @Option(help: "Master counts, comma-separated.") var masters = "1,2,4,8,16,32,64"
  @Option(help: "PASIDs bound per master, comma-separated.") var pasids = "0,4"
  @Option(help: "Only this design (legacy or per-master), compact and not.") var design: DriverDesign?
  @Flag(help: "Print one JSON object.") var json = false
  @Flag(help: "Print a table instead of the chart.") var table = false
  @Option(help: "Also render the chart to this PNG (needs python3; see scripts/render_png.py).") var png:
    String?
  @Option(help: "Chart width in columns.") var width = 80

  func run() throws {
    let m = try Self.counts(masters, name: "--masters", range: 1...4096)
    let p = try Self.counts(pasids, name: "--pasids", range: 0...256)
    guard m.count * p.count <= 64 else { throw UsageFailure("at most 64 points (masters x pasids)") }
    var configurations = Sweep.defaultConfigurations
    if let design { configurations = configurations.filter { $0.design == design } }
    let sweep = Sweep(masters: m, pasids: p, configurations: configurations)
    if json {
      print(sweep.json)
    } else if table {
      print(sweep.text, terminator: "")
    } else {
      let color = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
      print(SweepChart(sweep).grid(width: width).ansiText(color: color), terminator: "")
    }
    if let png { try PNGRenderer.render(SweepChart(sweep).grid(width: width), to: png) }
  }

  static func counts(_ list: String, name: String, range: ClosedRange<Int>) throws -> [Int] {
    let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0.map(range.contains) ?? false }) else {
      throw UsageFailure("\(name) takes comma-separated numbers in \(range.lowerBound)...\(range.upperBound)")
    }
    return values.compactMap { $0 }
  }
}
