import Scenario

extension ExplorerState {
  /// The walk of the selected log line's DMA (the line itself or one of its detail lines).
  var selectedLogWalk: WalkView? {
    let log = visibleLog
    guard !log.isEmpty else { return nil }
    var i = selectedRow(.log, count: log.count)
    // A detail line (write, note, event) belongs to the command line above it.
    while i > 0, log[i].result == nil, log[i].text.hasPrefix("    ") { i -= 1 }
    guard let index = log[i].result else { return nil }
    return walkView(resultIndex: index)
  }

  /// The walk of the last DMA that has one.
  var lastWalk: WalkView? {
    guard let i = session.results.lastIndex(where: { $0.walk != nil }) else { return nil }
    return walkView(resultIndex: i)
  }

  func walkView(resultIndex i: Int) -> WalkView? {
    let r = session.results[i]
    guard let w = r.walk else { return nil }
    return WalkView(walk: w, source: "line \(r.line): \(r.text.trimmingCharacters())")
  }
}
