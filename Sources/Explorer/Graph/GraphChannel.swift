/// The edges between two columns with their rows and vertical tracks: the edges into one
/// target share a track (they converge on it); targets whose spans overlap get different
/// tracks (first fit, by span start), so no two lines run on top of each other.
struct Channel {
  /// (edge, source row, target row, track or nil when the edges into the target are straight).
  private(set) var routes: [(Int, Int, Int, Int?)] = []
  /// Columns: the stub leaving the sources, the tracks, the arrow.
  private(set) var width = 2

  init(_ model: GraphModel, _ p: GraphPlacement, column c: Int) {
    var groups: [Int: [Int]] = [:]
    var order: [Int] = []
    for (e, edge) in model.edges.enumerated() where model.nodes[edge.from].column.rawValue == c {
      if groups[edge.to] == nil { order.append(edge.to) }
      groups[edge.to, default: []].append(e)
    }
    let source = { (e: Int) in p.row[model.edges[e].from] + model.edges[e].fromRow }
    let spans = order.map { t in
      let rows = groups[t, default: []].map(source)
      return (target: t, lo: min(rows.min() ?? 0, p.row[t]), hi: max(rows.max() ?? 0, p.row[t]))
    }.sorted { ($0.lo, $0.hi) < ($1.lo, $1.hi) }
    var trackEnds: [Int] = []
    var track: [Int: Int] = [:]
    for s in spans where s.lo != s.hi {
      let k = trackEnds.firstIndex { $0 < s.lo } ?? trackEnds.count
      if k == trackEnds.count { trackEnds.append(s.hi) } else { trackEnds[k] = s.hi }
      track[s.target] = k
    }
    width = trackEnds.count + 2
    for t in order {
      for e in groups[t, default: []] { routes.append((e, source(e), p.row[t], track[t])) }
    }
  }
}
