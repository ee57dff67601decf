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

/// Parses a decimal or 0x-hex number.
func parseNumber(_ s: String) -> UInt64? {
  let t = s.replacingUnderscores()
  if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
  return UInt64(t)
}

extension String {
  func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

/// True for a valid identifier: a letter or `_`, then letters, digits, `_`, `-`, `.`.
func isIdentifier(_ s: String) -> Bool {
  guard let f = s.first, f.isLetter || f == "_" else { return false }
  return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
}
