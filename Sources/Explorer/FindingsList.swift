import Checker
import SMMUModel
import Scenario

/// The findings overlay (`!`): the checker's findings so far, one row each, and the selected
/// one's text; or, for a finding without a walk, its whole text.
package struct FindingsList: Sendable, Hashable {
  /// Index in `session.findings`.
  package var selected = 0
  /// Showing only the selected finding's text (Enter on a finding without a walk).
  package var detail = false

  package init(selected: Int = 0, detail: Bool = false) {
    self.selected = selected
    self.detail = detail
  }
}

extension ExplorerState {
  /// The list's rows that fit under the selected finding's text, and that text.
  func findingsLayout(_ l: FindingsList) -> (rows: Int, text: [[Span]]) {
    let fs = session.findings
    guard fs.indices.contains(l.selected) else { return (max(1, height - 4), []) }
    let text = Array(findingText(fs[l.selected], width: width - 8).prefix(max(0, (height - 4) / 2)))
    return (max(1, height - 4 - text.count - 1), text)
  }

  /// A finding's text (`smmuscope check`'s), one line each: a label span, then the value's
  /// words (so wrapping keeps the label column).
  static func findingLines(_ f: CheckFinding) -> [[Span]] {
    let lines = CheckReport.text(f).split(separator: "\n").map(String.init)
    return lines.enumerated().map { i, line in
      // The first line names the finding; the others are an 11-column label and a value.
      let label = i == 0 ? "" : String(line.prefix(11))
      let value = String(line.dropFirst(label.count))
      return [Span(label, Style(.dim))]
        + WalkView.words(value, style: Style(i == 0 ? .bad : .normal, bold: i == 0))
    }
  }

  /// A finding's text wrapped to `width`.
  func findingText(_ f: CheckFinding, width: Int) -> [[Span]] {
    Self.findingLines(f).flatMap {
      WalkView.wrap(Array($0.prefix(1)), Array($0.dropFirst()), width: width, indent: 11)
    }
  }

  /// "nvme0 0x8/3": a finding's stream, or "-".
  static func streamText(_ f: CheckFinding) -> String {
    guard let sid = f.sid else { return "-" }
    return (f.master.map { $0 + " " } ?? "") + hex(UInt64(sid)) + (f.ssid.map { "/\($0)" } ?? "")
  }

  func drawFindings(_ g: inout Grid, _ l: FindingsList) {
    let fs = session.findings
    let keys = Keymap.findingsList.hintText()
    if l.detail, fs.indices.contains(l.selected) {
      drawPopup(
        &g, title: "Finding \(l.selected + 1)/\(fs.count), no walk (\(Keymap.popup.hintText()))",
        lines: findingText(fs[l.selected], width: width - 8))
      return
    }
    let report = CheckReport(name: "session", session: session)
    guard !fs.isEmpty else {
      drawPopup(
        &g, title: "Checker: clean (\(Keymap(Array(Keymap.findingsList.bindings.suffix(1))).hintText()))",
        lines: [
          [Span("The session is clean: the checker found nothing.", Style(.good, bold: true))],
          [Span("Checked \(report.summary).")],
          [
            Span(
              "Each operation is checked as it runs, at every point and cache state.", Style(.dim))
          ],
        ])
      return
    }
    let (rows, text) = findingsLayout(l)
    let top = Layout.offset(selected: l.selected, count: fs.count, height: rows)
    let inner = width - 8
    var lines: [[Span]] = []
    for i in top..<min(fs.count, top + rows) {
      let f = fs[i]
      let on = i == l.selected
      let rest = "\(f.point): \(f.seen)"
      lines.append([
        Span(col(f.kind.rawValue, 15), Style(.bad, bold: true, reverse: on)),
        Span(col("line \(f.line)", 10), Style(reverse: on)),
        Span(col(Self.streamText(f), 16), Style(.accent, reverse: on)),
        Span(col(rest, max(0, inner - 41)), Style(reverse: on)),
      ])
    }
    lines.append([])
    lines += text
    let range = fs.count > rows ? " \(top + 1)-\(min(fs.count, top + rows)) of" : ""
    drawPopup(
      &g,
      title:
        "Checker:\(range) \(fs.count) finding\(fs.count == 1 ? "" : "s"), \(report.countsText) (\(keys))",
      lines: lines)
  }

  /// A key in the findings overlay.
  mutating func updateFindings(_ l: FindingsList, _ action: Action?) {
    let count = session.findings.count
    var l = l
    if l.detail {
      if action == .cancel { overlay = .findings(FindingsList(selected: l.selected)) }
      return
    }
    switch action {
    case .move(let d): l.selected += d
    case .page(let d): l.selected += d * findingsLayout(l).rows
    case .home: l.selected = 0
    case .end: l.selected = count - 1
    case .accept:
      guard session.findings.indices.contains(l.selected) else { return }
      if session.findings[l.selected].translation?.walk != nil {
        inspect(finding: l.selected)
      } else {
        overlay = .findings(FindingsList(selected: l.selected, detail: true))
      }
      return
    case .cancel:
      overlay = nil
      return
    default: return
    }
    l.selected = max(0, min(count - 1, l.selected))
    overlay = .findings(l)
  }
}
