import SMMUDriver
import SMMUModel

/// Text and JSON reports of a finished session.
package enum RunReport {
  /// Counters, as `run --json` and `compare` report them.
  package static func counters(_ s: Session) -> [(String, JSON)] {
    let smmu = s.driver.smmu
    let cmds = s.totals.commands.keys.sorted().map { ($0, JSON.int(s.totals.commands[$0]!)) }
    let evs = smmu.counters.events.keys.sorted().map { ($0, JSON.int(smmu.counters.events[$0]!)) }
    func cache(_ st: CacheStats) -> JSON {
      .object([
        ("hits", .int(st.hits)), ("misses", .int(st.misses)), ("evictions", .int(st.evictions)),
        ("invalidations", .int(st.invalidations)),
      ])
    }
    var atc = CacheStats()
    for a in smmu.atcs.values {
      atc.hits += a.stats.hits
      atc.misses += a.stats.misses
      atc.evictions += a.stats.evictions
      atc.invalidations += a.stats.invalidations
    }
    return [
      ("cd-tables", .int(s.cdTables.count)),
      ("cd-table-bytes", .int(Int(s.cdTableBytes))),
      (
        "stream-table-bytes",
        .int(Int(smmu.memory.occupiedBytes(.streamTable) + smmu.memory.occupiedBytes(.streamTableL1)))
      ),
      ("page-table-bytes", .int(Int(smmu.memory.occupiedBytes(.pageTable)))),
      ("ste-writes", .int(s.totals.steWrites)),
      ("cd-writes", .int(s.totals.cdWrites)),
      ("l1-descriptor-writes", .int(s.totals.l1Writes)),
      ("page-table-writes", .int(s.totals.pageTableWrites)),
      ("syncs", .int(s.totals.syncs)),
      ("commands", .object(cmds)),
      ("cfg-cache", cache(smmu.configCache.stats)),
      ("tlb", cache(smmu.tlb.stats)),
      ("atc", cache(atc)),
      ("ste-fetches", .int(smmu.counters.steFetches)),
      ("cd-fetches", .int(smmu.counters.cdFetches)),
      ("walk-reads", .int(smmu.counters.walkReads.reduce(0, +))),
      ("transactions", .int(smmu.counters.transactions)),
      ("hazards", .int(smmu.hazards.count)),
      ("events", .object(evs)),
      ("errors", .int(s.totals.errors)),
    ]
  }

  /// The model's state: streams, CD tables with their valid CDs, domains and attachments.
  package static func state(_ s: Session) -> JSON {
    let d = s.driver
    let tablesByRoot = s.cdTablesByRoot
    var streams: [JSON] = []
    for name in d.masterOrder {
      guard let m = d.masters[name] else { continue }
      for sid in m.uniqueSIDs {
        guard let ste = d.ste(sid: sid) else { continue }
        streams.append(
          .object([
            ("sid", .int(Int(sid))), ("master", .string(name)),
            ("config", .string(ste.isValid ? ste.configValue.name.lowercased() : "invalid")),
            ("s1dss", .string(ste.s1dssValue.name)), ("s1cdmax", .int(Int(ste[StreamTableEntry.s1cdmax]))),
            (
              "cd-table",
              .string(
                ste.configValue == .s1Translate ? tablesByRoot[ste.contextPointer]?.owner ?? "none" : "none")
            ),
            ("eats", .int(Int(ste[StreamTableEntry.eats]))),
            ("vmid", .int(Int(ste[StreamTableEntry.s2vmid]))),
            ("qwords", .array(ste.qwords.map { .string(hex($0, digits: 16)) })),
          ]))
      }
    }
    var tables: [JSON] = []
    for (owner, table) in s.cdTables {
      var cds: [JSON] = []
      for ssid in d.validSSIDs(of: table) {
        guard let cd = d.cd(table: table, ssid: ssid) else { continue }
        cds.append(
          .object([
            ("ssid", .int(Int(ssid))), ("asid", .int(Int(cd.asidValue))),
            ("ttb0", .string(hex(cd.tableAddress))),
            ("epd0", .bool(cd.translationDisabled)),
            ("domain", .string(s.domainName(forTable: cd.tableAddress))),
          ]))
      }
      tables.append(
        .object([
          ("owner", .string(owner)), ("format", .string(table.format.rawValue)),
          ("s1cdmax", .int(table.s1cdmax)),
          ("bytes", .int(Int(table.occupiedBytes))), ("cds", .array(cds)),
        ]))
    }
    let domains: [JSON] = d.domainOrder.compactMap { d.domains[$0] }.map { dom in
      .object([
        ("name", .string(dom.name)), ("type", .string(dom.kind.rawValue)),
        ("asid", dom.asid.map { .int(Int($0)) } ?? .null), ("vmid", dom.vmid.map { .int(Int($0)) } ?? .null),
        (
          "attachments",
          .array(dom.devices.map { .object([("master", .string($0.master)), ("ssid", .int(Int($0.ssid)))]) })
        ),
        ("mappings", .int(dom.pageTable?.mappings.count ?? 0)),
      ])
    }
    return .object([
      ("design", .string(s.options.label)), ("streams", .array(streams)), ("cd-tables", .array(tables)),
      ("domains", .array(domains)),
    ])
  }

  /// One JSON object for a step.
  package static func step(_ r: StepResult) -> JSON {
    let t = r.trace
    let fields: [(String, JSON)] = [
      ("line", .int(r.line)), ("command", .string(r.text.trimmingSpaces)),
      (
        "writes",
        .array(
          (t?.writes ?? []).map { w in
            .object([
              ("target", .string(w.target.rawValue)), ("sid", w.sid.map { .int(Int($0)) } ?? .null),
              ("ssid", w.ssid.map { .int(Int($0)) } ?? .null),
              ("table", w.table.map { .string($0) } ?? .null),
              ("qword", .int(w.qword)), ("old", .string(hex(w.old, digits: 16))),
              ("new", .string(hex(w.new, digits: 16))),
            ])
          })
      ),
      ("commands", .array((t?.commands ?? []).map { .string($0.description) })),
      ("syncs", .int(t?.syncs ?? 0)),
      ("events", .array(r.events.map { .string($0.description) })),
      ("hazards", .array(r.hazards.map { .string($0.description) })),
      ("error", r.error.map { .string($0) } ?? .null),
      ("dma", t?.translation.map { .string($0.summary) } ?? .null),
      (
        "expect",
        r.expectation.map { .object([("passed", .bool($0.passed)), ("message", .string($0.message))]) }
          ?? .null
      ),
    ]
    return .object(fields + walkJSON(r))
  }

  /// The "walk" member of an `explain` line's object (none for other lines).
  static func walkJSON(_ r: StepResult) -> [(String, JSON)] {
    guard case .explainDMA = r.command, let w = r.walk else { return [] }
    return [("walk", WalkReport.json(w))]
  }

  /// `run --json`.
  package static func json(_ s: Session) -> String {
    var out = jsonHead(label: s.options.label)
    for (i, r) in s.results.enumerated() {
      if i > 0 { out += "," }
      out += step(r).rendered()
    }
    return out + jsonTail(s)
  }

  /// `run --json` up to the first step: `jsonHead`, the steps' `step(_:).rendered()` joined
  /// by commas, then `jsonTail` make the same text as `json` (so a run can print as it goes).
  package static func jsonHead(label: String) -> String {
    "{\"design\":" + JSON.string(label).rendered() + ",\"steps\":["
  }

  /// `run --json` after the last step.
  package static func jsonTail(_ s: Session) -> String {
    "],\"counters\":" + JSON.object(counters(s)).rendered() + ",\"state\":" + state(s).rendered()
      + ",\"failures\":"
      + JSON.array(s.failures.map { .string("line \($0.line): expect \($0.expectation!.message)") })
      .rendered()
      + "}"
  }

  /// `run` text output: one block per line that did something, then a summary.
  package static func text(_ s: Session) -> String {
    var out = textHead(label: s.options.label)
    for r in s.results { out += text(r) }
    return out + textSummary(s)
  }

  /// The first line of `run`'s text output.
  package static func textHead(label: String) -> String { "design: \(label)\n" }

  /// One line's block of `run`'s text output (empty for lines that print nothing).
  package static func text(_ r: StepResult) -> String {
    var out = ReportText()
    appendText(r, to: &out)
    return String(decoding: out.bytes, as: UTF8.self)
  }

  /// Appends one line's block of `run`'s text output (the text of `text(_:)`).
  package static func appendText(_ r: StepResult, to out: inout ReportText) {
    switch r.command {
    case .say, .step, .expect, .design, .smmu, .transition: out.add(otherText(r))
    default:
      out.add(r.line)
      out.add(": ")
      out.add(r.text.trimmingSpaces)
      out.add("\n")
      guard let t = r.trace else { return }
      for item in t.items {
        switch item {
        case .write(let w):
          out.add("    write ")
          out.add(w)
        case .command(let c):
          out.add("    cmd   ")
          out.add(c)
        case .note(let n):
          out.add("    note  ")
          out.add(n.description)
        }
        out.add("\n")
      }
      if t.pageTableWrites > 0 {
        out.add("    (")
        out.add(t.pageTableWrites)
        out.add(" page-table stores)\n")
      }
      for e in r.events { out.add("    event \(e.description)\n") }
      for h in r.hazards { out.add("    HAZARD \(h.description)\n") }
      if let e = t.error { out.add("    error \(e.description)\n") }
      if case .explainDMA = r.command, let w = r.walk { out.add(WalkReport.text(w)) }
    }
  }

  /// The text of lines that are not driver operations.
  static func otherText(_ r: StepResult) -> String {
    switch r.command {
    case .say(let t): return "  | \(t)\n"
    case .step(let t): return "\n== \(t) ==\n"
    case .expect:
      let e = r.expectation!
      return "\(r.line): expect \(e.passed ? "ok" : "FAILED"): \(e.message)\n"
    case .transition(_, let f, let to):
      return "\(r.line): \(r.text.trimmingSpaces)\n"
        + (r.transition?.text(fromSpec: f, toSpec: to) ?? "").split(separator: "\n").map { "    " + $0 }
        .joined(separator: "\n") + "\n"
    default: return ""
    }
  }

  /// The summary that ends `run`'s text output.
  package static func textSummary(_ s: Session) -> String {
    var out = "\nsummary (\(s.options.label)):\n"
    for (k, v) in counters(s) {
      switch v {
      case .int(let i): out += "  \(k): \(i)\n"
      case .object(let o) where !o.isEmpty:
        out += "  \(k): " + o.map { "\($0.0)=\($0.1.rendered())" }.joined(separator: " ") + "\n"
      default: break
      }
    }
    let f = s.failures
    out += f.isEmpty ? "all expectations passed\n" : "\(f.count) expectation(s) FAILED\n"
    return out
  }
}

extension String {
  var trimmingSpaces: String {
    // Plain ASCII without leading or trailing blanks is returned as it is.
    if let f = utf8.first, let l = utf8.last, f > 32, l > 32, f < 0x80, l < 0x80 { return self }
    var s = Substring(self)
    while s.first?.isWhitespace == true { s.removeFirst() }
    while s.last?.isWhitespace == true { s.removeLast() }
    return String(s)
  }
}
