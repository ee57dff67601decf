import SMMUDriver
import SMMUModel
import Scenario
import TraceImport

/// Everything the explorer shows and remembers. A value: `update` returns a new one and
/// `render` draws it; nothing here touches a terminal.
package struct ExplorerState: Sendable {
  /// The model as the lines so far left it.
  package internal(set) var session: Session
  /// Walkthrough being followed, if any, and its current step (0-based).
  package internal(set) var walkthrough: Walkthrough?
  /// The walkthrough's scenario, parsed once when it opens (frames read its steps).
  var walkthroughScript: Scenario?
  /// An imported QEMU run being stepped through (read-only mode), if any.
  package internal(set) var timeline: ReplayTimeline?
  package internal(set) var stepIndex = 0
  /// Scenario lines replayed before the user's own lines (a walkthrough prefix).
  package internal(set) var baseLines: [ScenarioLine] = []
  /// Lines the user ran (command line and prompts), replayed on design switch and undo.
  package internal(set) var userLines: [String] = []
  package var focus: PaneID = .streams
  package var selection: [PaneID: Int] = [:]
  package var overlay: Overlay?
  /// One-line message in the status bar, and whether it reports an error.
  package var status: String?
  package var statusIsError = false
  package var logFilter = ""
  package var zoomed = false
  /// The sweep behind the `S` chart, run once on first use (it does not depend on the session).
  package internal(set) var sweep: Sweep?
  /// The kill matrix behind `M`, run once on first use (first catches only).
  package internal(set) var mutationMatrix: MutationMatrix?
  package var width: Int
  package var height: Int
  package var glyphs: Glyphs
  /// Walkthrough steps' expectation lines of the current step, with outcomes (for narration).
  package internal(set) var derived = Derived()
  /// The finding whose point the panes show (Enter in the findings list), if any.
  package internal(set) var inspecting: FindingInspection?
  /// Checking asked for with `!` on a session too large to check live (kept over replays).
  package internal(set) var checksOnDemand = false
  /// The invalidation array forced on (`--invs`); nil: the lines' `design` line decides.
  package var forcedInvs: Bool?
  package init(width: Int, height: Int, glyphs: Glyphs = .unicode, design: DriverDesign = .perMaster) {
    self.width = width
    self.height = height
    self.glyphs = glyphs
    session = Session(design: design)
    session.recordsWalks = true
    session.startChecking()
    rebuild()
  }

  package var design: DriverDesign { session.options.design }
  package var compact: Bool { session.options.compactCDTables }

  /// Log lines matching the filter.
  package var visibleLog: [LogLine] {
    logFilter.isEmpty ? derived.log : derived.log.filter { $0.text.localizedContains(logFilter) }
  }

  /// The master the selection points at (stream table row), for the CD pane and graph.
  package var selectedMaster: String? {
    let rows = derived.streams
    guard !rows.isEmpty else { return nil }
    return rows[min(selection[.streams] ?? 0, rows.count - 1)].master
  }

  /// The keymap of the current mode: the overlay's, or the timeline's, the walkthrough's or
  /// the main screen's. Dispatch, hints and help all come from it.
  package var keymap: Keymap {
    switch overlay {
    case .commandLine: .commandLine
    case .filter, .writeFile: .textPrompt
    case .walkthroughMenu: .menu
    case .raw, .compare, .mutationMatrix: .popup
    case .sweep: .scrollPopup
    case .help: .helpScreen
    case .walk: .walkView
    case .findings(let l): l.detail ? .popup : .findingsList
    case nil: screenKeymap
    }
  }

  /// The keymap under any overlay (what the help screen lists).
  package var screenKeymap: Keymap {
    let base: Keymap = timeline != nil ? .timeline : walkthrough != nil ? .walkthrough : .normal
    return inspecting == nil ? base : Keymap(layer: Keymap.inspectionLayer, over: base)
  }
}
