/// The log: every line run with its writes, commands, events and hazards, filtered by `/`.
/// Its selection is a ">" in a gutter, so the lines keep their colours.
struct LogPane: Pane {
  let lines: [ExplorerState.LogLine]
  let filter: String

  init(state: ExplorerState) {
    lines = state.visibleLog
    filter = state.logFilter
  }

  var title: String { PaneID.log.title + (filter.isEmpty ? "" : " /\(filter)") }
  var count: Int { lines.count }
  func row(_ i: Int) -> [Span] { [Span(lines[i].text, Style(lines[i].color))] }
  var emptyText: String { filter.isEmpty ? "nothing happened yet" : "no line matches /\(filter)" }
  var selectionMark: SelectionMark { .gutter }
}
