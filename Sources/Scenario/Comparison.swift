import SMMUDriver

/// `compare`: one scenario under legacy, per-master, per-master+compact and per-master+invs,
/// side by side.
package struct Comparison: Sendable {
  package let sessions: [Session]

  /// The four configurations compared: (design, compact, invs).
  package static let configurations: [(DriverDesign, Bool, Bool)] = [
    (.legacy, false, false), (.perMaster, false, false), (.perMaster, true, false), (.perMaster, false, true),
  ]

  package init(_ scenario: Scenario) {
    sessions = Self.configurations.map { Session.run(scenario, design: $0.0, compact: $0.1, invs: $0.2) }
  }

  /// Rows: (label, value per configuration).
  package var rows: [(String, [String])] {
    let keys: [(String, String)] = [
      ("CD tables", "cd-tables"), ("CD-table bytes", "cd-table-bytes"), ("STE writes", "ste-writes"),
      ("CD writes", "cd-writes"), ("syncs", "syncs"), ("commands", "commands"),
      ("CFGI_STE", "commands.CFGI_STE"),
      ("CFGI_CD", "commands.CFGI_CD"), ("TLBI_NH_VA", "commands.TLBI_NH_VA"),
      ("TLBI_NH_ASID", "commands.TLBI_NH_ASID"),
      ("ATC_INV", "commands.ATC_INV"), ("PREFETCH_CFG", "commands.PREFETCH_CFG"),
      ("cfg-cache hits", "cfg-cache.hits"),
      ("cfg-cache misses", "cfg-cache.misses"), ("CD fetches", "cd-fetches"), ("TLB hits", "tlb.hits"),
      ("TLB misses", "tlb.misses"), ("events", "events"), ("hazards", "hazards"), ("driver errors", "errors"),
      ("failed expects", ""),
    ]
    return keys.map { label, path in
      (label, sessions.map { path.isEmpty ? String($0.failures.count) : ($0.value(of: path) ?? "-") })
    }
  }

  package var labels: [String] { sessions.map(\.options.label) }

  /// A text table.
  package var text: String {
    let w0 = max(18, rows.map(\.0.count).max() ?? 0)
    let ws = labels.map { max($0.count, 10) }
    var out = padded("", w0, right: false) + zip(labels, ws).map { "  " + padded($0, $1) }.joined() + "\n"
    for (label, vals) in rows {
      out += padded(label, w0, right: false) + zip(vals, ws).map { "  " + padded($0, $1) }.joined() + "\n"
    }
    return out
  }

  /// One JSON object: configuration label -> counters.
  package var json: String {
    JSON.object(sessions.map { ($0.options.label, JSON.object(RunReport.counters($0))) }).rendered()
  }
}
