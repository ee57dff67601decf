/// A word of a scenario line and the column (1-based) it starts at.
struct Token: Sendable, Hashable {
  let text: String
  let column: Int
  /// True for a "quoted string" (quotes removed).
  let quoted: Bool
}

/// Splits a line into tokens; `#` outside quotes starts a comment. Returns the column of an
/// unterminated quote as an error.
func tokenize(_ line: String) -> (tokens: [Token], unterminatedQuoteAt: Int?) {
  if isPlainASCII(line), let fast = line.utf8.withContiguousStorageIfAvailable(tokenizeASCII) { return fast }
  return tokenizeCharacters(line)
}

/// `tokenize` for any text, character by character.
func tokenizeCharacters(_ line: String) -> (tokens: [Token], unterminatedQuoteAt: Int?) {
  var tokens: [Token] = []
  var current = ""
  var start = 0
  var column = 0
  var inQuote = false
  var quoteStart = 0
  func flush() {
    if !current.isEmpty { tokens.append(Token(text: current, column: start, quoted: false)) }
    current = ""
  }
  for ch in line {
    column += 1
    if inQuote {
      if ch == "\"" {
        tokens.append(Token(text: current, column: quoteStart, quoted: true))
        current = ""
        inQuote = false
      } else {
        current.append(ch)
      }
      continue
    }
    switch ch {
    case "#":
      flush()
      return (tokens, nil)
    case "\"":
      flush()
      inQuote = true
      quoteStart = column
    case " ", "\t", "\r":
      flush()
    default:
      if current.isEmpty { start = column }
      current.append(ch)
    }
  }
  if inQuote { return (tokens, quoteStart) }
  flush()
  return (tokens, nil)
}

/// True when every character of `s` is one ASCII byte other than CR (so characters, bytes
/// and columns coincide; a CR could pair with LF into one character).
func isPlainASCII(_ s: some StringProtocol) -> Bool {
  let plain = s.utf8.withContiguousStorageIfAvailable { bytes in
    !bytes.contains { $0 >= 0x80 || $0 == 13 }
  }
  return plain ?? s.utf8.allSatisfy { $0 < 0x80 && $0 != 13 }
}

/// `tokenize` over the bytes of a plain-ASCII line (same tokens and columns).
func tokenizeASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> (tokens: [Token], unterminatedQuoteAt: Int?) {
  var tokens: [Token] = []
  tokens.reserveCapacity(8)  // a line has a few words: one allocation, not one per doubling
  var start = -1
  var i = 0
  func text(_ from: Int, _ to: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
  }
  func flush() {
    if start >= 0 { tokens.append(Token(text: text(start, i), column: start + 1, quoted: false)) }
    start = -1
  }
  while i < bytes.count {
    switch bytes[i] {
    case UInt8(ascii: "#"):
      flush()
      return (tokens, nil)
    case UInt8(ascii: "\""):
      flush()
      let open = i
      i += 1
      while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += 1 }
      guard i < bytes.count else { return (tokens, open + 1) }
      tokens.append(Token(text: text(open + 1, i), column: open + 1, quoted: true))
    case UInt8(ascii: " "), UInt8(ascii: "\t"):
      flush()
    default:
      if start < 0 { start = i }
    }
    i += 1
  }
  flush()
  return (tokens, nil)
}

/// Parses a decimal or 0x-hex number.
func parseNumber(_ s: String) -> UInt64? {
  switch PlainNumber(s) {
  case .value(let v): return v
  case .overflow: return nil
  case .other: break
  }
  let t = s.utf8.contains(UInt8(ascii: "_")) ? s.replacingUnderscores() : s
  if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
  return UInt64(t)
}

extension String {
  func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

/// True for a valid identifier: a letter or `_`, then letters, digits, `_`, `-`, `.`.
func isIdentifier(_ s: String) -> Bool {
  if s.utf8.allSatisfy({ $0 < 0x80 }) {
    func letter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
    guard let f = s.utf8.first, letter(f) || f == UInt8(ascii: "_") else { return false }
    return s.utf8.allSatisfy {
      letter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
        || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
    }
  }
  guard let f = s.first, f.isLetter || f == "_" else { return false }
  return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
}
