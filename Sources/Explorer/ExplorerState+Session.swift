import SMMUDriver
import Scenario

extension ExplorerState {
  /// Opens a whole scenario as the session's base (replayed once, one rebuild), under its own
  /// `design ... [compact]` line unless `design`/`compact` force one (`--design`, `--compact`).
  package mutating func load(_ scenario: Scenario, design: DriverDesign? = nil, compact: Bool? = nil) {
    walkthrough = nil
    walkthroughScript = nil
    checksOnDemand = false
    baseLines = scenario.lines
    userLines = []
    replay(design: design, compact: compact)
  }

  /// Runs a line typed by the user. A parse error changes nothing and is reported.
  package mutating func run(line: String) {
    let trimmed = line.trimmingCharacters()
    guard !trimmed.isEmpty else { return }
    leaveInspection()
    let found = session.findings.count
    var s = session
    do {
      try s.execute(source: trimmed)
    } catch {
      status = "col \(error.column): error: \(error.message)"
      statusIsError = true
      return
    }
    session = s
    userLines.append(trimmed)
    if let r = session.results.last {
      if let e = r.error {
        status = "\(trimmed): \(e)"
        statusIsError = true
      } else if let x = r.expectation {
        status = (x.passed ? "expect ok: " : "expect FAILED: ") + x.message
        statusIsError = !x.passed
      } else if let t = r.trace?.translation {
        status =
          "\(trimmed): \(t.summary)" + (r.hazards.isEmpty ? "" : "  HAZARD: \(r.hazards[0].kind.rawValue)")
          + (t.walk == nil ? "" : "  (e: its walk)")
        statusIsError = !r.hazards.isEmpty
        if case .explainDMA = r.command, session.results.count > 0 {
          overlay = walkView(resultIndex: session.results.count - 1).map { .walk($0) }
        }
      } else {
        status = "\(trimmed): ok" + (r.trace.map { " (\($0.syncs) syncs)" } ?? "")
        statusIsError = false
      }
    }
    let new = session.findings.count - found
    // A finding is news, not an error: the line ran (a paste goes on; the badge turns red).
    if new > 0 {
      status = (status ?? trimmed) + "  ! \(new) new finding\(new == 1 ? "" : "s") (! lists them)"
    }
    rebuild()
  }

  /// Replaces the session (the imported run's view).
  mutating func setSession(_ s: Session) { session = s }

  /// Rebuilds the session from the base and user lines under a design (nil: the lines' own
  /// `design` line decides).
  package mutating func replay(design: DriverDesign?, compact: Bool?, dropLastUserLine: Bool = false) {
    if dropLastUserLine, !userLines.isEmpty { userLines.removeLast() }
    var s = Session(design: design, compact: compact, invs: forcedInvs)
    s.recordsWalks = true
    inspecting = nil
    if checksLive { s.startChecking() }
    for l in baseLines { s.execute(l, learnNames: true) }
    for l in userLines { try? s.execute(source: l) }
    session = s
    rebuild()
  }

  /// The session as scenario text (what `w` writes).
  package var scenarioText: String {
    var out = "# smmuscope session (\(session.options.label))\n"
    out += "design \(design.rawValue)\(compact ? " compact" : "")\(session.options.invs ? " invs" : "")\n"
    for l in baseLines {
      if case .design = l.command { continue }
      out += l.text.trimmingCharacters() + "\n"
    }
    for l in userLines { out += l + "\n" }
    return out
  }

  /// Recomputes the derived rows after the session changed.
  mutating func rebuild() {
    var d = Derived(session: session, timeline: timeline)
    d.graph = SharingGraph(session: session, streams: d.streams, tables: d.tables, glyphs: glyphs)
    derived = d
  }
}
