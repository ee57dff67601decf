extension ExplorerState {
  mutating func moveSelection(by d: Int) {
    let count = rowCount(focus)
    select(row: selectedRow(focus, count: count) + d)
  }

  /// Selects a row of the focused pane (clamped); the graph follows the stream table.
  mutating func select(row: Int) {
    selection[focus] = max(0, min(rowCount(focus) - 1, row))
  }

  mutating func click(x: Int, y: Int) {
    let layout = currentLayout
    guard let pane = layout.pane(atX: x, y: y), let rect = layout.panes[pane] else { return }
    focus = pane
    let inner = rect.inner
    guard inner.contains(x: x, y: y) else { return }
    let count = rowCount(pane)
    let sel = selectedRow(pane, count: count)
    if pane == .graph {
      // The graph is a picture: a click selects the node drawn there.
      let graph = SharingGraphPane(state: self)
      if let i = graph.node(atX: x, y: y, inner: inner, selected: sel, focused: true) {
        selection[.graph] = i
      }
      return
    }
    let offset = Layout.offset(selected: sel, count: count, height: max(0, inner.height - headerRows(pane)))
    let row = offset + (y - inner.y) - headerRows(pane)
    if row >= 0 && row < count { selection[pane] = row }
  }

  /// The layout for the current size and mode.
  package var currentLayout: Layout {
    Layout(
      width: width, height: height, narrationLines: narrationPane?.count ?? 0, zoomed: zoomed ? focus : nil)
  }

  func paneHeight(_ p: PaneID) -> Int { currentLayout.panes[p]?.inner.height ?? 1 }
}
