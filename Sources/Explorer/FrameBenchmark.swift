import SMMUDriver
import Scenario

/// Measures how long rendering a frame takes for a given state (the explorer's only
/// per-frame work besides ncurses copying changed cells).
package enum FrameBenchmark {
  /// Median and mean render time in microseconds over `frames` frames.
  package static func measure(_ state: ExplorerState, frames: Int) -> (median: Double, mean: Double) {
    let clock = ContinuousClock()
    var samples: [Double] = []
    var sink = 0
    for _ in 0..<max(1, frames) {
      let start = clock.now
      let g = state.render()
      let elapsed = clock.now - start
      sink &+= g.cells.count
      samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    samples.sort()
    precondition(sink > 0)
    return (samples[samples.count / 2], samples.reduce(0, +) / Double(samples.count))
  }

  /// The explorer state after running a scenario's lines, at a given size.
  package static func state(for source: String, width: Int, height: Int, design: DriverDesign)
    -> ExplorerState?
  {
    guard let scenario = try? ScenarioParser.parse(source, file: "bench") else { return nil }
    var s = ExplorerState(width: width, height: height, design: design)
    s.load(scenario, design: design, compact: false)
    return s
  }
}
