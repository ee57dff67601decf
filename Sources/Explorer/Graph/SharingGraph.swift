import SMMUDriver
import SMMUModel
import Scenario

/// The sharing graph of a session: nodes and edges, their placement, and the picture drawn
/// with full and with compact labels. Built once per session change; a frame picks the
/// picture that fits its pane and highlights the paths through one node.
struct SharingGraph: Sendable, Hashable {
  let model: GraphModel
  let placement: GraphPlacement
  let full: GraphLayout
  let compact: GraphLayout
  /// Selectable nodes in j/k order: column by column, top to bottom.
  let order: [Int]
  private let incoming: [[Int]]
  private let outgoing: [[Int]]

  init(
    session: Session, streams: [ExplorerState.StreamRow], tables: [UInt64: (owner: String, table: CDTable)],
    glyphs: Glyphs
  ) {
    self.init(GraphModel(session: session, streams: streams, tables: tables), glyphs: glyphs)
  }

  init(_ model: GraphModel = GraphModel(), glyphs: Glyphs = .unicode) {
    self.model = model
    placement = GraphPlacement(model)
    full = GraphLayout(model, placement, compact: false, glyphs: glyphs)
    compact = GraphLayout(model, placement, compact: true, glyphs: glyphs)
    order = placement.columns.flatMap { $0 }.filter { !model.nodes[$0].isDummy }
    var inc = Array(repeating: [Int](), count: model.nodes.count)
    var out = inc
    for (i, e) in model.edges.enumerated() {
      inc[e.to].append(i)
      out[e.from].append(i)
    }
    incoming = inc
    outgoing = out
  }

  /// The picture with full labels if it fits `width` columns, else the compact one.
  func layout(fitting width: Int) -> GraphLayout { full.width <= width ? full : compact }

  /// Every path through a node: its ancestors and descendants, and the edges between them.
  /// - Complexity: O(nodes + edges).
  func paths(through n: Int) -> (nodes: Set<Int>, edges: Set<Int>) {
    var nodes: Set<Int> = [n]
    var edges: Set<Int> = []
    for (adjacent, forward) in [(incoming, false), (outgoing, true)] {
      var stack = [n]
      while let m = stack.popLast() {
        for e in adjacent[m] where edges.insert(e).inserted {
          let other = forward ? model.edges[e].to : model.edges[e].from
          if nodes.insert(other).inserted { stack.append(other) }
        }
      }
    }
    return (nodes, edges)
  }
}
