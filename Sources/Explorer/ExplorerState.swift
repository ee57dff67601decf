import SMMUDriver
import SMMUModel
import Scenario

/// Everything the explorer shows and remembers. A value: `update` returns a new one and
/// `render` draws it; nothing here touches a terminal.
public struct ExplorerState: Sendable {
  /// The model as the lines so far left it.
  public private(set) var session: Session
  /// Walkthrough being followed, if any, and its current step (0-based).
  public internal(set) var walkthrough: Walkthrough?
  /// An imported QEMU run being stepped through (read-only mode), if any.
  public internal(set) var timeline: ReplayTimeline?
  public private(set) var stepIndex = 0
  /// Scenario lines replayed before the user's own lines (a walkthrough prefix).
  public private(set) var baseLines: [ScenarioLine] = []
  /// Lines the user ran (command line and prompts), replayed on design switch and undo.
  public private(set) var userLines: [String] = []
  public var focus: PaneID = .streams
  public var selection: [PaneID: Int] = [:]
  public var overlay: Overlay?
  /// One-line message in the status bar, and whether it reports an error.
  public var status: String?
  public var statusIsError = false
  public var logFilter = ""
  public var zoomed = false
  public var width: Int
  public var height: Int
  public var glyphs: Glyphs
  /// Walkthrough steps' expectation lines of the current step, with outcomes (for narration).
  public private(set) var derived = Derived()
  /// While true (inside `update(batch:)`), a selection move marks the sharing graph stale
  /// instead of rebuilding it; the batch rebuilds it once at the end.
  var graphRefreshDeferred = false
  /// The graph's highlight no longer follows the selected master (see `graphRefreshDeferred`).
  var graphIsStale = false

  /// Rows and lines derived from the session, rebuilt only when the session changes, so a
  /// frame costs only what is visible.
  public struct Derived: Sendable {
    public var streams: [StreamRow] = []
    public var log: [LogLine] = []
    /// STE SIDs and CD (table, ssid) slots written by the last action (flashed).
    public var flashedSIDs: Set<UInt32> = []
    public var flashedCDs: Set<String> = []
    /// The sharing graph's rows.
    public var graph: [[Span]] = []
    /// CD tables by root address, with their owners.
    public var tables: [UInt64: (owner: String, table: CDTable)] = [:]
    /// CD table root address -> masters whose STE points at it.
    public var reach: [UInt64: [String]] = [:]
    /// Number of CD tables and their bytes (for the status bar).
    public var cdTableCount = 0
    public var cdTableBytes: UInt64 = 0
  }

  /// One row of the stream table: a SID in use and its master.
  public struct StreamRow: Sendable, Hashable {
    public let sid: UInt32
    public let master: String
  }

  /// One log line with its style.
  public struct LogLine: Sendable, Hashable {
    public let text: String
    public let color: Color
  }

  public init(width: Int, height: Int, glyphs: Glyphs = .unicode, design: DriverDesign = .perMaster) {
    self.width = width
    self.height = height
    self.glyphs = glyphs
    session = Session(design: design)
    rebuild()
  }

  public var design: DriverDesign { session.options.design }
  public var compact: Bool { session.options.compactCDTables }

  // MARK: Walkthroughs

  /// Indices in the walkthrough's lines where steps start.
  var stepStarts: [Int] {
    guard let w = walkthrough else { return [] }
    return w.scenario.lines.enumerated().compactMap {
      if case .step = $0.element.command { $0.offset } else { nil }
    }
  }

  public var stepCount: Int { max(1, stepStarts.count) }

  /// Opens a walkthrough at a step (time travel: the state is rebuilt by replay).
  public mutating func open(walkthrough w: Walkthrough, step: Int = 0) {
    walkthrough = w
    stepIndex = max(0, min(step, max(1, w.scenario.stepTitles.count) - 1))
    let lines = w.scenario.lines
    let starts = stepStarts
    let end = stepIndex + 1 < starts.count ? starts[stepIndex + 1] : lines.count
    baseLines = Array(lines[0..<end])
    userLines = []
    replay(design: design, compact: compact)
  }

  /// Lines of the current walkthrough step (narration and expectations).
  public var currentStepResults: [StepResult] {
    guard walkthrough != nil else { return [] }
    let starts = stepStarts
    guard stepIndex < starts.count else { return [] }
    let startLine = baseLines.indices.contains(starts[stepIndex]) ? baseLines[starts[stepIndex]].line : 0
    return session.results.filter { $0.line >= startLine && $0.line <= (baseLines.last?.line ?? 0) }
  }

  public var stepTitle: String? {
    guard let w = walkthrough else { return nil }
    let t = w.scenario.stepTitles
    return stepIndex < t.count ? t[stepIndex] : nil
  }

  // MARK: Running lines

  /// Opens a whole scenario as the session's base (replayed once, one rebuild).
  public mutating func load(_ scenario: Scenario) {
    walkthrough = nil
    baseLines = scenario.lines
    userLines = []
    replay(design: design, compact: compact)
  }

  /// Runs a line typed by the user. A parse error changes nothing and is reported.
  public mutating func run(line: String) {
    let trimmed = line.trimmingCharacters()
    guard !trimmed.isEmpty else { return }
    var s = session
    do {
      try s.execute(source: trimmed)
    } catch {
      status = "col \(error.column): error: \(error.message)"
      statusIsError = true
      return
    }
    session = s
    userLines.append(trimmed)
    if let r = session.results.last {
      if let e = r.error {
        status = "\(trimmed): \(e)"
        statusIsError = true
      } else if let x = r.expectation {
        status = (x.passed ? "expect ok: " : "expect FAILED: ") + x.message
        statusIsError = !x.passed
      } else if let t = r.trace?.translation {
        status =
          "\(trimmed): \(t.summary)" + (r.hazards.isEmpty ? "" : "  HAZARD: \(r.hazards[0].kind.rawValue)")
        statusIsError = !r.hazards.isEmpty
      } else {
        status = "\(trimmed): ok" + (r.trace.map { " (\($0.syncs) syncs)" } ?? "")
        statusIsError = false
      }
    }
    rebuild()
  }

  /// Replaces the session (the imported run's view).
  mutating func setSession(_ s: Session) { session = s }

  /// Rebuilds the session from the base and user lines under a design.
  public mutating func replay(design: DriverDesign, compact: Bool, dropLastUserLine: Bool = false) {
    if dropLastUserLine, !userLines.isEmpty { userLines.removeLast() }
    var s = Session(design: design, compact: compact)
    for l in baseLines { s.execute(l, learnNames: true) }
    for l in userLines { try? s.execute(source: l) }
    session = s
    rebuild()
  }

  /// The session as scenario text (what `w` writes).
  public var scenarioText: String {
    var out = "# smmuscope session (\(session.options.label))\n"
    out += "design \(design.rawValue)\(compact ? " compact" : "")\n"
    for l in baseLines {
      if case .design = l.command { continue }
      out += l.text.trimmingCharacters() + "\n"
    }
    for l in userLines { out += l + "\n" }
    return out
  }

  /// Recomputes the derived rows after the session changed.
  mutating func rebuild() {
    var d = Derived()
    let driver = session.driver
    for name in driver.masterOrder {
      for sid in driver.masters[name]?.uniqueSIDs ?? [] {
        d.streams.append(StreamRow(sid: sid, master: name))
      }
    }
    d.streams.sort { $0.sid < $1.sid }
    d.tables = session.cdTablesByRoot
    d.cdTableCount = session.cdTables.count
    d.cdTableBytes = session.cdTableBytes
    for r in d.streams {
      guard let a = driver.streamTable.steAddress(r.sid), let q = try? driver.smmu.memory.readEntry(a) else {
        continue
      }
      let ste = StreamTableEntry(qwords: q)
      if ste.isValid && (ste.configValue == .s1Translate || ste.configValue == .nested),
        !(d.reach[ste.contextPointer]?.contains(r.master) ?? false)
      {
        d.reach[ste.contextPointer, default: []].append(r.master)
      }
    }
    if let timeline {
      d.log = timeline.lines.map { LogLine(text: $0, color: $0.contains(" cmd ") ? .warn : .normal) }
    }
    for r in session.results {
      switch r.command {
      case .say(let t): d.log.append(LogLine(text: "  » \(t)", color: .dim))
      case .step(let t): d.log.append(LogLine(text: "== \(t)", color: .title))
      case .expect:
        let ok = r.expectation?.passed ?? false
        d.log.append(
          LogLine(
            text: "\(r.line): expect \(ok ? "ok" : "FAILED") \(r.expectation?.message ?? "")",
            color: ok ? .good : .bad))
      default:
        d.log.append(LogLine(text: "\(r.line): \(r.text.trimmingCharacters())", color: .accent))
        for item in r.trace?.items ?? [] {
          switch item {
          case .write(let w): d.log.append(LogLine(text: "    write \(w.description)", color: .normal))
          case .command(let c):
            d.log.append(LogLine(text: "    cmd   \(c.description)", color: c == .sync ? .dim : .warn))
          case .note(let n): d.log.append(LogLine(text: "    note  \(n)", color: .dim))
          }
        }
        for e in r.events { d.log.append(LogLine(text: "    event \(e.description)", color: .bad)) }
        for h in r.hazards { d.log.append(LogLine(text: "    HAZARD \(h.description)", color: .bad)) }
        if let e = r.error { d.log.append(LogLine(text: "    error \(e)", color: .bad)) }
        if let t = r.transition {
          for (i, s) in t.outcome.steps.enumerated() {
            d.log.append(
              LogLine(
                text:
                  "    step \(i + 1): writes \(s.stores.map { "q\($0.qword)" }.joined(separator: ",")), sync: SMMU sees \(t.sees(s.entry))",
                color: .normal))
          }
          d.log.append(
            LogLine(
              text: "    syncs=\(t.outcome.syncs) hitless=\(t.outcome.hitless ? "yes" : "no")", color: .good))
        }
      }
    }
    if let last = session.results.last(where: { $0.command.isAction }), let t = last.trace {
      for w in t.writes {
        if w.target == .ste, let sid = w.sid { d.flashedSIDs.insert(sid) }
        if w.target == .cd, let table = w.table, let ssid = w.ssid { d.flashedCDs.insert("\(table)#\(ssid)") }
      }
    }
    d.graph = SharingGraph.build(
      session: session, streams: d.streams, tables: d.tables, selected: selectedMaster(in: d.streams),
      glyphs: glyphs)
    derived = d
  }

  /// Rebuilds the graph (its highlight follows the selected master).
  mutating func refreshGraph() {
    graphIsStale = graphRefreshDeferred
    guard !graphRefreshDeferred else { return }
    derived.graph = SharingGraph.build(
      session: session, streams: derived.streams, tables: derived.tables, selected: selectedMaster,
      glyphs: glyphs)
  }

  func selectedMaster(in rows: [StreamRow]) -> String? {
    rows.isEmpty ? nil : rows[min(selection[.streams] ?? 0, rows.count - 1)].master
  }

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
}

extension String {
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s.removeFirst() }
    while s.last?.isWhitespace == true { s.removeLast() }
    return String(s)
  }

  func localizedContains(_ needle: String) -> Bool {
    lowercased().contains(needle.lowercased())
  }
}
