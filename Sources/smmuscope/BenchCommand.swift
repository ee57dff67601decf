import ArgumentParser
import Explorer
import Foundation
import SMMUDriver
import Scenario

/// `smmuscope bench`: model operations per second, `run` linearity, memory and frame render
/// times.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract:
      "Measure scenario commands per second, run-time linearity, memory and explorer frame render time.")

  /// The parts of the benchmark.
  enum Part: String, ExpressibleByArgument, CaseIterable {
    case model, linearity, memory, frames, check
  }

  @Option(help: "Commands in the generated scenario.") var ops = 100_000
  @Option(help: "Frames to render per scene.") var frames = 200
  @Option(help: "Streams in the large scene.") var streams = 65_536
  @Option(help: "legacy or per-master.") var design: DriverDesign = .perMaster
  @Option(help: "Run only these parts (model, linearity, memory, frames, check; repeatable).")
  var only: [Part] = []
  @Option(help: "Lines of the small and large linearity scenarios.") var linearityLines = [10_000, 100_000]
  @Option(help: "Write the generated scenario (--ops commands, or --shape) to FILE and stop.")
  var emitScenario: String?
  @Option(help: "With --emit-scenario: a linearity shape (expects, attaches, masters, churn) instead.")
  var shape: String?
  @Option(help: .hidden) var memoryProbe: String?

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
    if let path = emitScenario {
      var text = BenchmarkScenarios.operations(count: ops)
      if let shape {
        guard let s = LinearityShape(rawValue: shape) else { throw UsageFailure("no shape '\(shape)'") }
        text = s.scenario(lines: ops)
      }
      // Written in place (not replaced atomically), so a device such as /dev/null or
      // /dev/stdout stays what it is.
      if !FileManager.default.fileExists(atPath: path) {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
          throw UsageFailure("cannot write '\(path)'")
        }
      }
      guard let handle = FileHandle(forWritingAtPath: path) else {
        throw UsageFailure("cannot write '\(path)'")
      }
      try? handle.truncate(atOffset: 0)
      try handle.write(contentsOf: Data(text.utf8))
      try handle.close()
      return
    }
    if let probe = memoryProbe { return try memory(probe: probe) }
    let parts = only.isEmpty ? Part.allCases : only
    if parts.contains(.model) { try model() }
    if parts.contains(.linearity) { try linearity() }
    if parts.contains(.memory) { try memory() }
    if parts.contains(.frames) { try frameTimes() }
    if parts.contains(.check) { try check() }
  }

  /// `check` of every walkthrough under both designs (points and outcomes per second), and
  /// the cost of checking at 10x the streams.
  func check() throws {
    let t0 = clock.now
    let reports = CheckBenchmark.walkthroughs()
    let time = seconds(clock.now - t0)
    let points = reports.reduce(0) { $0 + $1.totals.points }
    let outcomes = reports.reduce(0) { $0 + $1.totals.outcomes }
    print(
      "check: \(reports.count) walkthrough x design checks in \(fmt(time)) s (goal <= 2 s): "
        + "\(points) points, \(outcomes) outcomes = \(Int(Double(points) / time)) points/s, "
        + "\(Int(Double(outcomes) / time)) outcomes/s")
    // The same 40 map/unmap operations on a domain shared by 16 and by 160 streams; the
    // set-up (two masters and their attaches, whose stores grow with the streams) is timed
    // alone and taken off.
    var costs: [(streams: Int, work: Int, time: Double)] = []
    for streams in [16, 160] {
      var best = [Double.infinity, .infinity]
      var work = [0, 0]
      for (i, operations) in [0, 40].enumerated() {
        let scenario = try ScenarioParserResult(
          CheckBenchmark.scenario(streams: streams, operations: operations)
        )
        .scenario
        for _ in 0..<3 {
          let t = clock.now
          let report = CheckReport(scenario, design: design, compact: nil)
          best[i] = min(best[i], seconds(clock.now - t))
          work[i] = report.totals.operations * report.totals.streams
        }
      }
      costs.append((streams, work[1] - work[0], best[1] - best[0]))
    }
    let ratio = costs[1].time / max(costs[0].time, 1e-9)
    let workRatio = Double(costs[1].work) / Double(max(costs[0].work, 1))
    print(
      "check growth (\(design.rawValue)): 40 map/unmap operations, \(costs[0].streams) streams \(fmt(costs[0].time)) s, "
        + "\(costs[1].streams) streams \(fmt(costs[1].time)) s: time ratio \(fmt(ratio)), "
        + "operations x streams ratio \(fmt(workRatio)) (linear: time ratio <= 1.1 x that)")
  }

  /// Commands per second on the generated scenario (parsing excluded).
  func model() throws {
    let source = BenchmarkScenarios.operations(count: ops)
    let scenario = try ScenarioParserResult(source).scenario
    let (c0, t0) = (ThreadCPUTime.now, clock.now)
    let session = Session.run(scenario, design: design)
    let runTime = seconds(clock.now - t0)
    let cpuTime = ThreadCPUTime.now - c0
    print(
      "model: \(scenario.lines.count) commands in \(fmt(runTime)) s = \(Int(Double(scenario.lines.count) / runTime)) commands/s (\(design.rawValue); \(session.totals.syncs) syncs, \(session.driver.smmu.counters.transactions) DMA transactions; thread CPU \(fmt(cpuTime)) s)"
    )
  }

  /// `Session.run` time of each shape at a small and a large line count, and the ratio: the
  /// fastest of five runs, in thread CPU time (the goal's ratio: a shared machine's other
  /// processes stretch wall time, not CPU time) and in wall time.
  func linearity() throws {
    guard linearityLines.count == 2, linearityLines[0] > 0 else {
      throw UsageFailure("--linearity-lines takes two counts")
    }
    let (small, large) = (linearityLines[0], linearityLines[1])
    let goal = Double(large) / Double(small) * 1.1
    for shape in LinearityShape.allCases {
      var cpu: [Double] = []
      var wall: [Double] = []
      for n in [small, large] {
        let scenario = try ScenarioParserResult(shape.scenario(lines: n)).scenario
        // As `run` does: each line's result is handed on, not kept.
        var (bestCPU, bestWall) = (Double.infinity, Double.infinity)
        for _ in 0..<5 {
          var results = 0
          let (c0, t0) = (ThreadCPUTime.now, clock.now)
          _ = Session.run(scenario, design: design, keepingResults: false) { _ in results += 1 }
          bestWall = min(bestWall, seconds(clock.now - t0))
          bestCPU = min(bestCPU, ThreadCPUTime.now - c0)
          precondition(results <= n)
        }
        cpu.append(bestCPU)
        wall.append(bestWall)
      }
      let ratio = cpu[1] / max(cpu[0], 1e-9)
      let wallRatio = wall[1] / max(wall[0], 1e-9)
      print(
        "linearity \(shape.rawValue): \(small) lines \(fmt(cpu[0])) s, \(large) lines \(fmt(cpu[1])) s CPU, ratio \(fmt(ratio)) (goal <= \(fmt(goal))); wall \(fmt(wall[0])) s, \(fmt(wall[1])) s, ratio \(fmt(wallRatio))"
      )
    }
  }

  /// Time and peak RSS of running 100 000 `master` lines; RSS of the default and large
  /// scenes. Each is measured in a fresh process (this binary, `--memory-probe NAME`).
  func memory() throws {
    guard let executable = Bundle.main.executablePath else { throw UsageFailure("no executable path") }
    for probe in ["masters", "default", "large"] {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: executable)
      p.arguments = [
        "bench", "--memory-probe", probe, "--design", design.rawValue, "--streams", String(streams),
      ]
      try p.run()
      p.waitUntilExit()
    }
  }

  /// One memory measurement, in this (fresh) process.
  func memory(probe: String) throws {
    switch probe {
    case "masters":
      let masters = try ScenarioParserResult(LinearityShape.masters.scenario(lines: 100_000)).scenario
      let t0 = clock.now
      var out = 0
      let session = Session.run(masters, design: design, keepingResults: false) { _ in out += 1 }
      let time = seconds(clock.now - t0)
      print(
        "memory: 100000 master lines run in \(fmt(time)) s (\(session.driver.masterOrder.count) masters), process peak RSS \(ProcessMemory.mib(ProcessMemory.peak)) MiB"
      )
    case "default":
      guard var scene = FrameBenchmark.state(for: "", width: 80, height: 24, design: design) else { return }
      scene.open(walkthrough: Walkthrough.default, step: 2)
      _ = scene.render()
      print(
        "memory: default scene, process RSS \(ProcessMemory.mib(ProcessMemory.current)) MiB (peak \(ProcessMemory.mib(ProcessMemory.peak)) MiB)"
      )
    default:
      let source = BenchmarkScenarios.largeScene(streams: streams, attached: 1024)
      guard let big = FrameBenchmark.state(for: source, width: 80, height: 24, design: design) else { return }
      _ = big.render()
      print(
        "memory: \(streams) streams scene, process RSS \(ProcessMemory.mib(ProcessMemory.current)) MiB (peak \(ProcessMemory.mib(ProcessMemory.peak)) MiB)"
      )
    }
  }

  /// Frame render times of the default scene and a large one.
  func frameTimes() throws {
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
      // The walk view: anatomy-of-a-dma's cold DMA, its walk open (`e`).
      guard var walk = FrameBenchmark.state(for: "", width: w, height: h, design: design) else { return }
      walk.open(walkthrough: Walkthrough.named("anatomy-of-a-dma") ?? .default)
      _ = walk.update(.char("e"))
      let c = FrameBenchmark.measure(walk, frames: frames)
      print("frame \(w)x\(h): walk view median \(fmt(c.median / 1000)) ms (mean \(fmt(c.mean / 1000)))")
    }
  }

  var clock: ContinuousClock { ContinuousClock() }

  func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
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
