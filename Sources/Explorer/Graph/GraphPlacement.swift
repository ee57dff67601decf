/// Where the sharing graph's nodes go: the order of each column (parents' barycentre, so
/// few edges cross) and each node's top row. Label widths do not matter here, so one
/// placement serves the full and the compact drawing.
struct GraphPlacement: Sendable, Hashable {
  /// Each node's top row.
  private(set) var row: [Int]
  /// Node indices per column, top to bottom.
  private(set) var columns: [[Int]]
  /// Rows in all.
  private(set) var height = 0

  init(_ model: GraphModel) {
    let nodes = model.nodes
    row = Array(repeating: 0, count: nodes.count)
    columns = GraphModel.Column.allCases.map { c in nodes.indices.filter { nodes[$0].column == c } }
    var incoming = Array(repeating: [GraphModel.Edge](), count: nodes.count)
    for e in model.edges { incoming[e.to].append(e) }
    // STEs stacked in their masters' order; each master beside its first STE.
    let masterRank = Dictionary(uniqueKeysWithValues: columns[0].enumerated().map { ($1, $0) })
    columns[1] = columns[1].enumerated().sorted { a, b in
      let ra = incoming[a.element].map { masterRank[$0.from] ?? 0 }.min() ?? 0
      let rb = incoming[b.element].map { masterRank[$0.from] ?? 0 }.min() ?? 0
      return (ra, a.offset) < (rb, b.offset)
    }.map(\.element)
    var next = 0
    for n in columns[1] {
      row[n] = next
      next += nodes[n].rows.count
    }
    var firstChild: [Int: Int] = [:]
    for e in model.edges where nodes[e.from].column == .master {
      firstChild[e.from] = min(firstChild[e.from] ?? Int.max, row[e.to])
    }
    next = 0
    for n in columns[0] {
      row[n] = max(next, firstChild[n] ?? next)
      next = row[n] + 1
    }
    // Then left to right: order by the mean row of the sources, place beside the topmost.
    for c in 2..<columns.count {
      let placed = row
      let source = { (n: Int) in incoming[n].map { placed[$0.from] + $0.fromRow } }
      columns[c] = columns[c].enumerated().sorted { a, b in
        let sa = source(a.element)
        let sb = source(b.element)
        let ba = sa.isEmpty ? 0 : Double(sa.reduce(0, +)) / Double(sa.count)
        let bb = sb.isEmpty ? 0 : Double(sb.reduce(0, +)) / Double(sb.count)
        return (ba, a.offset) < (bb, b.offset)
      }.map(\.element)
      next = 0
      for n in columns[c] {
        row[n] = max(next, incoming[n].map { row[$0.from] + $0.fromRow }.min() ?? next)
        next = row[n] + nodes[n].rows.count
      }
    }
    height = nodes.indices.map { row[$0] + nodes[$0].rows.count }.max() ?? 0
  }
}
