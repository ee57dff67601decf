/// The sharing graph drawn once as a picture: labels in five columns and, in the channels
/// between them, edges on vertical tracks that converge on their target with box-drawing
/// joins. Each label cell remembers its node and each edge its route, so a frame highlights
/// paths without redrawing the picture.
struct GraphLayout: Sendable, Hashable {
  /// One cell of the picture.
  struct Cell: Sendable, Hashable {
    var character: Character = " "
    /// The node whose label this is, or -1 (a line or a blank).
    var node: Int32 = -1
    var color: Color = .normal
    var bold = false
  }

  /// Where an edge is drawn: along its source row to its track, along the track to the
  /// target row, along that to the arrow (straight edges have no track).
  struct Route: Sendable, Hashable {
    let sourceRow: Int
    let targetRow: Int
    let start: Int
    let track: Int?
    let arrow: Int

    /// Whether the route passes through a cell.
    func contains(x: Int, y: Int) -> Bool {
      guard let t = track else { return y == sourceRow && x >= start && x <= arrow }
      return (y == sourceRow && x >= start && x <= t) || (y == targetRow && x >= t && x <= arrow)
        || (x == t && y >= min(sourceRow, targetRow) && y <= max(sourceRow, targetRow))
    }
  }

  private(set) var width = 0
  /// The picture's rows (trailing blanks cut).
  private(set) var cells: [[Cell]] = []
  /// Each node's label column.
  private(set) var x: [Int] = []
  /// Each edge's route, by edge index.
  private(set) var routes: [Route?] = []

  /// Draws a placed graph with full or compact labels.
  /// - Complexity: O(cells + edges × route length).
  init(_ model: GraphModel, _ p: GraphPlacement, compact: Bool, glyphs g: Glyphs) {
    let nodes = model.nodes
    let gap = compact ? 0 : 1
    func text(_ l: GraphModel.Label) -> String { compact ? l.compact : l.full }
    let colWidth = p.columns.map { col in col.flatMap { nodes[$0].rows.map { text($0).count } }.max() ?? 0 }
    let channels = (0..<p.columns.count - 1).map { c in Channel(model, p, column: c) }
    var colX = [0]
    for c in channels.indices {
      let w = channels[c].routes.isEmpty ? (p.columns[c + 1].isEmpty ? 0 : 1) : channels[c].width + 2 * gap
      colX.append(colX[c] + colWidth[c] + w)
    }
    width = colX[colX.count - 1] + colWidth[colWidth.count - 1]
    x = nodes.map { colX[$0.column.rawValue] }
    var canvas = Canvas(width: width, height: p.height)
    routes = Array(repeating: nil, count: model.edges.count)
    for (c, ch) in channels.enumerated() {
      let start = colX[c] + colWidth[c] + gap
      let arrowX = start + ch.width - 1
      for (e, ys, yt, track) in ch.routes {
        let edge = model.edges[e]
        let from = edge.from
        let labelEnd =
          nodes[from].isDummy ? x[from] : x[from] + text(nodes[from].rows[edge.fromRow]).count + gap
        let route = Route(
          sourceRow: ys, targetRow: yt, start: labelEnd, track: track.map { start + 1 + $0 }, arrow: arrowX)
        canvas.draw(route, target: edge.to)
        routes[e] = route
      }
    }
    cells = canvas.cells(glyphs: g)
    for (i, n) in nodes.enumerated() {
      for (k, l) in n.rows.enumerated() {
        let y = p.row[i] + k
        for (j, ch) in text(l).enumerated() {
          cells[y][x[i] + j] = Cell(character: ch, node: Int32(i), color: l.color, bold: l.bold)
        }
      }
    }
    for y in cells.indices {
      while cells[y].last?.character == " " { cells[y].removeLast() }
    }
  }
}

/// Connections of each cell while the edges are drawn, then box-drawing characters.
private struct Canvas {
  static let up: UInt8 = 1
  static let down: UInt8 = 2
  static let left: UInt8 = 4
  static let right: UInt8 = 8

  let width: Int
  var mask: [UInt8]
  var arrow: [Bool]
  /// The target whose track runs through a cell, and the target of the lines across it (-2
  /// when several), to tell a crossing from a join.
  var track: [Int]
  var across: [Int]

  init(width: Int, height: Int) {
    self.width = width
    mask = Array(repeating: 0, count: width * height)
    arrow = Array(repeating: false, count: width * height)
    track = Array(repeating: -1, count: width * height)
    across = track
  }

  mutating func draw(_ r: GraphLayout.Route, target: Int) {
    if let t = r.track {
      hline(r.sourceRow, r.start, t, target, open: (true, false))
      let (a, b) = (min(r.sourceRow, r.targetRow), max(r.sourceRow, r.targetRow))
      for y in a...b {
        mask[y * width + t] |= (y > a ? Self.up : 0) | (y < b ? Self.down : 0)
        track[y * width + t] = target
      }
      hline(r.targetRow, t, r.arrow - 1, target, open: (false, true))
    } else {
      hline(r.sourceRow, r.start, r.arrow - 1, target, open: (true, true))
    }
    arrow[r.targetRow * width + r.arrow] = true
  }

  /// A horizontal segment; `open` says whether its ends continue (left from a label, right
  /// into an arrow) or stop at a join.
  private mutating func hline(_ y: Int, _ x0: Int, _ x1: Int, _ target: Int, open: (Bool, Bool)) {
    guard x0 <= x1 else { return }
    for i in x0...x1 {
      let k = y * width + i
      mask[k] |= (i > x0 || open.0 ? Self.left : 0) | (i < x1 || open.1 ? Self.right : 0)
      across[k] = across[k] == -1 || across[k] == target ? target : -2
    }
  }

  /// The rows of cells: joins, corners and lines from the connections; a line crossing
  /// another target's track passes under it (the track stays "│"), so it never reads as a join.
  func cells(glyphs g: Glyphs) -> [[GraphLayout.Cell]] {
    let height = width == 0 ? 0 : mask.count / width
    return (0..<height).map { y in
      (0..<width).map { x in
        let k = y * width + x
        var m = mask[k]
        if m == 15, across[k] != track[k] { m = Self.up | Self.down }
        let ch: Character = arrow[k] ? g.arrow : m == 0 ? " " : Self.glyph(m, g)
        return GraphLayout.Cell(character: ch)
      }
    }
  }

  static func glyph(_ m: UInt8, _ g: Glyphs) -> Character {
    switch (m & up != 0, m & down != 0, m & left != 0, m & right != 0) {
    case (true, true, true, true): g.cross
    case (false, true, true, true): g.teeDown
    case (true, false, true, true): g.teeUp
    case (true, true, false, true): g.teeRight
    case (true, true, true, false): g.teeLeft
    case (false, true, false, true): g.topLeft
    case (false, true, true, false): g.topRight
    case (true, false, false, true): g.bottomLeft
    case (true, false, true, false): g.bottomRight
    case (_, _, false, false): g.vertical
    default: g.horizontal
    }
  }
}
