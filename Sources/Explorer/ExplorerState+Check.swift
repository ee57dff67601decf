import Checker
import Scenario

/// A finding whose point the panes show: the live session is kept to go back to.
package struct FindingInspection: Sendable {
  /// Index in `session.findings`.
  package let index: Int
  /// The session as the lines left it, and the rows selected there (restored on leaving).
  let live: Session
  let liveSelection: [PaneID: Int]
}

/// How large a session the explorer checks live; a larger one starts unchecked and `!`
/// checks it. The checker's work grows with operations times the streams present.
enum CheckBudget {
  static let lines = 2_000
  /// Operations x masters.
  static let streamOperations = 2_000
}

extension ExplorerState {
  /// True when the replayed lines are checked: within the budget, or asked for with `!`.
  var checksLive: Bool {
    guard !checksOnDemand else { return true }
    var operations = userLines.count
    var masters = 0
    for l in baseLines {
      if case .master = l.command { masters += 1 }
      if Session.isCheckedOperation(l.command) { operations += 1 }
    }
    return baseLines.count + userLines.count <= CheckBudget.lines
      && operations * max(1, masters) <= CheckBudget.streamOperations
  }

  /// `!`: the findings list, checking the session first when it is unchecked; at a
  /// finding's point, back to the list and the live session.
  mutating func showFindings() {
    if let i = inspecting {
      leaveInspection()
      overlay = .findings(FindingsList(selected: i.index))
      return
    }
    if timeline != nil {
      status = "an imported run is not checked (smmuscope check runs scenarios)"
      statusIsError = true
      return
    }
    if session.checker == nil {
      checksOnDemand = true
      replay(design: design, compact: compact)
      status = "checked on demand: \(CheckReport(name: "session", session: session).summary)"
      statusIsError = false
    }
    overlay = .findings(FindingsList())
  }

  /// Goes to finding `i`: the panes show its point (the SMMU holding the cache state found),
  /// its stream and its operation's log line selected, and its walk opens.
  mutating func inspect(finding i: Int) {
    let live = inspecting?.live ?? session
    let f = live.findings[i]
    inspecting = FindingInspection(
      index: i, live: live, liveSelection: inspecting?.liveSelection ?? selection)
    session = f.state.map { live.viewing($0) } ?? live
    rebuild()
    if let sid = f.sid, let row = derived.streams.firstIndex(where: { $0.sid == sid }) {
      selection[.streams] = row
    }
    if let row = visibleLog.firstIndex(where: { $0.text.hasPrefix("\(f.line): ") }) { selection[.log] = row }
    status = nil
    overlay = findingWalk(f, index: i).map { .walk($0) }
  }

  /// Leaves a finding's point without reopening the list (before the session changes).
  mutating func leaveInspection() {
    guard let i = inspecting else { return }
    session = i.live
    selection = i.liveSelection
    inspecting = nil
    rebuild()
  }

  /// The walk of a finding's stream under its cache state, headed by the finding's text.
  func findingWalk(_ f: CheckFinding, index: Int) -> WalkView? {
    guard let w = f.translation?.walk else { return nil }
    var v = WalkView(
      walk: w,
      source:
        "\(Self.streamText(f)), finding \(index + 1)/\(session.findings.count): \(f.kind.rawValue) line \(f.line)"
    )
    let note = "The walk below is the stream's under that cache state; Esc shows the panes at this point."
    v.preface = Self.findingLines(f) + [[Span("")] + WalkView.words(note, style: Style(.dim))]
    return v
  }

  /// The title bar's words at a finding's point.
  var inspectionTitle: String? {
    guard let i = inspecting, session.findings.indices.contains(i.index) else { return nil }
    let f = session.findings[i.index]
    return "at finding \(i.index + 1)/\(session.findings.count): \(f.kind.rawValue) line \(f.line)"
  }

  /// The status bar's live check result: "! 3 findings", "checked: clean", or unchecked.
  var checkBadge: Span? {
    if timeline != nil { return nil }
    guard session.checker != nil else { return Span(" unchecked: ! checks ", Style(.warn, bold: true)) }
    let n = session.findings.count
    if n == 0 { return Span(" checked: clean ", Style(.good)) }
    return Span(" ! \(n) finding\(n == 1 ? "" : "s") ", Style(.bad, bold: true, reverse: true))
  }
}
