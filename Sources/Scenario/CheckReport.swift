import Checker
import SMMUDriver
import SMMUModel

/// `smmuscope check`: a scenario run with the checker on, and its findings as text or JSON.
package struct CheckReport: Sendable {
  package let name: String
  /// The design it ran under ("per-master", "legacy compact", ...).
  package let label: String
  package let findings: [CheckFinding]
  package let totals: DesignChecker.Totals

  /// Runs `scenario` with every operation checked.
  package init(_ scenario: Scenario, design: DriverDesign?, compact: Bool?, invs: Bool? = nil) {
    var s = Session(design: design, compact: compact, invs: invs, file: scenario.name)
    s.expectObjects(of: scenario)
    s.keepsResults = false
    s.startChecking()
    for line in scenario.lines { s.step(line) }
    self.init(name: scenario.name, session: s)
  }

  /// The findings of a session that checks.
  package init(name: String, session s: Session) {
    self.name = name
    label = s.options.label
    findings = s.findings
    totals = s.checker?.totals ?? DesignChecker.Totals()
  }

  /// "12 operations, 140 points, 30 streams, 5100 outcomes".
  package var summary: String {
    func n(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
    return [
      n(totals.operations, "operation"), n(totals.points, "point"), n(totals.streams, "stream"),
      n(totals.outcomes, "outcome"),
    ].joined(separator: ", ") + (totals.bounded ? " (cache states bounded)" : "")
  }

  /// Counts by kind: "stale 1, torn 2".
  package var countsText: String {
    let counts = Dictionary(grouping: findings, by: \.kind).mapValues(\.count)
    return CheckFinding.Kind.allCases.compactMap { k in counts[k].map { "\(k.rawValue) \($0)" } }
      .joined(separator: ", ")
  }

  package var text: String {
    var out = "check \(name) (\(label)): \(summary)\n"
    for f in findings { out += Self.text(f) }
    out +=
      findings.isEmpty
      ? "clean: no finding\n" : "\(findings.count) finding\(findings.count == 1 ? "" : "s"): \(countsText)\n"
    return out
  }

  /// One finding as an indented block.
  package static func text(_ f: CheckFinding) -> String {
    var out = "\n\(f.kind.rawValue)  line \(f.line), \(f.point)\n"
    if let m = f.master, let sid = f.sid {
      out += "  stream   \(m) sid \(hex(UInt64(sid)))" + (f.ssid.map { " ssid \($0)" } ?? "") + "\n"
    }
    out += "  cache    \(f.cache)\n  seen     \(f.seen)\n"
    for (i, a) in f.allowed.enumerated() { out += (i == 0 ? "  allowed  " : "           ") + a + "\n" }
    if let m = f.missing { out += "  missing  \(m)\n" }
    return out
  }

  package var json: JSON {
    .object([
      ("name", .string(name)), ("design", .string(label)),
      ("findings", .array(findings.map(Self.json))),
      ("operations", .int(totals.operations)), ("points", .int(totals.points)),
      ("streams", .int(totals.streams)), ("outcomes", .int(totals.outcomes)),
      ("bounded", .bool(totals.bounded)),
    ])
  }

  static func json(_ f: CheckFinding) -> JSON {
    .object([
      ("kind", .string(f.kind.rawValue)), ("line", .int(f.line)), ("point", .string(f.point)),
      ("sid", f.sid.map { .int(Int($0)) } ?? .null), ("ssid", f.ssid.map { .int(Int($0)) } ?? .null),
      ("master", f.master.map(JSON.string) ?? .null), ("cache", .string(f.cache)), ("seen", .string(f.seen)),
      ("allowed", .array(f.allowed.map(JSON.string))), ("missing", f.missing.map(JSON.string) ?? .null),
    ])
  }
}
