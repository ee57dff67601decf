import ArgumentParser
import Explorer
import SMMUDriver
import Scenario

/// `smmuscope bench`: model operations per second and frame render times.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Measure scenario commands per second and explorer frame render time.")

  @Option(help: "Commands in the generated scenario.") var ops = 100_000
  @Option(help: "Frames to render per scene.") var frames = 200
  @Option(help: "Streams in the large scene.") var streams = 65_536
  @Option(help: "legacy or per-master.") var design: DriverDesign = .perMaster

  /// Bounds of the options (the large scene has sid-bits 17: its streams and the gpu fit).
  func checkOptions() throws {
    guard (1...10_000_000).contains(ops) else {
      throw UsageFailure("--ops must be 1 to 10000000, not \(ops)")
    }
    guard (1...1_000_000).contains(frames) else {
      throw UsageFailure("--frames must be 1 to 1000000, not \(frames)")
    }
    guard (1..<(1 << 17)).contains(streams) else {
      throw UsageFailure("--streams must be 1 to 131071 (sid-bits 17), not \(streams)")
    }
  }

  func run() throws {
    try checkOptions()
    let clock = ContinuousClock()
    func seconds(_ d: Duration) -> Double {
      Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    let source = BenchmarkScenarios.operations(count: ops)
    let scenario = try ScenarioParserResult(source).scenario
    let t0 = clock.now
    let session = Session.run(scenario, design: design)
    let runTime = seconds(clock.now - t0)
    print(
      "model: \(scenario.lines.count) commands in \(fmt(runTime)) s = \(Int(Double(scenario.lines.count) / runTime)) commands/s (\(design.rawValue); \(session.totals.syncs) syncs, \(session.driver.smmu.counters.transactions) DMA transactions)"
    )

    for (w, h) in [(80, 24), (160, 48)] {
      guard var small = FrameBenchmark.state(for: "", width: w, height: h, design: design) else { return }
      small.open(walkthrough: Walkthrough.default, step: 2)
      let a = FrameBenchmark.measure(small, frames: frames)
      let t1 = clock.now
      let bigSource = BenchmarkScenarios.largeScene(streams: streams, attached: 1024)
      guard let big = FrameBenchmark.state(for: bigSource, width: w, height: h, design: design) else {
        return
      }
      let build = seconds(clock.now - t1)
      let b = FrameBenchmark.measure(big, frames: frames)
      print(
        "frame \(w)x\(h): default scene median \(fmt(a.median / 1000)) ms (mean \(fmt(a.mean / 1000)))"
          + "; \(big.session.driver.masterOrder.count) streams + 2^20-SSID table median \(fmt(b.median / 1000)) ms (mean \(fmt(b.mean / 1000)))"
          + "; ratio \(fmt(b.median / a.median)); scene built in \(fmt(build)) s")
    }
  }

  func fmt(_ v: Double) -> String {
    let scaled = (v * 1000).rounded() / 1000
    return String(scaled)
  }
}

/// Parses generated text (a parse failure is a bug in the generator).
struct ScenarioParserResult {
  let scenario: Scenario
  init(_ source: String) throws {
    do {
      scenario = try ScenarioParser.parse(source, file: "generated")
    } catch {
      throw UsageFailure("generated scenario does not parse: \(error.description)")
    }
  }
}
