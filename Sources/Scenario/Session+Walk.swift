import SMMUModel

extension Session {
  /// `walk.FIELD` of the last DMA's walk (an `explain dma` line, or any `dma` when the
  /// session records walks): steps, fetched, cached, table-reads, fault, fault-step.
  func walkValue(_ field: String) -> String? {
    guard let w = lastDMA?.walk else { return nil }
    switch field {
    case "steps": return String(w.steps.count)
    case "fetched": return String(w.fetchedSteps)
    case "cached": return String(w.cachedSteps)
    case "table-reads": return String(w.tableReads)
    case "fault": return w.failure.map { $0.event?.name ?? "abort" } ?? "none"
    case "fault-step": return w.failure.map { w.steps[$0.step].title.replacingSpaces }
    default:
      // walk.ste, walk.cd, walk.tlb, ...: how that step was served (fetched, cached, missed).
      guard let s = w.steps.first(where: { $0.kind.rawValue.lowercased() == field }) else { return nil }
      switch s.source {
      case .fetched: return "fetched"
      case .cached: return "cached"
      case .missed: return "missed"
      case .fetchFailed: return "aborted"
      case .none: return "none"
      }
    }
  }
}

extension String {
  /// Spaces as dashes, so a title is one word an `expect` can compare ("S1-level-3").
  var replacingSpaces: String { String(map { $0 == " " ? "-" : $0 }) }
}
