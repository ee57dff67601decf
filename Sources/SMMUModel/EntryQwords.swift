/// The 8 qwords of a 64-byte STE or CD, stored inline (no heap allocation), usable like an
/// array of 8 `UInt64` (subscript, `count`, `map`, `enumerated()`, array literals).
package struct EntryQwords: Sendable, Hashable, RandomAccessCollection, MutableCollection,
  ExpressibleByArrayLiteral, CustomStringConvertible
{
  /// The qwords, in memory order.
  private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

  /// An all-zero entry.
  package init() { storage = (0, 0, 0, 0, 0, 0, 0, 0) }

  /// An entry with every qword equal to `value`.
  package init(repeating value: UInt64) {
    storage = (value, value, value, value, value, value, value, value)
  }

  /// The qwords of an array, which must hold exactly 8.
  package init(_ qwords: [UInt64]) {
    precondition(qwords.count == 8, "an entry has 8 qwords")
    storage = (qwords[0], qwords[1], qwords[2], qwords[3], qwords[4], qwords[5], qwords[6], qwords[7])
  }

  /// Exactly 8 values.
  package init(arrayLiteral elements: UInt64...) { self.init(elements) }

  package var startIndex: Int { 0 }
  package var endIndex: Int { 8 }
  package var count: Int { 8 }

  /// Qword `i` (0-7): a switch over the fields (no copy of the entry to index it).
  package subscript(i: Int) -> UInt64 {
    @inline(__always) get {
      switch i {
      case 0: return storage.0
      case 1: return storage.1
      case 2: return storage.2
      case 3: return storage.3
      case 4: return storage.4
      case 5: return storage.5
      case 6: return storage.6
      case 7: return storage.7
      default: preconditionFailure("qword index out of range")
      }
    }
    @inline(__always) set {
      switch i {
      case 0: storage.0 = newValue
      case 1: storage.1 = newValue
      case 2: storage.2 = newValue
      case 3: storage.3 = newValue
      case 4: storage.4 = newValue
      case 5: storage.5 = newValue
      case 6: storage.6 = newValue
      case 7: storage.7 = newValue
      default: preconditionFailure("qword index out of range")
      }
    }
  }

  /// The qwords as an array.
  package var array: [UInt64] { Array(self) }

  package static func == (a: EntryQwords, b: EntryQwords) -> Bool {
    a.storage.0 == b.storage.0 && a.storage.1 == b.storage.1 && a.storage.2 == b.storage.2
      && a.storage.3 == b.storage.3 && a.storage.4 == b.storage.4 && a.storage.5 == b.storage.5
      && a.storage.6 == b.storage.6 && a.storage.7 == b.storage.7
  }

  /// Qword-by-qword AND. The bitwise operators work on whole entries in one call, so code
  /// in other modules (which cannot inline the subscript) does not index qwords one by one.
  package static func & (a: EntryQwords, b: EntryQwords) -> EntryQwords {
    var r = a
    r.storage.0 &= b.storage.0
    r.storage.1 &= b.storage.1
    r.storage.2 &= b.storage.2
    r.storage.3 &= b.storage.3
    r.storage.4 &= b.storage.4
    r.storage.5 &= b.storage.5
    r.storage.6 &= b.storage.6
    r.storage.7 &= b.storage.7
    return r
  }

  /// Qword-by-qword OR.
  package static func | (a: EntryQwords, b: EntryQwords) -> EntryQwords {
    var r = a
    r.storage.0 |= b.storage.0
    r.storage.1 |= b.storage.1
    r.storage.2 |= b.storage.2
    r.storage.3 |= b.storage.3
    r.storage.4 |= b.storage.4
    r.storage.5 |= b.storage.5
    r.storage.6 |= b.storage.6
    r.storage.7 |= b.storage.7
    return r
  }

  /// Qword-by-qword NOT.
  package static prefix func ~ (a: EntryQwords) -> EntryQwords {
    var r = a
    r.storage = (
      ~a.storage.0, ~a.storage.1, ~a.storage.2, ~a.storage.3, ~a.storage.4, ~a.storage.5, ~a.storage.6,
      ~a.storage.7
    )
    return r
  }

  /// Bit i set when qword i differs from `other`'s.
  package func qwordsDiffering(from other: EntryQwords) -> UInt8 {
    var mask: UInt8 = 0
    if storage.0 != other.storage.0 { mask |= 1 }
    if storage.1 != other.storage.1 { mask |= 2 }
    if storage.2 != other.storage.2 { mask |= 4 }
    if storage.3 != other.storage.3 { mask |= 8 }
    if storage.4 != other.storage.4 { mask |= 16 }
    if storage.5 != other.storage.5 { mask |= 32 }
    if storage.6 != other.storage.6 { mask |= 64 }
    if storage.7 != other.storage.7 { mask |= 128 }
    return mask
  }

  package func hash(into h: inout Hasher) {
    for q in self { h.combine(q) }
  }

  /// As an array prints: `[1, 2, ...]`.
  package var description: String { array.description }

  /// Reads a field.
  package func field(_ f: BitField) -> UInt64 { (self[f.word] & f.mask) >> UInt64(f.low) }

  /// Writes a field.
  package mutating func setField(_ f: BitField, _ value: UInt64) {
    self[f.word] = (self[f.word] & ~f.mask) | ((value << UInt64(f.low)) & f.mask)
  }
}
