/// A number written only with decimal digits, or `0x`/`0X` and hex digits: the common case
/// of `parseNumber`, read byte by byte (no sign, no `_`; anything else is `.other`, left to
/// the general path, which gives the same value for these).
enum PlainNumber: Equatable {
  case value(UInt64)
  /// The digits do not fit 64 bits.
  case overflow
  /// Not plain digits.
  case other

  init(_ s: String) {
    var s = s
    self = s.withUTF8(Self.init(bytes:))
  }

  init(bytes: UnsafeBufferPointer<UInt8>) {
    var i = 0
    var radix: UInt64 = 10
    if bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] | 0x20 == UInt8(ascii: "x") {
      radix = 16
      i = 2
    }
    guard i < bytes.count else {
      self = .other
      return
    }
    var v: UInt64 = 0
    while i < bytes.count {
      let b = bytes[i]
      let d: UInt64
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(b - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: d = UInt64(b - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: d = UInt64(b - UInt8(ascii: "A") + 10)
      default:
        self = .other
        return
      }
      let (m, o1) = v.multipliedReportingOverflow(by: radix)
      let (a, o2) = m.addingReportingOverflow(d)
      if o1 || o2 {
        self = .overflow
        return
      }
      v = a
      i += 1
    }
    self = .value(v)
  }
}
