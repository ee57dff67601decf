import SMMUDriver

/// Parses a whole scenario before anything runs: syntax, names (declared before use, no
/// duplicates), PASIDs within each master's ssid-bits and SIDs within sid-bits.
package struct ScenarioParser: Sendable {
  let file: String
  var masters: [String: (ssidBits: Int, sids: [UInt32])] = [:]
  var domains: [String: DomainKind] = [:]
  var mms: Set<String> = []
  /// vSMMU names (`viommu`).
  var viommus: Set<String> = []
  /// Guest domain names by vSMMU (`guest V domain NAME paging`).
  var guestDomains: [String: Set<String>] = [:]
  var sids: [UInt32: String] = [:]
  var sawObjects = false
  var sawDesign = false
  /// The `begin` whose `end` has not come yet: its line and name.
  var openOperation: (line: Int, name: String)?
  /// The number of the line being parsed.
  var lineNumber = 0

  package init(file: String) { self.file = file }

  /// Parses `source`; throws the first error. Lines end in LF or CRLF; a leading byte-order
  /// mark is ignored.
  package static func parse(_ source: String, file: String = "<scenario>") throws(ScenarioError) -> Scenario {
    var p = ScenarioParser(file: file)
    var lines: [ScenarioLine] = []
    let body = source.hasPrefix("\u{FEFF}") ? source.dropFirst() : Substring(source)
    // Plain ASCII (no CR) splits by bytes: the same lines as splitting by characters. Other
    // text splits on LF and CR LF (one Character in Swift).
    let raws: [Substring] =
      isPlainASCII(body)
      ? asciiLines(body)
      : body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    lines.reserveCapacity(raws.count)
    // Capacity hints for the name tables (a scenario may declare 10^5 masters).
    var declaredMasters = 0
    var declaredDomains = 0
    if raws.count > 1024 {
      // Compared as UTF-8 (a Substring's `hasPrefix` goes character by character), and only
      // for lines that start with the right letter.
      for raw in raws {
        let u = raw.utf8
        if u.first == UInt8(ascii: "m"), u.starts(with: "master ".utf8) { declaredMasters += 1 }
        if u.first == UInt8(ascii: "d"), u.starts(with: "domain ".utf8) { declaredDomains += 1 }
      }
    }
    p.masters.reserveCapacity(declaredMasters)
    p.sids.reserveCapacity(declaredMasters)
    p.domains.reserveCapacity(declaredDomains)
    for (i, raw) in raws.enumerated() {
      if let l = try p.parseLine(String(raw), number: i + 1) { lines.append(l) }
    }
    if let open = p.openOperation {
      throw ScenarioError(
        file: file, line: raws.count, column: 1,
        message:
          "end of file inside the operation \"\(open.name)\" begun at line \(open.line): missing 'end'",
        lineText: raws.last.map(String.init) ?? "")
    }
    return Scenario(name: file, lines: lines)
  }

  /// Parses one line in the context of the lines before it (nil for blank/comment lines).
  package mutating func parseLine(_ text: String, number: Int) throws(ScenarioError) -> ScenarioLine? {
    let (all, badQuote) = tokenize(text)
    func fail(_ column: Int, _ message: String) -> ScenarioError {
      ScenarioError(file: file, line: number, column: max(1, column), message: message, lineText: text)
    }
    if let q = badQuote { throw fail(q, "unterminated string") }
    guard !all.isEmpty else { return nil }
    var tokens = all
    var onlyFor: DriverDesign?
    var onlyCompact: Bool?
    // Prefixes: `legacy:` / `per-master:` (design), `compact:` / `paged:` (CD-table sizing).
    while let first = tokens.first, first.text.hasSuffix(":"), !first.quoted {
      let word = String(first.text.dropLast())
      if let d = DriverDesign(rawValue: word) {
        onlyFor = d
      } else if word == "compact" || word == "paged" {
        onlyCompact = word == "compact"
      } else {
        break
      }
      tokens.removeFirst()
      guard !tokens.isEmpty else { throw fail(first.column, "nothing after '\(first.text)'") }
    }
    var c = Cursor(tokens: tokens, end: (isPlainASCII(text) ? text.utf8.count : text.count) + 1)
    let verb = c.next()!
    if onlyFor != nil || onlyCompact != nil, verb.text == "begin" || verb.text == "end" {
      throw fail(verb.column, "'\(verb.text)' takes no prefix (an operation runs under every design)")
    }
    let command: ScenarioCommand
    do throws(Cursor.Failure) {
      command = try parseCommand(verb, &c, number: number)
      if let extra = c.peek() {
        throw Cursor.Failure(column: extra.column, message: "unexpected '\(extra.text)'")
      }
    } catch {
      throw fail(error.column, error.message)
    }
    return ScenarioLine(
      line: number, text: text, command: command, onlyFor: onlyFor, onlyCompact: onlyCompact)
  }

  /// Parses the operands of `verb` through its entry in the verb table.
  mutating func parseCommand(_ verb: Token, _ c: inout Cursor, number: Int) throws(Cursor.Failure)
    -> ScenarioCommand
  {
    guard let v = Verb.named[verb.text] else {
      throw Cursor.Failure(
        column: verb.column,
        message: "unknown command '\(verb.text)' (\(Verb.names.joined(separator: ", ")))")
    }
    lineNumber = number
    return try v.parse(&self, verb, &c)
  }

  func optionalPASID(_ c: inout Cursor, master: String) throws(Cursor.Failure) -> UInt32? {
    guard let k = c.peek(), k.text == "pasid" else { return nil }
    _ = c.next()
    let col = c.peek()?.column ?? c.end
    let v = try c.number(max: (1 << 20) - 1)
    let bits = masters[master]?.ssidBits ?? 0
    if v >= UInt64(1) << UInt64(bits) && v != 0 {
      throw Cursor.Failure(column: col, message: "PASID \(v) is beyond \(master)'s ssid-bits \(bits)")
    }
    return UInt32(v)
  }
}

/// Walks a line's tokens.
struct Cursor {
  struct Failure: Error {
    let column: Int
    let message: String
  }
  var tokens: [Token]
  var index = 0
  /// Column just past the end of the line (for "missing ..." errors).
  let end: Int

  init(tokens: [Token], end: Int) {
    self.tokens = tokens
    self.end = end
  }

  func peek() -> Token? { index < tokens.count ? tokens[index] : nil }

  mutating func next() -> Token? {
    defer { index += 1 }
    return peek()
  }

  mutating func word(_ what: String) throws(Failure) -> Token {
    guard let t = next() else { throw Failure(column: end, message: "missing \(what)") }
    return t
  }

  mutating func keyword(_ k: String) throws(Failure) -> Token {
    let t = try word("'\(k)'")
    guard t.text == k else { throw Failure(column: t.column, message: "expected '\(k)', found '\(t.text)'") }
    return t
  }

  mutating func identifier() throws(Failure) -> Token {
    let t = try word("a name")
    guard isIdentifier(t.text), !t.quoted else {
      throw Failure(column: t.column, message: "'\(t.text)' is not a valid name")
    }
    return t
  }

  mutating func newName(taken: (String) -> Bool) throws(Failure) -> Token {
    let t = try identifier()
    if taken(t.text) { throw Failure(column: t.column, message: "duplicate name '\(t.text)'") }
    return t
  }

  mutating func known(_ kind: String, _ exists: (String) -> Bool) throws(Failure) -> Token {
    let t = try word("a \(kind) name")
    guard exists(t.text) else { throw Failure(column: t.column, message: "unknown \(kind) '\(t.text)'") }
    return t
  }

  mutating func number(max: UInt64) throws(Failure) -> UInt64 {
    let t = try word("a number")
    guard let v = parseNumber(t.text) else {
      throw Failure(column: t.column, message: "'\(t.text)' is not a number")
    }
    guard v <= max else { throw Failure(column: t.column, message: "\(t.text) is out of range (max \(max))") }
    return v
  }
}

/// The lines of plain-ASCII text split at each LF (an empty last line after a final LF, as
/// `split(omittingEmptySubsequences: false)` gives), found by scanning the bytes.
func asciiLines(_ body: Substring) -> [Substring] {
  let newline = UInt8(ascii: "\n")
  guard let ends = body.utf8.withContiguousStorageIfAvailable({ b in b.indices.filter { b[$0] == newline } })
  else {
    return body.utf8.split(separator: newline, omittingEmptySubsequences: false).map { Substring($0) }
  }
  var lines: [Substring] = []
  lines.reserveCapacity(ends.count + 1)
  let u = body.utf8
  var start = u.startIndex
  var offset = 0
  for end in ends {
    let stop = u.index(start, offsetBy: end - offset)
    lines.append(body[start..<stop])
    start = u.index(after: stop)
    offset = end + 1
  }
  lines.append(body[start...])
  return lines
}
