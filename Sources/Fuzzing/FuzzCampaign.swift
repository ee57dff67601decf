import Foundation
import TestSupport

/// A deterministic mutation campaign over one target: each input is a mutant of a pool that
/// starts as the seeds and keeps a share of the mutants, so later inputs stack more changes.
/// Inputs slower than `slowSecondsPerKiB` per KiB (at least one KiB) are findings.
package struct FuzzCampaign {
  package let target: FuzzTarget
  package let context: FuzzContext
  package var slowSecondsPerKiB = 1.0
  var pool: [[UInt8]]
  var mutator: Mutator
  var random: SplitMix64
  static let poolLimit = 2000

  /// What a campaign found.
  package struct Outcome: Sendable {
    package var inputs = 0
    package var seconds = 0.0
    /// Inputs over the time bound, with their time in seconds.
    package var slow: [(input: [UInt8], seconds: Double)] = []
    /// The slowest input's seconds per KiB.
    package var worstSecondsPerKiB = 0.0
  }

  package init(
    target: FuzzTarget, seeds: [[UInt8]], seed: UInt64, context: FuzzContext, maxLength: Int = 4096
  ) {
    self.target = target
    self.context = context
    pool = seeds.isEmpty ? [[]] : seeds
    mutator = Mutator(seed: seed, corpus: pool, maxLength: maxLength)
    random = SplitMix64(state: seed ^ 0x5EED)
  }

  /// Runs `count` inputs; `willRun` sees each input first (to keep it for a crash report).
  package mutating func run(count: Int, willRun: ([UInt8]) -> Void = { _ in }) -> Outcome {
    var outcome = Outcome()
    let clock = ContinuousClock()
    let start = clock.now
    for i in 0..<count {
      let input =
        i < pool.count && outcome.inputs < pool.count
        ? pool[i] : mutator.mutate(random.pick(pool), other: random.pick(pool))
      willRun(input)
      let t0 = clock.now
      target.run(input, context: context)
      let d = clock.now - t0
      let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
      let perKiB = seconds / max(1.0, Double(input.count) / 1024)
      outcome.worstSecondsPerKiB = max(outcome.worstSecondsPerKiB, perKiB)
      if perKiB > slowSecondsPerKiB { outcome.slow.append((input, seconds)) }
      outcome.inputs += 1
      if random.chance(5) {
        if pool.count < Self.poolLimit { pool.append(input) } else { pool[random.below(pool.count)] = input }
      }
    }
    let d = clock.now - start
    outcome.seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    return outcome
  }
}
