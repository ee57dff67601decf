import SMMUDriver
import SMMUModel

/// The setup verbs' operands: `design`, `smmu`, `master`, `domain` (see `Verb.all`).
extension ScenarioParser {
  typealias F = Cursor.Failure

  /// `design legacy|per-master [compact] [invs]`.
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
    var invs = false
    if let f = c.peek(), f.text == "invs" {
      if let refusal = DriverOptions.invsRefusal(d) { throw F(column: f.column, message: refusal) }
      _ = c.next()
      invs = true
    }
    sawDesign = true
    return .design(d, compact: compact, invs: invs)
  }

  /// `smmu [SETTING VALUE]...`: the settings of `SMMUSetting.all`.
  mutating func parseSMMU(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
    guard !sawObjects else {
      throw F(column: verb.column, message: "'smmu' must come before masters and domains")
    }
    var s = SMMUSettings()
    while let k = c.next() {
      guard let setting = SMMUSetting.named[k.text] else {
        throw F(
          column: k.column,
          message: "unknown smmu setting '\(k.text)' (\(SMMUSetting.all.map(\.name).joined(separator: ", ")))"
        )
      }
      s[setting.name] = try setting.parseValue(&c)
    }
    if s["strtab"] == 0, (s["sid-bits"] ?? 16) > 16 {
      throw F(column: verb.column, message: "a linear stream table is limited to 16 SID bits")
    }
    if s["stage1"] == 0 && s["stage2"] == 0 {
      throw F(column: verb.column, message: "an SMMU implements stage 1, stage 2 or both")
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

  /// `master NAME sid SID[,SID...] [ssid-bits N] [ats [ats-always-on]] [stall] [group G] [rmr]`.
  mutating func parseMaster(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let name = try c.newName(taken: masters.keys.contains)
    sawObjects = true
    _ = try c.keyword("sid")
    let list = try c.word("SID list")
    var sidList: [UInt32] = []
    var col = list.column
    for part in list.text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let v = parseNumber(String(part)) else { throw F(column: col, message: "bad SID '\(part)'") }
      // A SID beyond the stream table is allowed: the driver's probe refuses it (-ERANGE).
      guard v <= Self.maxSID else { throw F(column: col, message: "SID \(part) is beyond 32 bits") }
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
    var rmr = false
    var alwaysOn: Token?
    while let k = c.next() {
      switch k.text {
      case "ssid-bits": ssid = Int(try c.number(max: 20))
      case "ats": ats = true
      case "ats-always-on": alwaysOn = k
      case "stall": stall = true
      case "group": group = try c.identifier().text
      case "rmr": rmr = true
      default:
        throw F(
          column: k.column,
          message: "unknown master option '\(k.text)' (ssid-bits, ats, ats-always-on, stall, group, rmr)")
      }
    }
    if let t = alwaysOn, !ats {
      throw F(column: t.column, message: "ats-always-on is for a device with ATS: add 'ats'")
    }
    // The device's own PASID width: the driver caps it to the SMMU's SSIDSIZE, but the
    // device may still send any PASID it has (the SMMU then raises C_BAD_SUBSTREAMID).
    masters[name.text] = (ssid, sidList)
    for s in sidList { sids[s] = name.text }
    return .master(
      name: name.text, sids: sidList, ssidBits: ssid, ats: ats, stall: stall, group: group, rmr: rmr,
      atsAlwaysOn: alwaysOn != nil)
  }

  /// `domain NAME TYPE [mm MM]`.
  mutating func parseDomain(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
    let name = try c.newName(taken: domains.keys.contains)
    sawObjects = true
    let t = try c.word("paging, s2, sva, identity or blocked")
    guard let kind = DomainKind(rawValue: t.text) else {
      throw F(
        column: t.column,
        message: "unknown domain type '\(t.text)' (paging, s2, sva, identity, blocked, nested)")
    }
    if kind == .nested || (kind == .s2 && c.peek()?.text == "nest-parent") {
      let command = try parseNesting(name.text, kind, &c)
      domains[name.text] = kind
      return command
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
