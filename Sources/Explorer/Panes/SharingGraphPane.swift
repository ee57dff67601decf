/// The sharing graph: masters -> STEs -> CD tables -> domains -> page tables, each drawn
/// once with edges converging. Focused, j/k select a node and every path through it is
/// highlighted; otherwise the paths of the stream table's selected master are.
struct SharingGraphPane: Pane {
  let graph: SharingGraph
  /// The selected master's node (what is highlighted while another pane has the focus).
  let masterNode: Int?

  init(state: ExplorerState) {
    let graph = state.derived.graph
    self.graph = graph
    masterNode = state.selectedMaster.flatMap { graph.model.node("m:\($0)") }
  }

  var title: String { PaneID.graph.title }
  var count: Int { graph.order.count }
  func row(_ i: Int) -> [Span] {
    let n = graph.order[i]
    return graph.model.nodes[n].rows.map { Span($0.full) }.first.map { [$0] } ?? []
  }
  var emptyText: String { "nothing attached" }
  var selectionMark: SelectionMark { .none }

  /// The node the highlight goes through.
  func highlighted(selected: Int, focused: Bool) -> Int? {
    focused && !graph.order.isEmpty ? graph.order[min(selected, graph.order.count - 1)] : masterNode
  }

  /// The first picture row shown, keeping the highlighted node in view.
  func offset(_ layout: GraphLayout, node: Int?, height: Int) -> Int {
    Layout.offset(
      selected: node.map { graph.placement.row[$0] } ?? 0, count: layout.height, height: height)
  }

  func render(into g: inout Grid, area r: Rect, selected: Int, focused: Bool, glyphs: Glyphs) {
    g.box(r, title: title, focused: focused, glyphs: glyphs)
    let inner = r.inner
    guard inner.width > 0, inner.height > 0 else { return }
    guard count > 0 else {
      g.write(emptyText, x: inner.x + 1, y: inner.y, style: Style(.dim), maxWidth: inner.width - 1)
      return
    }
    let layout = graph.layout(fitting: inner.width)
    let node = highlighted(selected: selected, focused: focused)
    let (nodes, edges) = node.map(graph.paths) ?? ([], [])
    let top = offset(layout, node: node, height: inner.height)
    let bottom = min(layout.height, top + inner.height)
    // The routes of the highlighted edges that show in this frame.
    let lit = edges.compactMap { layout.routes[$0] }.filter { r in
      max(r.sourceRow, r.targetRow) >= top && min(r.sourceRow, r.targetRow) < bottom
    }
    for y in top..<bottom {
      let row = layout.rows[y]
      for x in 0..<min(row.scalars.count, inner.width) where row.scalars[x] != " " {
        let style: Style
        if let l = row.label(at: x) {
          // On a path: underlined; the selected node itself reversed (graph focused).
          style = Style(
            l.color, bold: l.bold, reverse: focused && l.node == node, underline: nodes.contains(l.node))
        } else {
          let on = lit.contains { $0.contains(x: x, y: y) }
          style = Style(on ? .accent : .normal, bold: on)
        }
        g[inner.x + x, inner.y + y - top] = Cell(Character(row.scalars[x]), style)
      }
    }
    if layout.height > inner.height {
      let pos = "\(selected + 1)/\(count)"
      g.write(pos, x: r.x + r.width - pos.count - 2, y: r.y + r.height - 1, style: Style(.dim))
    }
  }

  /// The node drawn at a point of the pane's inner area, if any (mouse clicks).
  func node(atX x: Int, y: Int, inner: Rect, selected: Int, focused: Bool) -> Int? {
    let layout = graph.layout(fitting: inner.width)
    let top = offset(layout, node: highlighted(selected: selected, focused: focused), height: inner.height)
    let (cx, cy) = (x - inner.x, y - inner.y + top)
    return layout.node(x: cx, y: cy).flatMap { graph.order.firstIndex(of: $0) }
  }
}
