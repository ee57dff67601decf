import SMMUDriver
import SMMUModel

/// UTF-8 text built straight into a byte buffer: `run`'s per-line report, which prints
/// tens of MB for a long scenario, without a temporary string per field.
package struct ReportText {
  package var bytes: [UInt8] = []

  package init() {}

  package mutating func add(_ s: String) {
    // Copied from contiguous UTF-8 in one go (appending `s.utf8` goes byte by byte).
    var s = s
    s.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// A decimal number.
  mutating func add(_ v: some BinaryInteger) {
    guard v >= 0, let u = UInt64(exactly: v) else { return add(String(v)) }
    // Digits written straight in, most significant first.
    var divisor: UInt64 = 1
    while u / divisor >= 10 { divisor *= 10 }
    var rest = u
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
      rest %= divisor
      divisor /= 10
    }
  }

  /// `0x` and at least `digits` lower-case hex digits, as `hex(_:digits:)` writes them.
  mutating func addHex(_ value: UInt64, digits: Int = 1) {
    let needed = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 3) / 4
    let count = Swift.max(digits, needed)
    bytes.append(UInt8(ascii: "0"))
    bytes.append(UInt8(ascii: "x"))
    var shift = (count - 1) * 4
    while shift >= 0 {
      let d = shift >= 64 ? 0 : UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0xF)
      bytes.append(d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") + d - 10)
      shift -= 4
    }
  }

  /// `Command.description` (the commands every operation issues written directly).
  mutating func add(_ c: Command) {
    switch c {
    case .sync: add(c.name)
    case .cfgiSTE(let sid, let leaf):
      add(c.name)
      add(" sid=")
      addHex(UInt64(sid))
      add(" leaf=")
      add(leaf ? 1 : 0)
    case .cfgiCD(let sid, let ssid, let leaf):
      add(c.name)
      add(" sid=")
      addHex(UInt64(sid))
      add(" ssid=")
      add(ssid)
      add(" leaf=")
      add(leaf ? 1 : 0)
    case .prefetchConfig(let sid, let ssid):
      add(c.name)
      add(" sid=")
      addHex(UInt64(sid))
      if let ssid {
        add(" ssid=")
        add(ssid)
      }
    default: add(c.description)
    }
  }

  /// `TraceWrite.description`.
  mutating func add(_ w: TraceWrite) {
    add(w.target.rawValue)
    if let sid = w.sid {
      add(" sid=")
      addHex(UInt64(sid))
    }
    if let ssid = w.ssid {
      add(" ssid=")
      add(ssid)
    }
    if let table = w.table {
      add(" [")
      add(table)
      add("]")
    }
    add(" q")
    add(w.qword)
    add(" ")
    addHex(w.old, digits: 16)
    add(" -> ")
    addHex(w.new, digits: 16)
  }
}
