/// A contiguous field of bits inside one qword of a 64-byte structure (an STE or a CD).
///
/// `word` is the qword index (0...7), `low`...`high` the inclusive bit range, as the
/// architecture and the Linux header write them (e.g. STE word 0 S1ContextPtr is 51:6).
package struct BitField: Sendable, Hashable {
  package let name: String
  package let word: Int
  package let low: Int
  package let high: Int
  /// The field's bits, in place, within its qword.
  package let mask: UInt64

  package init(_ name: String, word: Int, _ high: Int, _ low: Int) {
    precondition(high >= low && high < 64 && low >= 0, "bad bit range \(high):\(low)")
    self.name = name
    self.word = word
    self.low = low
    self.high = high
    let width = high - low + 1
    let ones: UInt64 = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) - 1
    mask = ones << UInt64(low)
  }

  /// Number of bits in the field.
  package var width: Int { high - low + 1 }

  /// Reads the field's value (shifted down) from a qword.
  package func get(_ qword: UInt64) -> UInt64 { (qword & mask) >> UInt64(low) }

  /// Returns `qword` with the field replaced by `value` (excess high bits are dropped).
  package func set(_ qword: UInt64, _ value: UInt64) -> UInt64 {
    (qword & ~mask) | ((value << UInt64(low)) & mask)
  }
}

/// Helpers shared by the 8-qword structures.
extension Array where Element == UInt64 {
  /// Reads a field from an 8-qword structure.
  package func field(_ f: BitField) -> UInt64 { f.get(self[f.word]) }

  /// Writes a field of an 8-qword structure.
  package mutating func setField(_ f: BitField, _ value: UInt64) {
    self[f.word] = f.set(self[f.word], value)
  }
}

/// Formats a value as `0x…` hex with at least `digits` digits.
package func hex(_ value: UInt64, digits: Int = 1) -> String {
  let needed = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 3) / 4
  let count = Swift.max(digits, needed)
  // Written straight into the string's storage (this runs for every logged qword).
  return String(unsafeUninitializedCapacity: count + 2) { buffer in
    buffer[0] = UInt8(ascii: "0")
    buffer[1] = UInt8(ascii: "x")
    var v = value
    for i in stride(from: count + 1, through: 2, by: -1) {
      let d = UInt8(truncatingIfNeeded: v & 0xF)
      buffer[i] = d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") + d - 10
      v >>= 4
    }
    return count + 2
  }
}
