/// The 8 qwords of a 64-byte STE or CD, stored inline (no heap allocation), usable like an
/// array of 8 `UInt64` (subscript, `count`, `map`, `enumerated()`, array literals).
package struct EntryQwords: Sendable, Hashable, RandomAccessCollection, MutableCollection,
  ExpressibleByArrayLiteral, CustomStringConvertible
{
  /// The qwords, in memory order (visible to inlined code only; read them by subscript).
  @usableFromInline var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

  /// An all-zero entry.
  @inlinable package init() { storage = (0, 0, 0, 0, 0, 0, 0, 0) }

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

  @inlinable package var startIndex: Int { 0 }
  @inlinable package var endIndex: Int { 8 }
  @inlinable package var count: Int { 8 }

  /// Qword `i` (0-7). Inlinable: the driver's entry writer and the walks index qwords in
  /// their inner loops.
  @inlinable package subscript(i: Int) -> UInt64 {
    get {
      precondition(i >= 0 && i < 8, "qword index out of range")
      return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: i &* 8, as: UInt64.self) }
    }
    set {
      precondition(i >= 0 && i < 8, "qword index out of range")
      withUnsafeMutableBytes(of: &storage) {
        $0.storeBytes(of: newValue, toByteOffset: i &* 8, as: UInt64.self)
      }
    }
  }

  /// The qwords as an array.
  package var array: [UInt64] { Array(self) }

  @inlinable package static func == (a: EntryQwords, b: EntryQwords) -> Bool {
    a.storage.0 == b.storage.0 && a.storage.1 == b.storage.1 && a.storage.2 == b.storage.2
      && a.storage.3 == b.storage.3 && a.storage.4 == b.storage.4 && a.storage.5 == b.storage.5
      && a.storage.6 == b.storage.6 && a.storage.7 == b.storage.7
  }

  package func hash(into h: inout Hasher) {
    for q in self { h.combine(q) }
  }

  /// As an array prints: `[1, 2, ...]`.
  package var description: String { array.description }

  /// Reads a field.
  package func field(_ f: BitField) -> UInt64 { f.get(self[f.word]) }

  /// Writes a field.
  package mutating func setField(_ f: BitField, _ value: UInt64) {
    self[f.word] = f.set(self[f.word], value)
  }
}
