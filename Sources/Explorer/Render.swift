import SMMUDriver
import Scenario

extension ExplorerState {
  /// Draws the whole screen: a pure function of the state.
  public func render() -> Grid {
    var grid = Grid(width: width, height: height)
    let layout = currentLayout
    if layout.tooSmall {
      let lines = [
        "terminal too small",
        "need \(Layout.minimumWidth)x\(Layout.minimumHeight), have \(width)x\(height)",
        "resize the window, or q to quit",
      ]
      for (i, l) in lines.enumerated() {
        grid.write(
          l, x: max(0, (width - l.count) / 2), y: max(0, height / 2 - 1 + i),
          style: Style(i == 0 ? .warn : .normal, bold: i == 0))
      }
      if glyphs == .ascii { grid.asciify() }
      return grid
    }
    drawTitle(&grid, layout.title)
    if let n = layout.narration { drawNarration(&grid, n) }
    for (pane, rect) in layout.panes { drawPane(&grid, pane, rect) }
    drawStatus(&grid, layout.status)
    drawHints(&grid, layout.hints)
    if let overlay { drawOverlay(&grid, overlay) }
    if glyphs == .ascii { grid.asciify() }
    return grid
  }

  func drawTitle(_ g: inout Grid, _ r: Rect) {
    g.fill(x: r.x, y: r.y, width: r.width, height: 1, style: Style(.selection))
    var t = " smmuscope  design: \(session.options.label)"
    if let w = walkthrough { t += "  walkthrough: \(w.name) step \(stepIndex + 1)/\(stepCount)" }
    if let tl = timeline {
      t =
        " smmuscope  import: \(tl.result.tracePath.split(separator: "/").last ?? "")  step \(tl.index)/\(tl.count)"
    }
    if !logFilter.isEmpty { t += "  filter: \(logFilter)" }
    g.write(t, x: r.x, y: r.y, style: Style(.selection, bold: true), maxWidth: r.width)
    let right = "? help "
    if r.width > t.count + right.count {
      g.write(right, x: r.x + r.width - right.count, y: r.y, style: Style(.selection))
    }
  }

  func drawNarration(_ g: inout Grid, _ r: Rect) {
    let title =
      timeline != nil
      ? "Imported QEMU run (\(timeline?.result.cdDesign ?? "") CD tables)"
      : "\(walkthrough?.title ?? "") — \(stepTitle ?? "")"
    g.box(r, title: title, focused: true, glyphs: glyphs)
    let inner = r.inner
    let lines = narrationLines
    var shown = Array(lines.prefix(inner.height))
    if lines.count > inner.height, inner.height > 0 {
      shown[inner.height - 1] = [
        Span("… \(lines.count - inner.height + 1) more lines: enlarge the terminal", Style(.dim))
      ]
    }
    for (i, line) in shown.enumerated() {
      g.draw(line, x: inner.x + 1, y: inner.y + i, width: inner.width - 1)
    }
  }

  func drawPane(_ g: inout Grid, _ p: PaneID, _ r: Rect) {
    let content = paneContent(p)
    let count = content.count
    var title = p.title
    switch p {
    case .streams: title += " (\(count) SID\(count == 1 ? "" : "s"))"
    case .log: title += logFilter.isEmpty ? "" : " /\(logFilter)"
    default: break
    }
    g.box(r, title: title, focused: p == focus, glyphs: glyphs)
    let inner = r.inner
    guard inner.width > 0, inner.height > 0 else { return }
    var y = inner.y
    for h in header(p) where y < inner.y + inner.height {
      g.draw(h, x: inner.x, y: y, width: inner.width)
      y += 1
    }
    let height = inner.y + inner.height - y
    guard height > 0 else { return }
    let sel = min(selection[p] ?? (p == .log ? max(0, count - 1) : 0), max(0, count - 1))
    let offset = Layout.offset(selected: sel, count: count, height: height)
    if count == 0 {
      g.write(emptyText(p), x: inner.x + 1, y: y, style: Style(.dim), maxWidth: inner.width - 1)
      return
    }
    // The log keeps its selection visible as a ">" in a one-column gutter, not as a highlight;
    // the graph's rows are a picture, never reversed (its selection only scrolls).
    let gutter = p == .log ? 1 : 0
    for i in offset..<min(count, offset + height) {
      g.draw(
        content.row(i), x: inner.x + gutter, y: y, width: inner.width - gutter,
        highlight: p == focus && i == sel && p != .log && p != .graph)
      if p == .log && p == focus && i == sel {
        g.write(">", x: inner.x, y: y, style: Style(.accent, bold: true))
      }
      y += 1
    }
    if count > height {
      let pos = "\(sel + 1)/\(count)"
      g.write(pos, x: r.x + r.width - pos.count - 2, y: r.y + r.height - 1, style: Style(.dim))
    }
  }

  func emptyText(_ p: PaneID) -> String {
    switch p {
    case .streams: "no masters yet: m adds one (or : master NAME sid N)"
    case .cdTable: cdTableInfo.table == nil ? "the selected master's STE uses no CD table" : "no valid CD"
    case .graph: "nothing attached"
    case .caches: "empty"
    case .log: logFilter.isEmpty ? "nothing happened yet" : "no line matches /\(logFilter)"
    }
  }

  func drawStatus(_ g: inout Grid, _ r: Rect) {
    if let status {
      g.write(
        " " + status, x: r.x, y: r.y, style: Style(statusIsError ? .bad : .good, bold: true),
        maxWidth: r.width)
      return
    }
    let t = session.totals
    let hz = session.driver.smmu.hazards.count
    let spans = [
      Span(" CD tables ", Style(.dim)), Span("\(derived.cdTableCount)", Style(bold: true)),
      Span("  CD bytes ", Style(.dim)), Span("\(derived.cdTableBytes)", Style(bold: true)),
      Span("  STE writes ", Style(.dim)), Span("\(t.steWrites)", Style(bold: true)),
      Span("  CD writes ", Style(.dim)), Span("\(t.cdWrites)", Style(bold: true)),
      Span("  syncs ", Style(.dim)), Span("\(t.syncs)", Style(bold: true)),
      Span("  hazards ", Style(.dim)), Span("\(hz)", Style(hz > 0 ? .bad : .good, bold: true)),
    ]
    g.draw(spans, x: r.x, y: r.y, width: r.width)
  }

  func drawHints(_ g: inout Grid, _ r: Rect) {
    var spans: [Span] = []
    if timeline != nil {
      for (k, label) in [
        ("Space", "next"), ("b", "back"), ("]", "next cmd"), ("}", "next phase"), ("{", "prev phase"),
      ] {
        spans += [Span(" " + k, Style(.accent, bold: true)), Span(" \(label) ", Style(.dim))]
      }
      spans += [
        Span(" Tab", Style(.accent, bold: true)), Span(" pane ", Style(.dim)),
        Span(" ?", Style(.accent, bold: true)),
        Span(" help ", Style(.dim)), Span(" q", Style(.accent, bold: true)), Span(" quit", Style(.dim)),
      ]
      g.draw(spans, x: r.x, y: r.y, width: r.width)
      return
    }
    if walkthrough != nil {
      spans += [
        Span(" Space", Style(.accent, bold: true)), Span(" next "), Span(" b", Style(.accent, bold: true)),
        Span(" back "),
      ]
    }
    for b in Keymap.bindings {
      guard let hint = b.hint else { continue }
      spans.append(Span(" " + b.label, Style(.accent, bold: true)))
      spans.append(Span(" " + hint + " ", Style(.dim)))
    }
    g.draw(spans, x: r.x, y: r.y, width: r.width)
  }
}
