/// The sharing graph drawn once as a picture: labels in five columns and, in the channels
/// between them, edges on vertical tracks that converge on their target with box-drawing
/// joins. Each label cell remembers its node and each edge its route, so a frame highlights
/// paths without redrawing the picture.
struct GraphLayout: Sendable, Hashable {
  /// One row of the picture: its characters (trailing blanks cut) and the labels on it.
  struct Row: Sendable, Hashable {
    var scalars: [Unicode.Scalar] = []
    var labels: [LabelRun] = []

    /// The label drawn at a column, if any.
    func label(at x: Int) -> LabelRun? { labels.first { x >= $0.x && x < $0.x + $0.width } }
  }

  /// A node's label on a row.
  struct LabelRun: Sendable, Hashable {
    let x: Int
    let width: Int
    let node: Int
    let color: Color
    let bold: Bool
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
  /// The picture's rows.
  private(set) var rows: [Row] = []
  /// Each node's label column.
  private(set) var x: [Int] = []
  /// Each edge's route, by edge index.
  private(set) var routes: [Route?] = []

  /// Draws a placed graph with full or compact labels.
  /// - Complexity: O(rows × width + edges × route length).
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
        // Into a placeholder the line runs on, without an arrow, to where the placeholder's starts.
        let into = nodes[edge.to].isDummy
        let route = Route(
          sourceRow: ys, targetRow: yt, start: labelEnd, track: track.map { start + 1 + $0 },
          arrow: into ? x[edge.to] - 1 : arrowX)
        canvas.draw(route, target: edge.to, arrow: !into)
        routes[e] = route
      }
    }
    rows = canvas.rows(glyphs: g)
    for (i, n) in nodes.enumerated() where !n.isDummy {
      for (k, l) in n.rows.enumerated() {
        let t = text(l).unicodeScalars
        guard !t.isEmpty else { continue }
        let y = p.row[i] + k
        let end = x[i] + t.count
        if rows[y].scalars.count < end {
          rows[y].scalars += Array(repeating: " ", count: end - rows[y].scalars.count)
        }
        rows[y].scalars.replaceSubrange(x[i]..<end, with: t)
        rows[y].labels.append(LabelRun(x: x[i], width: t.count, node: i, color: l.color, bold: l.bold))
      }
    }
  }

  /// Rows in the picture.
  var height: Int { rows.count }

  /// The picture as text (tests, debugging).
  var lines: [String] { rows.map { String(String.UnicodeScalarView($0.scalars)) } }

  /// The node whose label is drawn at a point, if any.
  func node(x: Int, y: Int) -> Int? {
    guard y >= 0, y < rows.count else { return nil }
    return rows[y].label(at: x)?.node
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
  var track: [Int32]
  var across: [Int32]

  init(width: Int, height: Int) {
    self.width = width
    mask = Array(repeating: 0, count: width * height)
    arrow = Array(repeating: false, count: width * height)
    track = Array(repeating: -1, count: width * height)
    across = track
  }

  mutating func draw(_ r: GraphLayout.Route, target: Int, arrow withArrow: Bool) {
    if let t = r.track {
      hline(r.sourceRow, r.start, t, target, open: (true, false))
      let (a, b) = (min(r.sourceRow, r.targetRow), max(r.sourceRow, r.targetRow))
      for y in a...b {
        mask[y * width + t] |= (y > a ? Self.up : 0) | (y < b ? Self.down : 0)
        track[y * width + t] = Int32(target)
      }
      hline(r.targetRow, t, r.arrow - (withArrow ? 1 : 0), target, open: (false, true))
    } else {
      hline(r.sourceRow, r.start, r.arrow - (withArrow ? 1 : 0), target, open: (true, true))
    }
    if withArrow { arrow[r.targetRow * width + r.arrow] = true }
  }

  /// A horizontal segment; `open` says whether its ends continue (left from a label, right
  /// into an arrow) or stop at a join.
  private mutating func hline(_ y: Int, _ x0: Int, _ x1: Int, _ target: Int, open: (Bool, Bool)) {
    guard x0 <= x1 else { return }
    for i in x0...x1 {
      let k = y * width + i
      mask[k] |= (i > x0 || open.0 ? Self.left : 0) | (i < x1 || open.1 ? Self.right : 0)
      across[k] = across[k] == -1 || across[k] == Int32(target) ? Int32(target) : -2
    }
  }

  /// The rows: joins, corners and lines from the connections, trailing blanks cut. A line
  /// crossing another target's track passes under it (the track stays "│"), so it never reads
  /// as a join.
  func rows(glyphs g: Glyphs) -> [GraphLayout.Row] {
    let height = width == 0 ? 0 : mask.count / width
    let arrowGlyph = g.arrow.unicodeScalars.first ?? ">"
    return (0..<height).map { y in
      var scalars = (0..<width).map { x -> Unicode.Scalar in
        let k = y * width + x
        var m = mask[k]
        if m == 15, across[k] != track[k] { m = Self.up | Self.down }
        return arrow[k] ? arrowGlyph : m == 0 ? " " : Self.glyph(m, g).unicodeScalars.first ?? " "
      }
      while scalars.last == " " { scalars.removeLast() }
      return GraphLayout.Row(scalars: scalars)
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
