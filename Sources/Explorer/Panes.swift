import SMMUDriver
import SMMUModel
import Scenario

/// Pane contents: header rows, row counts, and rows on demand (only visible rows are built).
extension ExplorerState {
  func headerRows(_ p: PaneID) -> Int {
    switch p {
    case .streams: 1
    case .cdTable: cdTableLevels == nil ? 2 : 3
    default: 0
    }
  }

  func contentHeight(_ p: PaneID, _ inner: Rect) -> Int { max(0, inner.height - headerRows(p)) }

  /// A pane's rows for one frame: a count and rows built on demand (the stream table and
  /// the log build only the visible ones; the small panes are computed once).
  struct PaneContent {
    let count: Int
    let row: (Int) -> [Span]
  }

  func paneContent(_ p: PaneID) -> PaneContent {
    switch p {
    case .streams: return PaneContent(count: derived.streams.count, row: streamRow)
    case .log:
      let log = visibleLog
      return PaneContent(count: log.count, row: { [Span(log[$0].text, Style(log[$0].color))] })
    case .graph:
      let g = derived.graph
      return PaneContent(count: g.count, row: { g[$0] })
    case .cdTable:
      let rows = cdRows
      return PaneContent(count: rows.count, row: { rows[$0] })
    case .caches:
      let rows = cacheRows
      return PaneContent(count: rows.count, row: { rows[$0] })
    }
  }

  /// Number of selectable rows of a pane.
  func rowCount(_ p: PaneID) -> Int {
    switch p {
    case .streams: derived.streams.count
    case .cdTable: cdRows.count
    case .graph: derived.graph.count
    case .caches: cacheRows.count
    case .log: visibleLog.count
    }
  }

  /// Header lines of a pane.
  func header(_ p: PaneID) -> [[Span]] {
    let h = Style(.header, bold: true)
    switch p {
    case .streams:
      return [
        [
          Span(
            col("SID", 8) + col("master", 10) + col("config", 10) + col("CD table", 11) + col("max", 4)
              + col("s1dss", 10) + col("eats", 5) + "vmid", h)
        ]
      ]
    case .cdTable:
      let info = cdTableInfo
      var rows: [[Span]] = [[Span(info.title, Style(.title, bold: true))]]
      if let levels = cdTableLevels { rows.append([Span(levels, Style(.dim))]) }
      return rows + [
        [
          Span(
            col("SSID", 8) + col("ASID", 6) + col("TTB0", 13) + col("domain", 10) + col("EPD0", 5)
              + "reachable by", h)
        ]
      ]
    default: return []
    }
  }

  func streamRow(_ i: Int) -> [Span] {
    let r = derived.streams[i]
    let d = session.driver
    guard let a = d.streamTable.steAddress(r.sid), let q = try? d.smmu.memory.readEntry(a) else {
      return [Span(col(hex(UInt64(r.sid)), 8) + r.master)]
    }
    let ste = StreamTableEntry(qwords: q)
    typealias S = StreamTableEntry
    let s1 = ste.isValid && (ste.configValue == .s1Translate || ste.configValue == .nested)
    let cfg = ste.isValid ? ste.configValue.name : "invalid"
    let color: Color =
      !ste.isValid ? .bad : ste.configValue == .abort ? .dim : ste.configValue == .bypass ? .warn : .good
    let table = s1 ? (derived.tables[ste.contextPointer]?.owner ?? hex(ste.contextPointer)) : "-"
    var spans = [
      Span(col(hex(UInt64(r.sid)), 8)), Span(col(r.master, 10), Style(.accent)),
      Span(col(cfg, 10), Style(color)),
      Span(col(table, 11)), Span(col(s1 ? String(ste[S.s1cdmax]) : "-", 4)),
      Span(col(s1 ? ste.s1dssValue.name : "-", 10)), Span(col(String(ste[S.eats]), 5)),
      Span(ste.configValue == .s2Translate || ste.configValue == .nested ? String(ste[S.s2vmid]) : "-"),
    ]
    if derived.flashedSIDs.contains(r.sid) {
      spans = spans.map { Span($0.text, Style(.flash, bold: true)) }
    }
    return spans
  }

  /// For a 2-level table, its L1 and each allocated 64 KiB leaf with the SSIDs it holds.
  var cdTableLevels: String? {
    guard let table = cdTableInfo.table, table.format == .twoLevel else { return nil }
    let n = CDTable.leafEntries
    let shown = table.leaves.keys.sorted().prefix(3).map { i in
      "[\(i)]->\(hex(table.leaves[i]!.base)) SSID \(i * n)-\((i + 1) * n - 1)"
    }
    let more = table.leaves.count > 3 ? " +\(table.leaves.count - 3)" : ""
    return "L1 \(table.rootEntries)x8B @\(hex(table.root.base)) " + shown.joined(separator: " ") + more
  }

  /// The CD table shown: the selected master's (per-master), or the one its STE points at.
  var cdTableInfo: (title: String, table: CDTable?, owner: String?) {
    guard let m = selectedMaster, let master = session.driver.masters[m] else {
      return ("no master selected", nil, nil)
    }
    let d = session.driver
    var table: CDTable?
    var owner: String?
    switch design {
    case .perMaster:
      table = master.cdTable
      owner = m
    case .legacy:
      if let dom = master.ridDomain.flatMap({ d.domains[$0] }), let t = dom.legacyCDTable {
        table = t
        owner = dom.name
      }
    }
    guard let table, let owner else { return ("\(m): no CD table", nil, nil) }
    let leaves =
      table.format == .twoLevel ? ", \(table.leaves.count) leaf" + (table.leaves.count == 1 ? "" : "s") : ""
    return (
      "\(table.owner): \(table.format.rawValue), \(table.capacity) CD\(table.capacity == 1 ? "" : "s")\(leaves), \(table.occupiedBytes) B",
      table, owner
    )
  }

  var cdRows: [[Span]] {
    let info = cdTableInfo
    guard let table = info.table else { return [] }
    let d = session.driver
    let reach = derived.reach[table.root.base] ?? []
    return RunReport.validSSIDs(table, d.smmu).map { ssid in
      guard let a = table.cdAddress(ssid), let q = try? d.smmu.memory.readEntry(a) else { return [] }
      let cd = ContextDescriptor(qwords: q)
      let dom = session.domainName(forTable: cd.tableAddress)
      let flash = derived.flashedCDs.contains("\(table.owner)#\(ssid)")
      let st = flash ? Style(.flash, bold: true) : Style()
      return [
        Span(col(String(ssid), 8), st), Span(col(String(cd.asidValue), 6), st),
        Span(col(cd.translationDisabled ? "-" : hex(cd.tableAddress), 13), st),
        Span(col(cd.translationDisabled ? "(released)" : dom, 10), flash ? st : Style(.accent)),
        Span(col(cd.translationDisabled ? "1" : "0", 5), st),
        Span(reach.joined(separator: ","), flash ? st : Style(.warn)),
      ]
    }
  }

  var cacheRows: [[Span]] {
    let smmu = session.driver.smmu
    var rows: [[Span]] = []
    let c = smmu.configCache
    rows.append([
      Span(
        "config cache \(c.count)/\(c.capacity)  hits \(c.stats.hits) misses \(c.stats.misses) evict \(c.stats.evictions) inval \(c.stats.invalidations)",
        Style(.header, bold: true))
    ])
    for (k, line) in c.entriesByRecency {
      let stale = line.isStale(in: smmu.memory)
      rows.append([Span("  \(k)"), Span(stale ? "  STALE" : "", Style(.bad, bold: true))])
    }
    let t = smmu.tlb
    rows.append([
      Span(
        "TLB \(t.count)/\(t.capacity)  hits \(t.stats.hits) misses \(t.stats.misses) inval \(t.stats.invalidations)",
        Style(.header, bold: true))
    ])
    for (k, e) in t.entriesByRecency {
      rows.append([Span("  \(k) -> \(hex(e.outputPage))\(e.writable ? "" : " ro")")])
    }
    for sid in smmu.atcs.keys.sorted() {
      guard let atc = smmu.atcs[sid] else { continue }
      let owner = derived.streams.first { $0.sid == sid }?.master ?? hex(UInt64(sid))
      rows.append([
        Span(
          "ATC \(owner) \(atc.count)/\(atc.capacity)  hits \(atc.stats.hits) misses \(atc.stats.misses)",
          Style(.header, bold: true))
      ])
      for (k, e) in atc.entriesByRecency { rows.append([Span("  \(k) -> \(hex(e.outputPage))")]) }
    }
    return rows
  }

  /// Narration of the current walkthrough step: its `say` lines and expectation outcomes.
  public var narrationLines: [[Span]] {
    if timeline != nil { return timelineNarration }
    guard walkthrough != nil else { return [] }
    var out: [[Span]] = []
    for r in currentStepResults {
      switch r.command {
      case .say(let t):
        for line in wrap(t, width: max(20, width - 4)) { out.append([Span(line)]) }
      case .expect:
        let ok = r.expectation?.passed ?? false
        out.append([
          Span(ok ? "  ✓ " : "  ✗ ", Style(ok ? .good : .bad, bold: true)),
          Span("expect " + (r.expectation?.message ?? ""), Style(ok ? .dim : .bad)),
        ])
      default: break
      }
    }
    return out.isEmpty ? [[Span("(no narration for this step)", Style(.dim))]] : out
  }
}

/// Splits text into lines of at most `width` columns at spaces (a longer word is cut).
func wrap(_ text: String, width: Int) -> [String] {
  guard width > 0 else { return [text] }
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ", omittingEmptySubsequences: false) {
    var w = String(word)
    if line.isEmpty {
      line = w
    } else if line.count + 1 + w.count <= width {
      line += " " + w
    } else {
      lines.append(line)
      line = w
    }
    while line.count > width {
      lines.append(String(line.prefix(width)))
      w = String(line.dropFirst(width))
      line = w
    }
  }
  if !line.isEmpty || lines.isEmpty { lines.append(line) }
  return lines
}
