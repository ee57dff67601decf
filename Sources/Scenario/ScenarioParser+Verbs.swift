import Checker
import SMMUDriver
import SMMUModel

/// The operands of the verbs that drive the driver and the model (see `Verb.all`).
extension ScenarioParser {
  /// `attach DOMAIN MASTER [pasid P]`.
  func parseAttach(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let d = try c.known("domain", domains.keys.contains)
    let m = try c.known("master", masters.keys.contains)
    let pasid = try optionalPASID(&c, master: m.text)
    return .attach(domain: d.text, master: m.text, pasid: pasid ?? 0)
  }

  /// `detach MASTER [pasid P]`.
  func parseDetach(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let m = try c.known("master", masters.keys.contains)
    let pasid = try optionalPASID(&c, master: m.text)
    return .detach(master: m.text, pasid: pasid ?? 0)
  }

  /// `map DOMAIN IOVA [size N] [pa PA]` and `unmap DOMAIN IOVA [size N]`.
  func parseMapping(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
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
  }

  /// `dma MASTER [pasid P] IOVA [read|write]`.
  func parseDMA(_ c: inout Cursor) throws(F) -> ScenarioCommand {
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
  }

  /// `asid DOMAIN N`.
  func parseASID(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let d = try c.known("domain", domains.keys.contains)
    return .asid(domain: d.text, value: UInt16(try c.number(max: 0xFFFF)))
  }

  /// `free DOMAIN` (the name may be declared again).
  mutating func parseFree(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let d = try c.known("domain", domains.keys.contains)
    domains[d.text] = nil
    return .free(domain: d.text)
  }

  /// `remove MASTER` (the name and its SIDs may be declared again).
  mutating func parseRemove(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let m = try c.known("master", masters.keys.contains)
    if let sids = masters[m.text]?.sids { for sid in sids { self.sids[sid] = nil } }
    masters[m.text] = nil
    return .remove(master: m.text)
  }

  /// `release MM`.
  func parseRelease(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    .release(mm: try c.known("mm", mms.contains).text)
  }

  /// `flush DOMAIN`.
  func parseFlush(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    .flush(domain: try c.known("domain", domains.keys.contains).text)
  }

  /// `say "TEXT"` and `step "TITLE"`.
  func parseText(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
    guard let t = c.next(), t.quoted else {
      throw F(column: c.end, message: "\(verb.text) needs a \"quoted text\"")
    }
    return verb.text == "say" ? .say(t.text) : .step(t.text)
  }

  /// `begin "NAME"`: opens an operation; operations do not nest.
  mutating func parseBegin(_ verb: Token, _ c: inout Cursor) throws(F) -> ScenarioCommand {
    guard let t = c.next(), t.quoted else { throw F(column: c.end, message: "begin needs a \"quoted name\"") }
    if let open = openOperation {
      throw F(
        column: verb.column,
        message:
          "begin inside the operation \"\(open.name)\" begun at line \(open.line) (operations do not nest)")
    }
    openOperation = (lineNumber, t.text)
    return .begin(t.text)
  }

  /// `end`: closes the operation `begin` opened.
  mutating func parseEnd(_ verb: Token) throws(F) -> ScenarioCommand {
    guard openOperation != nil else { throw F(column: verb.column, message: "end without begin") }
    openOperation = nil
    return .end
  }

  /// `write ste SID QWORD VALUE`, `write cd OWNER SSID QWORD VALUE`, `write l1std SID VALUE`,
  /// `write l1cd OWNER INDEX VALUE` and `write mem ADDR VALUE`.
  func parseWrite(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let what = try c.word("ste, cd, l1std, l1cd or mem")
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
    case "l1std":
      let sid = try c.number(max: Self.maxSID)
      return .writeL1STD(sid: UInt32(sid), value: try c.number(max: UInt64.max))
    case "l1cd":
      let owner = try c.known("master or domain", { masters[$0] != nil || domains[$0] != nil })
      let index = try c.number(max: 1 << 10)
      return .writeL1CD(owner: owner.text, index: Int(index), value: try c.number(max: UInt64.max))
    case "mem":
      let address = try c.number(max: UInt64.max)
      return .writeMemory(address: address, value: try c.number(max: UInt64.max))
    default:
      throw F(
        column: what.column,
        message: "write ste SID QWORD VALUE | write cd OWNER SSID QWORD VALUE | write l1std SID VALUE | "
          + "write l1cd OWNER INDEX VALUE | write mem ADDR VALUE")
    }
  }

  /// What `inject` accepts: none or a mutation's name.
  static var mutationNames: String { (["none"] + DriverMutation.names).joined(separator: ", ") }

  /// `inject NAME...` (`DriverMutation`) or `inject none`.
  func parseInject(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let first = try c.word("a mutation (\(Self.mutationNames))")
    if first.text == "none" {
      if let extra = c.next() { throw F(column: extra.column, message: "inject none takes nothing after it") }
      return .inject([])
    }
    var out: [DriverMutation] = []
    var t: Token? = first
    while let k = t {
      guard let m = DriverMutation(rawValue: k.text) else {
        throw F(column: k.column, message: "unknown mutation '\(k.text)' (\(Self.mutationNames))")
      }
      if !out.contains(m) { out.append(m) }
      t = c.next()
    }
    return .inject(out)
  }

  /// `smmuen 0|1`.
  func parseSMMUEN(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    .smmuEnable(try c.number(max: 1) == 1)
  }

  /// `ack QUEUE` (`AckQueue`).
  func parseAck(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let names = AckQueue.allCases.map(\.rawValue).joined(separator: " or ")
    let t = try c.word(names)
    guard let q = AckQueue(rawValue: t.text) else {
      throw F(column: t.column, message: "ack takes \(names)")
    }
    return .ack(q)
  }

  /// `cmd NAME [OPERAND VALUE | FLAG]...`; `NAME` from `RawCommand.kinds`, case-insensitive.
  func parseRawCommand(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    .command(try parseRawOperands(&c))
  }

  /// `NAME [OPERAND VALUE | FLAG]...` of one command, up to the end of the line or a `;`
  /// (the separator of `guest V cmd`).
  func parseRawOperands(_ c: inout Cursor) throws(F) -> RawCommand {
    let name = try c.word("command name")
    guard var raw = RawCommand(name: name.text) else {
      throw F(
        column: name.column,
        message: "unknown command '\(name.text)' (\(RawCommand.names.joined(separator: ", ")))")
    }
    while let k = c.peek(), k.text != ";" {
      _ = c.next()
      switch k.text {
      case "sid": raw.sid = UInt32(try c.number(max: UInt64(UInt32.max)))
      case "ssid": raw.ssid = UInt32(try c.number(max: (1 << 20) - 1))
      case "asid": raw.asid = UInt16(try c.number(max: 0xFFFF))
      case "vmid": raw.vmid = UInt16(try c.number(max: 0xFFFF))
      case "addr": raw.address = try c.number(max: UInt64.max)
      case "leaf": raw.leaf = try c.number(max: 1) == 1
      case "num": raw.num = Int(try c.number(max: 31))
      case "scale": raw.scale = Int(try c.number(max: 31))
      case "tg": raw.tg = Int(try c.number(max: 3))
      case "ttl": raw.ttl = Int(try c.number(max: 3))
      case "range": raw.range = Int(try c.number(max: 31))
      case "cs":
        let t = try c.word("none, irq or sev")
        guard let v = SyncOperands.Signal.allCases.first(where: { $0.name == t.text }) else {
          throw F(column: t.column, message: "cs is none, irq, sev or reserved")
        }
        raw.cs = v
      case "msiaddr":
        let col = c.peek()?.column ?? c.end
        raw.msiAddress = try c.number(max: SyncOperands.addressMask)
        guard raw.msiAddress & 3 == 0 else { throw F(column: col, message: "msiaddr must be 4-byte aligned") }
      case "msidata": raw.msiData = UInt32(try c.number(max: 0xFFFF_FFFF))
      case "stag": raw.stag = UInt16(try c.number(max: 0xFFFF))
      case "q0": raw.q0 = try c.number(max: UInt64.max)
      case "q1": raw.q1 = try c.number(max: UInt64.max)
      case "retry", "abort", "term": raw.action = k.text
      default:
        throw F(
          column: k.column,
          message:
            "unknown command operand '\(k.text)' (\((RawCommand.operands + RawCommand.flags).joined(separator: ", ")))"
        )
      }
    }
    return raw
  }

  /// `transition ste|cd FROM TO` (the specs are checked here).
  func parseTransition(_ c: inout Cursor) throws(F) -> ScenarioCommand {
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
  }

  /// What `expect check` accepts: clean or a finding kind.
  static var checkKinds: String {
    (["clean"] + CheckFinding.Kind.allCases.map(\.rawValue)).joined(separator: ", ")
  }

  /// `expect PATH OP VALUE`, `expect event NAME`, `expect error [CODE]`, `expect hazard [KIND]`,
  /// `expect check clean|KIND`.
  func parseExpectation(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let first = try c.word("what to expect")
    switch first.text {
    case "event":
      let e = try c.word("event name")
      return .expect(.event(e.text.uppercased()))
    case "error":
      return .expect(.error(c.next()?.text))
    case "hazard":
      return .expect(.hazard(c.next()?.text))
    case "check":
      let k = try c.word("clean or a finding kind (\(Self.checkKinds))")
      if k.text == "clean" { return .expect(.check(nil)) }
      guard CheckFinding.Kind(rawValue: k.text) != nil else {
        throw F(column: k.column, message: "unknown check '\(k.text)' (\(Self.checkKinds))")
      }
      return .expect(.check(k.text))
    default:
      let op = try c.word("an operator (== != < <= > >=)")
      guard let o = CompareOp(rawValue: op.text) else {
        throw F(column: op.column, message: "unknown operator '\(op.text)' (== != < <= > >=)")
      }
      let v = try c.word("a value")
      try Self.checkPath(first)
      return .expect(.compare(path: first.text, op: o, value: v.text))
    }
  }
}
