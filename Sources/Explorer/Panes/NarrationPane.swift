import Scenario

/// The walkthrough step's narration: its `say` lines wrapped, and its expectations with
/// their outcomes, above the other panes.
struct NarrationPane: Pane {
  let title: String
  let lines: [[Span]]

  init(state: ExplorerState) {
    title = "\(state.walkthrough?.title ?? "") — \(state.stepTitle ?? "")"
    var out: [[Span]] = []
    for r in state.currentStepResults {
      switch r.command {
      case .say(let t):
        for line in wrap(t, width: max(20, state.width - 4)) { out.append([Span(line)]) }
      case .expect:
        let ok = r.expectation?.passed ?? false
        out.append([
          Span(ok ? "  ✓ " : "  ✗ ", Style(ok ? .good : .bad, bold: true)),
          Span("expect " + (r.expectation?.message ?? ""), Style(ok ? .dim : .bad)),
        ])
      default: break
      }
    }
    lines = out.isEmpty ? [[Span("(no narration for this step)", Style(.dim))]] : out
  }

  var count: Int { lines.count }
  func row(_ i: Int) -> [Span] { lines[i] }
  var emptyText: String { "" }

  func render(into g: inout Grid, area: Rect, selected: Int, focused: Bool, glyphs: Glyphs) {
    renderText(into: &g, area: area, glyphs: glyphs)
  }
}

extension Pane {
  /// Draws every row as text in an always-focused box; when they do not fit, the last row
  /// says how many are hidden (narration does not scroll).
  func renderText(into g: inout Grid, area r: Rect, glyphs: Glyphs) {
    g.box(r, title: title, focused: true, glyphs: glyphs)
    let inner = r.inner
    var shown = (0..<min(count, inner.height)).map(row)
    if count > inner.height, inner.height > 0 {
      shown[inner.height - 1] = [
        Span("… \(count - inner.height + 1) more lines: enlarge the terminal", Style(.dim))
      ]
    }
    for (i, line) in shown.enumerated() {
      g.draw(line, x: inner.x + 1, y: inner.y + i, width: inner.width - 1)
    }
  }
}

extension ExplorerState {
  /// The narration pane's lines (none outside a walkthrough or an imported run).
  package var narrationLines: [[Span]] {
    guard let p = narrationPane else { return [] }
    return (0..<p.count).map { p.row($0) }
  }
}

/// Splits text into lines of at most `width` columns at spaces (a longer word is cut).
func wrap(_ text: String, width: Int) -> [String] {
  guard width > 0 else { return [text] }
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ", omittingEmptySubsequences: false) {
    var w = String(word)
    if line.isEmpty {
      line = w
    } else if line.count + 1 + w.count <= width {
      line += " " + w
    } else {
      lines.append(line)
      line = w
    }
    while line.count > width {
      lines.append(String(line.prefix(width)))
      w = String(line.dropFirst(width))
      line = w
    }
  }
  if !line.isEmpty || lines.isEmpty { lines.append(line) }
  return lines
}
