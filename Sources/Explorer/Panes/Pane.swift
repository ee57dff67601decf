/// A pane of the explorer as a widget (ratatui's `Widget`): it knows its title, its header
/// and row count, builds rows on demand, and draws the visible ones into a rectangle of the
/// grid. Selection and focus live in `ExplorerState` and come in as arguments.
protocol Pane {
  /// The title in the pane's border.
  var title: String { get }
  /// Rows drawn above the scrolling rows (column headings).
  var header: [[Span]] { get }
  /// Number of (selectable) rows.
  var count: Int { get }
  /// Row `i` (0 ≤ i < count); only visible rows are asked for.
  func row(_ i: Int) -> [Span]
  /// What an empty pane says.
  var emptyText: String { get }
  /// How the selected row is shown when the pane is focused.
  var selectionMark: SelectionMark { get }
  /// Draws the pane, border included, into `area`.
  func render(into grid: inout Grid, area: Rect, selected: Int, focused: Bool, glyphs: Glyphs)
}

/// How a pane shows its selected row.
enum SelectionMark {
  /// The row in reverse video.
  case highlight
  /// A ">" in a one-column gutter (the log: its colours stay readable).
  case gutter
  /// Nothing (the row only scrolls into view).
  case none
}

extension Pane {
  var header: [[Span]] { [] }
  var selectionMark: SelectionMark { .highlight }

  /// A bordered list: header rows, then the rows scrolled so the selection is visible, and a
  /// "position/count" mark in the bottom border when not all rows fit.
  func render(into g: inout Grid, area r: Rect, selected sel: Int, focused: Bool, glyphs: Glyphs) {
    g.box(r, title: title, focused: focused, glyphs: glyphs)
    let inner = r.inner
    guard inner.width > 0, inner.height > 0 else { return }
    var y = inner.y
    for h in header where y < inner.y + inner.height {
      g.draw(h, x: inner.x, y: y, width: inner.width)
      y += 1
    }
    let height = inner.y + inner.height - y
    guard height > 0 else { return }
    if count == 0 {
      g.write(emptyText, x: inner.x + 1, y: y, style: Style(.dim), maxWidth: inner.width - 1)
      return
    }
    let offset = Layout.offset(selected: sel, count: count, height: height)
    let gutter = selectionMark == .gutter ? 1 : 0
    for i in offset..<min(count, offset + height) {
      let marked = focused && i == sel
      g.draw(
        row(i), x: inner.x + gutter, y: y, width: inner.width - gutter,
        highlight: marked && selectionMark == .highlight)
      if marked && selectionMark == .gutter {
        g.write(">", x: inner.x, y: y, style: Style(.accent, bold: true))
      }
      y += 1
    }
    if count > height {
      let pos = "\(sel + 1)/\(count)"
      g.write(pos, x: r.x + r.width - pos.count - 2, y: r.y + r.height - 1, style: Style(.dim))
    }
  }
}

extension ExplorerState {
  /// The pane shown for an id: the one place that maps ids to pane types.
  func pane(_ id: PaneID) -> any Pane {
    switch id {
    case .streams: StreamTablePane(state: self)
    case .cdTable: CDTablePane(state: self)
    case .graph: SharingGraphPane(state: self)
    case .caches: CachesPane(state: self)
    case .log: LogPane(state: self)
    }
  }

  /// The narration pane above the others: the imported run's or the walkthrough step's.
  var narrationPane: (any Pane)? {
    if let timeline { return ImportTimelinePane(timeline: timeline) }
    if walkthrough != nil { return NarrationPane(state: self) }
    return nil
  }

  /// Number of selectable rows of a pane.
  func rowCount(_ p: PaneID) -> Int { pane(p).count }

  /// Header rows of a pane (above its scrolling rows).
  func headerRows(_ p: PaneID) -> Int { pane(p).header.count }

  /// The selected row of a pane with `count` rows (the log starts at its end).
  func selectedRow(_ p: PaneID, count: Int) -> Int {
    min(selection[p] ?? (p == .log ? max(0, count - 1) : 0), max(0, count - 1))
  }
}
