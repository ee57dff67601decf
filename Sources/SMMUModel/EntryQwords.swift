/// The 8 qwords of a 64-byte STE or CD, stored inline (no heap allocation), usable like an
/// array of 8 `UInt64` (subscript, `count`, `map`, `enumerated()`, array literals).
public struct EntryQwords: Sendable, Hashable, RandomAccessCollection, MutableCollection,
  ExpressibleByArrayLiteral, CustomStringConvertible
{
  /// The qwords, in memory order.
  private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

  /// An all-zero entry.
  public init() { storage = (0, 0, 0, 0, 0, 0, 0, 0) }

  /// An entry with every qword equal to `value`.
  public init(repeating value: UInt64) {
    storage = (value, value, value, value, value, value, value, value)
  }

  /// The qwords of an array, which must hold exactly 8.
  public init(_ qwords: [UInt64]) {
    precondition(qwords.count == 8, "an entry has 8 qwords")
    storage = (qwords[0], qwords[1], qwords[2], qwords[3], qwords[4], qwords[5], qwords[6], qwords[7])
  }

  /// Exactly 8 values.
  public init(arrayLiteral elements: UInt64...) { self.init(elements) }

  public var startIndex: Int { 0 }
  public var endIndex: Int { 8 }
  public var count: Int { 8 }

  /// Qword `i` (0-7).
  public subscript(i: Int) -> UInt64 {
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
  public var array: [UInt64] { Array(self) }

  public static func == (a: EntryQwords, b: EntryQwords) -> Bool {
    a.storage.0 == b.storage.0 && a.storage.1 == b.storage.1 && a.storage.2 == b.storage.2
      && a.storage.3 == b.storage.3 && a.storage.4 == b.storage.4 && a.storage.5 == b.storage.5
      && a.storage.6 == b.storage.6 && a.storage.7 == b.storage.7
  }

  public func hash(into h: inout Hasher) {
    for q in self { h.combine(q) }
  }

  /// As an array prints: `[1, 2, ...]`.
  public var description: String { array.description }

  /// Reads a field.
  public func field(_ f: BitField) -> UInt64 { f.get(self[f.word]) }

  /// Writes a field.
  public mutating func setField(_ f: BitField, _ value: UInt64) {
    self[f.word] = f.set(self[f.word], value)
  }
}

extension EntryQwords: Codable {
  /// Encoded as an array of 8 numbers, as `[UInt64]` is.
  public init(from decoder: any Decoder) throws {
    let a = try [UInt64](from: decoder)
    guard a.count == 8 else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "need 8 qwords"))
    }
    self.init(a)
  }

  public func encode(to encoder: any Encoder) throws { try array.encode(to: encoder) }
}
