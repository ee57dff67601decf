/// Where everything goes on a screen of a given size.
package struct Layout: Sendable, Hashable {
  package static let minimumWidth = 60
  package static let minimumHeight = 16

  package var title: Rect
  package var panes: [PaneID: Rect]
  package var narration: Rect?
  package var status: Rect
  package var hints: Rect
  package let tooSmall: Bool

  /// Computes the layout. A zoomed pane takes the whole body.
  package init(width: Int, height: Int, narrationLines: Int, zoomed: PaneID?) {
    tooSmall = width < Self.minimumWidth || height < Self.minimumHeight
    let screen = Rect(x: 0, y: 0, width: width, height: height)
    let (t, rest) = screen.top(1)
    title = t
    let (body, bottom) = rest.top(rest.height - 2)
    let (s, h) = bottom.top(1)
    status = s
    hints = h
    var main = body
    if narrationLines > 0 {
      let (n, m) = body.top(min(narrationLines + 2, body.height * 2 / 5))
      narration = n
      main = m
    }
    if let z = zoomed {
      panes = [z: main]
      return
    }
    let logHeight = max(4, main.height / 4)
    let (upper, log) = main.top(main.height - logHeight)
    let (topRow, midRow) = upper.top(upper.height / 2)
    let leftWidth = width >= 120 ? width * 5 / 12 : width / 2
    let (streams, graph) = topRow.left(leftWidth)
    let (cd, caches) = midRow.left(leftWidth)
    panes = [.streams: streams, .graph: graph, .cdTable: cd, .caches: caches, .log: log]
  }

  /// The pane at a point.
  package func pane(atX x: Int, y: Int) -> PaneID? {
    panes.first { $0.value.contains(x: x, y: y) }?.key
  }

  /// The first visible row when `selected` must be visible in `height` rows of `count`.
  package static func offset(selected: Int, count: Int, height: Int) -> Int {
    guard height > 0, count > height else { return 0 }
    return min(max(0, selected - height + 1), count - height)
  }
}
