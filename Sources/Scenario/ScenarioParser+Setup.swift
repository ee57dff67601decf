import SMMUDriver
import SMMUModel

/// The setup verbs' operands: `design`, `smmu`, `master`, `domain` (see `Verb.all`).
extension ScenarioParser {
  typealias F = Cursor.Failure

  /// `design legacy|per-master [compact]`.
  mutating func parseDesign(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
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
  }

  /// `smmu [SETTING VALUE]...`.
  mutating func parseSMMU(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
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
      case "oas":
        let v = try c.number(max: 64)
        guard AddressSize.encoding(ofBits: Int(v)) != nil else {
          throw F(column: k.column, message: "oas is one of 32, 36, 40, 42, 44, 48, 52 (bits), not \(v)")
        }
        s.outputAddressBits = Int(v)
      case "stall":
        let t = try c.word("off, on or force")
        let models: [String: SMMUFeatures.StallModel] = [
          "off": .terminateOnly, "on": .stallOrTerminate, "force": .stallForced,
        ]
        guard let m = models[t.text] else { throw F(column: t.column, message: "stall is off, on or force") }
        s.stallModel = m
      case "hyp": s.hyp = try Self.onOff(k, &c)
      case "ats": s.ats = try Self.onOff(k, &c)
      case "stage1": s.stage1 = try Self.onOff(k, &c)
      case "stage2": s.stage2 = try Self.onOff(k, &c)
      default:
        throw F(
          column: k.column,
          message:
            "unknown smmu setting '\(k.text)' (sid-bits, ssid-bits, strtab, cd2l, cfg-cache, tlb, atc, oas, stall, hyp, ats, stage1, stage2)"
        )
      }
    }
    if s.twoLevelStreamTable == false, let b = s.sidBits ?? Optional(16), b > 16 {
      throw F(column: verb.column, message: "a linear stream table is limited to 16 SID bits")
    }
    return .smmu(s)
  }

  /// The `on` or `off` after a setting.
  static func onOff(_ setting: Token, _ c: inout Cursor) throws(F) -> Bool {
    let t = try c.word("on or off")
    guard t.text == "on" || t.text == "off" else {
      throw F(column: t.column, message: "\(setting.text) is on or off")
    }
    return t.text == "on"
  }

  /// `master NAME sid SID[,SID...] [ssid-bits N] [ats] [stall] [group G]`.
  mutating func parseMaster(_ c: inout Cursor) throws(F) -> ScenarioCommand {
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
  }

  /// `domain NAME TYPE [mm MM]`.
  mutating func parseDomain(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
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
  }
}
