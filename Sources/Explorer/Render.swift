import SMMUDriver
import Scenario

extension ExplorerState {
  /// Draws the whole screen: a pure function of the state.
  package func render() -> Grid {
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
    if let n = layout.narration, let p = narrationPane {
      p.render(into: &grid, area: n, selected: 0, focused: true, glyphs: glyphs)
    }
    for (id, rect) in layout.panes {
      let p = pane(id)
      p.render(
        into: &grid, area: rect, selected: selectedRow(id, count: p.count), focused: id == focus,
        glyphs: glyphs)
    }
    drawStatus(&grid, layout.status)
    drawHints(&grid, layout.hints)
    if let overlay { drawOverlay(&grid, overlay) }
    if glyphs == .ascii { grid.asciify() }
    return grid
  }

  func drawTitle(_ g: inout Grid, _ r: Rect) {
    g.fill(x: r.x, y: r.y, width: r.width, height: 1, style: Style(.selection))
    var t = " smmuscope  design: \(session.options.label)"
    if let i = inspectionTitle {
      t += "  " + i
    } else if let w = walkthrough {
      t += "  walkthrough: \(w.name) step \(stepIndex + 1)/\(stepCount)"
    }
    let injected = session.options.mutations
    if !injected.isEmpty { t += "  inject: " + injected.sorted().map(\.rawValue).joined(separator: ",") }
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

  func drawStatus(_ g: inout Grid, _ r: Rect) {
    // The live check result keeps the right end; the rest gets what is left.
    let badge = checkBadge
    let room = r.width - (badge?.text.count ?? 0)
    if let badge { g.draw([badge], x: r.x + room, y: r.y, width: badge.text.count) }
    if let status {
      g.write(
        " " + status, x: r.x, y: r.y, style: Style(statusIsError ? .bad : .good, bold: true),
        maxWidth: room - 1)
      return
    }
    let t = session.totals
    let hz = session.driver.smmu.hazards.count
    var spans = [
      Span(" CD tables ", Style(.dim)), Span("\(derived.cdTableCount)", Style(bold: true)),
      Span("  CD bytes ", Style(.dim)), Span("\(derived.cdTableBytes)", Style(bold: true)),
      Span("  STE writes ", Style(.dim)), Span("\(t.steWrites)", Style(bold: true)),
      Span("  CD writes ", Style(.dim)), Span("\(t.cdWrites)", Style(bold: true)),
      Span("  syncs ", Style(.dim)), Span("\(t.syncs)", Style(bold: true)),
      Span("  hazards ", Style(.dim)), Span("\(hz)", Style(hz > 0 ? .bad : .good, bold: true)),
    ]
    // Too narrow for all: the CD bytes go first (the CD tables count stays).
    if spans.reduce(0, { $0 + $1.text.count }) > room - 1 { spans.removeSubrange(2..<4) }
    g.draw(spans, x: r.x, y: r.y, width: room - 1)
  }

  /// The hint bar, from the current mode's keymap.
  func drawHints(_ g: inout Grid, _ r: Rect) {
    g.draw(screenKeymap.hintSpans, x: r.x, y: r.y, width: r.width)
  }
}
