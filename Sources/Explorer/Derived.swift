import SMMUDriver
import SMMUModel
import Scenario
import TraceImport

extension ExplorerState {
  /// Rows and lines derived from the session, rebuilt only when the session changes, so a
  /// frame costs only what is visible.
  package struct Derived: Sendable {
    package var streams: [StreamRow] = []
    package var log: [LogLine] = []
    /// STE SIDs and CD (table, ssid) slots written by the last action (flashed).
    package var flashedSIDs: Set<UInt32> = []
    package var flashedCDs: Set<String> = []
    /// The sharing graph (nodes, edges and their pictures).
    var graph = SharingGraph()
    /// CD tables by root address, with their owners.
    package var tables: [UInt64: (owner: String, table: CDTable)] = [:]
    /// CD table root address -> masters whose STE points at it.
    package var reach: [UInt64: [String]] = [:]
    /// Number of CD tables and their bytes (for the status bar).
    package var cdTableCount = 0
    package var cdTableBytes: UInt64 = 0

    init() {}

    /// Everything but the sharing graph, from a session (and the imported run's lines).
    /// - Complexity: O(SIDs + log lines).
    init(session: Session, timeline: ReplayTimeline?) {
      let driver = session.driver
      for name in driver.masterOrder {
        for sid in driver.masters[name]?.uniqueSIDs ?? [] {
          streams.append(StreamRow(sid: sid, master: name))
        }
      }
      streams.sort { $0.sid < $1.sid }
      tables = session.cdTablesByRoot
      cdTableCount = session.cdTables.count
      cdTableBytes = session.cdTableBytes
      for r in streams {
        guard let ste = driver.ste(sid: r.sid) else { continue }
        if ste.isValid && (ste.configValue == .s1Translate || ste.configValue == .nested),
          !(reach[ste.contextPointer]?.contains(r.master) ?? false)
        {
          reach[ste.contextPointer, default: []].append(r.master)
        }
      }
      log = Self.logLines(session: session, timeline: timeline)
      if let last = session.results.last(where: { $0.command.isAction }), let t = last.trace {
        for w in t.writes {
          if w.target == .ste, let sid = w.sid { flashedSIDs.insert(sid) }
          if w.target == .cd, let table = w.table, let ssid = w.ssid { flashedCDs.insert("\(table)#\(ssid)") }
        }
      }
    }
  }

  /// One row of the stream table: a SID in use and its master.
  package struct StreamRow: Sendable, Hashable {
    package let sid: UInt32
    package let master: String
  }

  /// One log line with its style.
  package struct LogLine: Sendable, Hashable {
    package let text: String
    package let color: Color
    /// The index in `session.results` of the line a DMA with a walk heads (Enter opens it).
    package var result: Int? = nil
  }
}
