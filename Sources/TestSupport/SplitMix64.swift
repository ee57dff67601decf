/// A small deterministic generator (SplitMix64) for the property and round-trip tests, so
/// every failing sequence can be replayed from its seed.
package struct SplitMix64: Sendable {
  package var state: UInt64

  package init(state: UInt64) { self.state = state }

  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in 0..<n.
  package mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  /// One of the items.
  package mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  /// True with the given probability in percent.
  package mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
