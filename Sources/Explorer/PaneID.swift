/// The explorer's panes, in Tab order.
package enum PaneID: Int, Sendable, Hashable, CaseIterable {
  case streams, cdTable, graph, caches, log

  package var title: String {
    switch self {
    case .streams: "Stream table"
    case .cdTable: "CD table"
    case .graph: "Sharing graph"
    case .caches: "Caches"
    case .log: "Log"
    }
  }
}

/// A modal layer over the panes.
package enum Overlay: Sendable, Hashable {
  case help
  /// The command line (`:` and the prompt keys), with its text and cursor at the end.
  case commandLine(String)
  /// Log filter input.
  case filter(String)
  /// Raw qwords of the selection.
  case raw
  /// Side-by-side comparison of the session under every design.
  case compare
  /// File name prompt for writing the session.
  case writeFile(String)
  /// Walkthrough menu with the selected index.
  case walkthroughMenu(Int)
  /// The sweep chart (`smmuscope sweep`), scrolled down by this many rows.
  case sweep(Int)
  /// One DMA's walk through the hardware.
  case walk(WalkView)
  /// The checker's findings, with the selected one.
  case findings(FindingsList)
  /// The kill matrix: the first walkthrough that catches each driver mutation.
  case mutationMatrix
}
