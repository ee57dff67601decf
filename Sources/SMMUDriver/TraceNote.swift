import SMMUModel

/// A note in an operation's trace, kept as values: its text is built only when it is shown
/// (the frequent notes of `dma` and `map` lines cost no string building on the run path).
package enum TraceNote: Sendable, Hashable, CustomStringConvertible {
  /// Free text.
  case text(String)
  /// What a DMA transaction did: "-> PA (served by)", "-> PA (bypass)" or "abort EVENT".
  case translation(TranslationResult.Outcome, servedBy: String, event: EventType?)
  /// A `map` of [iova, iova+size) to pa in a domain.
  case map(iova: UInt64, size: UInt64, pa: UInt64, domain: String)

  /// The note of a translation's result (the text of `TranslationResult.summary`).
  package init(_ r: TranslationResult) {
    self = .translation(r.outcome, servedBy: r.servedBy, event: r.event?.type)
  }

  package var description: String {
    switch self {
    case .text(let s): s
    case .translation(let outcome, let servedBy, let event):
      TranslationResult.summary(outcome, servedBy: servedBy, event: event)
    case .map(let iova, let size, let pa, let domain):
      "map \(hex(iova))+\(hex(size)) -> \(hex(pa)) in \(domain)"
    }
  }
}
