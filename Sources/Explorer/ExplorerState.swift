import SMMUDriver
import SMMUModel
import Scenario
import TraceImport

/// Everything the explorer shows and remembers. A value: `update` returns a new one and
/// `render` draws it; nothing here touches a terminal.
public struct ExplorerState: Sendable {
  /// The model as the lines so far left it.
  public internal(set) var session: Session
  /// Walkthrough being followed, if any, and its current step (0-based).
  public internal(set) var walkthrough: Walkthrough?
  /// The walkthrough's scenario, parsed once when it opens (frames read its steps).
  var walkthroughScript: Scenario?
  /// An imported QEMU run being stepped through (read-only mode), if any.
  public internal(set) var timeline: ReplayTimeline?
  public internal(set) var stepIndex = 0
  /// Scenario lines replayed before the user's own lines (a walkthrough prefix).
  public internal(set) var baseLines: [ScenarioLine] = []
  /// Lines the user ran (command line and prompts), replayed on design switch and undo.
  public internal(set) var userLines: [String] = []
  public var focus: PaneID = .streams
  public var selection: [PaneID: Int] = [:]
  public var overlay: Overlay?
  /// One-line message in the status bar, and whether it reports an error.
  public var status: String?
  public var statusIsError = false
  public var logFilter = ""
  public var zoomed = false
  /// The sweep behind the `S` chart, run once on first use (it does not depend on the session).
  public internal(set) var sweep: Sweep?
  public var width: Int
  public var height: Int
  public var glyphs: Glyphs
  /// Walkthrough steps' expectation lines of the current step, with outcomes (for narration).
  public internal(set) var derived = Derived()
  public init(width: Int, height: Int, glyphs: Glyphs = .unicode, design: DriverDesign = .perMaster) {
    self.width = width
    self.height = height
    self.glyphs = glyphs
    session = Session(design: design)
    session.recordsWalks = true
    rebuild()
  }

  public var design: DriverDesign { session.options.design }
  public var compact: Bool { session.options.compactCDTables }

  /// Log lines matching the filter.
  public var visibleLog: [LogLine] {
    logFilter.isEmpty ? derived.log : derived.log.filter { $0.text.localizedContains(logFilter) }
  }

  /// The master the selection points at (stream table row), for the CD pane and graph.
  public var selectedMaster: String? {
    let rows = derived.streams
    guard !rows.isEmpty else { return nil }
    return rows[min(selection[.streams] ?? 0, rows.count - 1)].master
  }

  /// The keymap of the current mode: the overlay's, or the timeline's, the walkthrough's or
  /// the main screen's. Dispatch, hints and help all come from it.
  public var keymap: Keymap {
    switch overlay {
    case .commandLine: .commandLine
    case .filter, .writeFile: .textPrompt
    case .walkthroughMenu: .menu
    case .raw, .compare: .popup
    case .sweep: .scrollPopup
    case .help: .helpScreen
    case .walk: .walkView
    case nil: screenKeymap
    }
  }

  /// The keymap under any overlay (what the help screen lists).
  public var screenKeymap: Keymap {
    timeline != nil ? .timeline : walkthrough != nil ? .walkthrough : .normal
  }
}
