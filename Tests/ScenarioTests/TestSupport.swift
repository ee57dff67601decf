import Foundation
import SMMUDriver
import SMMUModel
import Scenario

/// A small deterministic generator (SplitMix64), so every failing sequence can be replayed.
struct SplitMix64 {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Parses a scenario that must parse.
func parsed(_ source: String, file: String = "test.scn") throws -> Scenario {
  try ScenarioParser.parse(source, file: file)
}

/// Runs a scenario source (parsing it first).
func run(_ source: String, design: DriverDesign? = nil, compact: Bool? = nil) throws -> Session {
  Session.run(try parsed(source), design: design, compact: compact)
}
