import SMMUDriver

/// Parses a whole scenario before anything runs: syntax, names (declared before use, no
/// duplicates), PASIDs within each master's ssid-bits and SIDs within sid-bits.
public struct ScenarioParser: Sendable {
  let file: String
  var sidBits = 16
  var ssidBitsLimit = 20
  var masters: [String: (ssidBits: Int, sids: [UInt32])] = [:]
  var domains: [String: DomainKind] = [:]
  var mms: Set<String> = []
  var sids: [UInt32: String] = [:]
  var sawObjects = false
  var sawDesign = false

  public init(file: String) { self.file = file }

  /// Parses `source`; throws the first error. Lines end in LF or CRLF; a leading byte-order
  /// mark is ignored.
  public static func parse(_ source: String, file: String = "<scenario>") throws(ScenarioError) -> Scenario {
    var p = ScenarioParser(file: file)
    var lines: [ScenarioLine] = []
    let body = source.hasPrefix("\u{FEFF}") ? source.dropFirst() : Substring(source)
    // Plain ASCII (no CR) splits by bytes: the same lines as splitting by characters. Other
    // text splits on LF and CR LF (one Character in Swift).
    let raws: [Substring] =
      isPlainASCII(body)
      ? body.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
        Substring($0)
      }
      : body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    lines.reserveCapacity(raws.count)
    // Capacity hints for the name tables (a scenario may declare 10^5 masters).
    let declaredMasters = raws.count > 1024 ? raws.reduce(0) { $0 + ($1.hasPrefix("master ") ? 1 : 0) } : 0
    let declaredDomains = raws.count > 1024 ? raws.reduce(0) { $0 + ($1.hasPrefix("domain ") ? 1 : 0) } : 0
    p.masters.reserveCapacity(declaredMasters)
    p.sids.reserveCapacity(declaredMasters)
    p.domains.reserveCapacity(declaredDomains)
    for (i, raw) in raws.enumerated() {
      if let l = try p.parseLine(String(raw), number: i + 1) { lines.append(l) }
    }
    return Scenario(name: file, lines: lines)
  }

  /// Parses one line in the context of the lines before it (nil for blank/comment lines).
  public mutating func parseLine(_ text: String, number: Int) throws(ScenarioError) -> ScenarioLine? {
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

  mutating func parseCommand(_ verb: Token, _ c: inout Cursor, number: Int) throws(Cursor.Failure)
    -> ScenarioCommand
  {
    typealias F = Cursor.Failure
    switch verb.text {
    case "design":
      guard !sawObjects else {
        throw F(column: verb.column, message: "'design' must come before masters and domains")
      }
      let t = try c.word("legacy or per-master")
      guard let d = DriverDesign(rawValue: t.text) else {
        throw F(column: t.column, message: "unknown design '\(t.text)': use legacy or per-master")
      }
      var compact = false
      if let f = c.peek(), f.text == "compact" {
        _ = c.next()
        compact = true
      }
      sawDesign = true
      return .design(d, compact: compact)
    case "smmu":
      guard !sawObjects else {
        throw F(column: verb.column, message: "'smmu' must come before masters and domains")
      }
      var s = SMMUSettings()
      while let k = c.next() {
        switch k.text {
        case "sid-bits":
          let v = try c.number(max: 32)
          s.sidBits = Int(v)
          sidBits = Int(v)
          if v > 25 { sidBits = 25 }
        case "ssid-bits":
          let v = try c.number(max: 20)
          s.ssidBits = Int(v)
          ssidBitsLimit = Int(v)
        case "strtab":
          let t = try c.word("linear or 2lvl")
          guard t.text == "linear" || t.text == "2lvl" else {
            throw F(column: t.column, message: "strtab is linear or 2lvl")
          }
          s.twoLevelStreamTable = t.text == "2lvl"
        case "cd2l":
          let t = try c.word("on or off")
          guard t.text == "on" || t.text == "off" else {
            throw F(column: t.column, message: "cd2l is on or off")
          }
          s.twoLevelCD = t.text == "on"
        case "cfg-cache": s.configCache = Int(try c.number(max: 1 << 20))
        case "tlb": s.tlb = Int(try c.number(max: 1 << 20))
        case "atc": s.atc = Int(try c.number(max: 1 << 20))
        default:
          throw F(
            column: k.column,
            message:
              "unknown smmu setting '\(k.text)' (sid-bits, ssid-bits, strtab, cd2l, cfg-cache, tlb, atc)")
        }
      }
      if s.twoLevelStreamTable == false, let b = s.sidBits ?? Optional(16), b > 16 {
        throw F(column: verb.column, message: "a linear stream table is limited to 16 SID bits")
      }
      return .smmu(s)
    case "master":
      let name = try c.newName(taken: masters.keys.contains)
      sawObjects = true
      _ = try c.keyword("sid")
      let list = try c.word("SID list")
      var sidList: [UInt32] = []
      var col = list.column
      for part in list.text.split(separator: ",", omittingEmptySubsequences: false) {
        guard let v = parseNumber(String(part)) else { throw F(column: col, message: "bad SID '\(part)'") }
        guard v < UInt64(1) << UInt64(sidBits) else {
          throw F(column: col, message: "SID \(part) is beyond sid-bits \(sidBits)")
        }
        if let owner = sids[UInt32(v)] {
          throw F(column: col, message: "SID \(part) already belongs to \(owner)")
        }
        sidList.append(UInt32(v))
        col += part.count + 1
      }
      var ssid = 0
      var ats = false
      var stall = false
      var group: String?
      while let k = c.next() {
        switch k.text {
        case "ssid-bits": ssid = Int(try c.number(max: 20))
        case "ats": ats = true
        case "stall": stall = true
        case "group": group = try c.identifier().text
        default:
          throw F(
            column: k.column, message: "unknown master option '\(k.text)' (ssid-bits, ats, stall, group)")
        }
      }
      ssid = min(ssid, ssidBitsLimit)
      masters[name.text] = (ssid, sidList)
      for s in sidList { sids[s] = name.text }
      return .master(name: name.text, sids: sidList, ssidBits: ssid, ats: ats, stall: stall, group: group)
    case "domain":
      let name = try c.newName(taken: domains.keys.contains)
      sawObjects = true
      let t = try c.word("paging, s2, sva, identity or blocked")
      guard let kind = DomainKind(rawValue: t.text) else {
        throw F(
          column: t.column, message: "unknown domain type '\(t.text)' (paging, s2, sva, identity, blocked)")
      }
      var mm: String?
      if let k = c.peek(), k.text == "mm" {
        _ = c.next()
        mm = try c.identifier().text
      }
      if kind == .sva && mm == nil { throw F(column: c.end, message: "an sva domain needs 'mm NAME'") }
      if kind != .sva && mm != nil { throw F(column: verb.column, message: "only sva domains take 'mm'") }
      if let mm { mms.insert(mm) }
      domains[name.text] = kind
      return .domain(name: name.text, kind: kind, mm: mm)
    case "attach":
      let d = try c.known("domain", domains.keys.contains)
      let m = try c.known("master", masters.keys.contains)
      let pasid = try optionalPASID(&c, master: m.text)
      return .attach(domain: d.text, master: m.text, pasid: pasid ?? 0)
    case "detach":
      let m = try c.known("master", masters.keys.contains)
      let pasid = try optionalPASID(&c, master: m.text)
      return .detach(master: m.text, pasid: pasid ?? 0)
    case "map", "unmap":
      let d = try c.known("domain", domains.keys.contains)
      let iovaColumn = c.peek()?.column ?? c.end
      let iova = try c.number(max: UInt64.max)
      var size: UInt64 = 4096
      var sizeColumn = verb.column
      var pa: UInt64?
      var paColumn = verb.column
      while let k = c.next() {
        switch k.text {
        case "size":
          sizeColumn = c.peek()?.column ?? c.end
          size = try c.number(max: UInt64.max)
        case "pa" where verb.text == "map":
          paColumn = c.peek()?.column ?? c.end
          pa = try c.number(max: UInt64.max)
        default: throw F(column: k.column, message: "unknown \(verb.text) option '\(k.text)'")
        }
      }
      try Self.checkMapRange(
        iova: iova, size: size, pa: pa, columns: (verb.column, iovaColumn, sizeColumn, paColumn))
      return verb.text == "map"
        ? .map(domain: d.text, iova: iova, size: size, pa: pa)
        : .unmap(domain: d.text, iova: iova, size: size)
    case "dma":
      let m = try c.known("master", masters.keys.contains)
      let pasid = try optionalPASID(&c, master: m.text)
      let iova = try c.number(max: UInt64.max)
      var write = false
      if let k = c.next() {
        guard k.text == "read" || k.text == "write" else {
          throw F(column: k.column, message: "expected read or write")
        }
        write = k.text == "write"
      }
      return .dma(master: m.text, pasid: pasid, iova: iova, write: write)
    case "asid":
      let d = try c.known("domain", domains.keys.contains)
      return .asid(domain: d.text, value: UInt16(try c.number(max: 0xFFFF)))
    case "free":
      let d = try c.known("domain", domains.keys.contains)
      domains[d.text] = nil
      return .free(domain: d.text)
    case "remove":
      let m = try c.known("master", masters.keys.contains)
      if let sids = masters[m.text]?.sids { for sid in sids { self.sids[sid] = nil } }
      masters[m.text] = nil
      return .remove(master: m.text)
    case "release":
      let mm = try c.known("mm", mms.contains)
      return .release(mm: mm.text)
    case "say", "step":
      guard let t = c.next(), t.quoted else {
        throw F(column: c.end, message: "\(verb.text) needs a \"quoted text\"")
      }
      return verb.text == "say" ? .say(t.text) : .step(t.text)
    case "expect":
      return .expect(try parseExpectation(&c))
    case "write":
      let what = try c.word("ste or cd")
      switch what.text {
      case "ste":
        let sid = try c.number(max: UInt64(UInt32.max))
        let q = try c.number(max: 7)
        return .writeSTE(sid: UInt32(sid), qword: Int(q), value: try c.number(max: UInt64.max))
      case "cd":
        let owner = try c.known("master or domain", { masters[$0] != nil || domains[$0] != nil })
        let ssid = try c.number(max: (1 << 20) - 1)
        let q = try c.number(max: 7)
        return .writeCD(
          owner: owner.text, ssid: UInt32(ssid), qword: Int(q), value: try c.number(max: UInt64.max))
      default:
        throw F(column: what.column, message: "write ste SID QWORD VALUE | write cd OWNER SSID QWORD VALUE")
      }
    case "cmd":
      let name = try c.word("command name")
      guard RawCommand.names.contains(name.text.uppercased()) else {
        throw F(
          column: name.column,
          message: "unknown command '\(name.text)' (\(RawCommand.names.joined(separator: ", ")))")
      }
      var raw = RawCommand(name: name.text.uppercased())
      while let k = c.next() {
        switch k.text {
        case "sid": raw.sid = UInt32(try c.number(max: UInt64(UInt32.max)))
        case "ssid": raw.ssid = UInt32(try c.number(max: (1 << 20) - 1))
        case "asid": raw.asid = UInt16(try c.number(max: 0xFFFF))
        case "vmid": raw.vmid = UInt16(try c.number(max: 0xFFFF))
        case "addr": raw.address = try c.number(max: UInt64.max)
        case "leaf": raw.leaf = try c.number(max: 1) == 1
        default:
          throw F(
            column: k.column,
            message: "unknown command operand '\(k.text)' (sid, ssid, asid, vmid, addr, leaf)")
        }
      }
      return .command(raw)
    case "transition":
      let kind = try c.word("ste or cd")
      guard kind.text == "ste" || kind.text == "cd" else {
        throw F(column: kind.column, message: "transition ste|cd FROM TO")
      }
      let from = try c.word("FROM spec")
      let to = try c.word("TO spec")
      do throws(Transition.SpecError) {
        _ = try Transition(kind: kind.text == "ste" ? .ste : .cd, from: from.text, to: to.text)
      } catch {
        throw F(column: from.column, message: error.description)
      }
      return .transition(kind: kind.text, from: from.text, to: to.text)
    case "explain": return try parseExplain(&c)
    default:
      throw F(column: verb.column, message: "unknown command '\(verb.text)'")
    }
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

  func parseExpectation(_ c: inout Cursor) throws(Cursor.Failure) -> Expectation {
    let first = try c.word("what to expect")
    switch first.text {
    case "event":
      let e = try c.word("event name")
      return .event(e.text.uppercased())
    case "error":
      return .error(c.next()?.text)
    case "hazard":
      return .hazard(c.next()?.text)
    default:
      let op = try c.word("an operator (== != < <= > >=)")
      guard let o = CompareOp(rawValue: op.text) else {
        throw Cursor.Failure(column: op.column, message: "unknown operator '\(op.text)' (== != < <= > >=)")
      }
      let v = try c.word("a value")
      try Self.checkPath(first)
      return .compare(path: first.text, op: o, value: v.text)
    }
  }
}

extension RawCommand {
  /// Command names `cmd` accepts.
  public static let names = [
    "CFGI_STE", "CFGI_CD", "CFGI_CD_ALL", "CFGI_ALL", "TLBI_NH_ASID", "TLBI_NH_VA", "TLBI_NH_ALL",
    "TLBI_S12_VMALL", "TLBI_S2_IPA", "TLBI_NSNH_ALL", "ATC_INV", "PREFETCH_CFG", "CMD_SYNC", "SYNC",
  ]
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
