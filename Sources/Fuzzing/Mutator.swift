import TestSupport

/// A deterministic, structure-aware mutator for line-oriented text inputs (scenarios, traces,
/// dump READMEs): byte edits, numbers replaced by boundary values, words swapped for words of
/// the corpus, and whole lines deleted, repeated or spliced in from another seed. The same
/// seed always gives the same inputs, so every finding replays from its seed and index.
package struct Mutator: Sendable {
  /// Numbers at the edges of what the model's fields, the architecture's limits and Swift's
  /// integer types can hold, as a user or a corrupt trace might write them.
  package static let interestingNumbers = [
    "0", "1", "-1", "7", "8", "31", "32", "33", "63", "64", "0x3f", "0x7f", "0xff", "0x100", "0xfff",
    "0x1000", "0xffff", "0x10000", "0xfffff", "0x100000", "1048575", "1048576", "0x7fffffff",
    "0xffffffff", "0x100000000", "0xffffffffffff", "0x1000000000000", "0x10000000000",
    "0xffff000000001000", "0x7fffffffffffffff", "0x8000000000000000", "0xffffffffffffffff",
    "0xfffffffffffffff0", "0x2000000000000000", "0x1003f", "0x1003e", "0x10028", "0x10210",
    "18446744073709551616", "99999999999999999999999", "0x", "-0x1", "1e9", "0b101",
  ]

  var random: SplitMix64
  /// Words seen in the seeds (keywords, names, field paths).
  let words: [String]
  /// Upper bound of an input's length in bytes.
  package let maxLength: Int

  package init(seed: UInt64, corpus: [[UInt8]], maxLength: Int = 4096) {
    random = SplitMix64(state: seed)
    var seen = Set<String>()
    for input in corpus {
      for w in String(decoding: input, as: UTF8.self).split(whereSeparator: { " \n\t=,:()[]".contains($0) })
      where w.count <= 40 {
        seen.insert(String(w))
      }
    }
    words = seen.sorted()
    self.maxLength = maxLength
  }

  /// A new input from `input` and, for splices, `other`: one to four mutations stacked.
  package mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
    var out = input
    for _ in 0...random.below(4) {
      out = once(out, other: other)
    }
    return out.count > maxLength ? Array(out.prefix(maxLength)) : out
  }

  mutating func once(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
    var lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    switch random.below(12) {
    case 0, 1: return replaceToken(input, with: random.pick(Self.interestingNumbers), numbersOnly: true)
    case 2: return replaceToken(input, with: words.isEmpty ? "x" : random.pick(words), numbersOnly: false)
    case 3:
      if !lines.isEmpty { lines.remove(at: random.below(lines.count)) }
    case 4:
      if !lines.isEmpty {
        let i = random.below(lines.count)
        let copies = random.chance(20) ? 50 + random.below(150) : 1
        lines.insert(contentsOf: Array(repeating: lines[i], count: copies), at: i)
      }
    case 5:
      let others = other.split(separator: UInt8(ascii: "\n")).map(Array.init)
      if !others.isEmpty {
        lines.insert(random.pick(others), at: random.below(lines.count + 1))
      }
    case 6:
      if lines.count > 1 { lines.swapAt(random.below(lines.count), random.below(lines.count)) }
    case 7: return byteEdit(input)
    case 8:
      return insert(
        random.pick(["\r\n", "\r", "\u{FEFF}", "\0", "\"", "#", "\t", " pasid ", ".."]), into: input)
    case 9:
      return insert(Array(Array(repeating: UInt8(ascii: "9"), count: 1 + random.below(30))), into: input)
    case 10: return insert([0xFF, 0xC3, 0x80, 0xE2, 0x82][random.below(5)...].map { $0 }, into: input)
    default:
      if !lines.isEmpty {
        let i = random.below(lines.count)
        lines[i] += Array(" \(random.pick(words.isEmpty ? ["x"] : words))".utf8)
      }
    }
    return Array(lines.joined(separator: [UInt8(ascii: "\n")]))
  }

  /// Replaces one whitespace-separated token (a number-looking one when `numbersOnly`).
  mutating func replaceToken(_ input: [UInt8], with token: String, numbersOnly: Bool) -> [UInt8] {
    var spans: [Range<Int>] = []
    var start: Int?
    for (i, b) in input.enumerated() {
      let separator = b == 0x20 || b == 0x0A || b == 0x09 || b == UInt8(ascii: "=") || b == UInt8(ascii: ".")
      if separator {
        if let s = start { spans.append(s..<i) }
        start = nil
      } else if start == nil {
        start = i
      }
    }
    if let s = start { spans.append(s..<input.count) }
    if numbersOnly {
      spans = spans.filter { r in input[r.lowerBound] >= 0x30 && input[r.lowerBound] <= 0x39 }
    }
    guard !spans.isEmpty else { return insert(Array(token.utf8), into: input) }
    var out = input
    out.replaceSubrange(random.pick(spans), with: Array(token.utf8))
    return out
  }

  mutating func byteEdit(_ input: [UInt8]) -> [UInt8] {
    guard !input.isEmpty else { return [UInt8(truncatingIfNeeded: random.next())] }
    var out = input
    let i = random.below(out.count)
    switch random.below(3) {
    case 0: out[i] ^= UInt8(1 << random.below(8))
    case 1: out[i] = UInt8(truncatingIfNeeded: random.next())
    default: out.removeSubrange(i..<min(out.count, i + 1 + random.below(16)))
    }
    return out
  }

  mutating func insert(_ bytes: [UInt8], into input: [UInt8]) -> [UInt8] {
    var out = input
    out.insert(contentsOf: bytes, at: random.below(input.count + 1))
    return out
  }

  mutating func insert(_ text: String, into input: [UInt8]) -> [UInt8] {
    insert(Array(text.utf8), into: input)
  }
}
