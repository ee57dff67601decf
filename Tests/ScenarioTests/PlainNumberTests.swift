import Testing

@testable import Scenario

/// `parseNumber`'s byte-by-byte path for plain digits gives what the general path gives.
@Suite struct PlainNumberTests {
  /// The general path alone (what `parseNumber` did before the plain path).
  func general(_ s: String) -> UInt64? {
    let t = s.utf8.contains(UInt8(ascii: "_")) ? s.replacingUnderscores() : s
    if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
    return UInt64(t)
  }

  @Test func agreesWithTheGeneralPath() {
    let cases = [
      "0", "7", "42", "0x0", "0x1000", "0XfF", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
      "18446744073709551615", "18446744073709551616", "99999999999999999999999", "0x", "0X", "x10",
      "0xg", "12a", "+5", "-0", "1_000", "0x1_0000", "", " 1", "0x 1", "0b101", "00017", "0x00ff",
    ]
    for s in cases { #expect(parseNumber(s) == general(s), "\(s)") }
  }

  @Test func plainDigitsAreReadDirectly() {
    #expect(PlainNumber("0x1000") == .value(0x1000))
    #expect(PlainNumber("4096") == .value(4096))
    #expect(PlainNumber("0x10000000000000000") == .overflow)
    #expect(PlainNumber("1_000") == .other)
    #expect(PlainNumber("+5") == .other)
  }
}

/// `asciiLines` splits as `split(separator:omittingEmptySubsequences: false)` does.
@Suite struct ASCIILinesTests {
  @Test func agreesWithSplit() {
    for text in ["", "\n", "a", "a\n", "a\nb", "\n\na\n\nbb\n", "map d 0x1000\ndma a 0x1000\n", "x\n\n"] {
      let body = Substring(text)
      let expected = body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
        String(Substring($0))
      }
      #expect(asciiLines(body).map(String.init) == expected, "\(text.debugDescription)")
      // A slice that starts and ends inside a larger string.
      let wide = "zz" + text + "zz"
      let inner = wide.dropFirst(2).dropLast(2)
      #expect(asciiLines(inner).map(String.init) == expected, "inner \(text.debugDescription)")
    }
  }
}

/// `ReportText` writes integers as `String(_:)` does.
@Suite struct ReportTextNumberTests {
  @Test func decimalsMatchString() {
    let values: [UInt64] = [
      0, 1, 9, 10, 11, 99, 100, 101, 4096, 65_535, 1_000_000, 18_446_744_073_709_551_615,
      10_000_000_000_000_000_000,
    ]
    for v in values {
      var t = ReportText()
      t.add(v)
      #expect(String(decoding: t.bytes, as: UTF8.self) == String(v))
    }
    for v in [-1, -10, Int.min, Int.max, 0, 7, 12_345] {
      var t = ReportText()
      t.add(v)
      #expect(String(decoding: t.bytes, as: UTF8.self) == String(v))
    }
  }
}
