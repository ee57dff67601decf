/// The sharing graph: who reaches which CD table, domain and page table. Its rows are a
/// picture, never reversed; its selection only scrolls.
struct SharingGraphPane: Pane {
  let rows: [[Span]]

  init(state: ExplorerState) { rows = state.derived.graph }

  var title: String { PaneID.graph.title }
  var count: Int { rows.count }
  func row(_ i: Int) -> [Span] { rows[i] }
  var emptyText: String { "nothing attached" }
  var selectionMark: SelectionMark { .none }
}
