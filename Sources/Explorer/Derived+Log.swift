import SMMUDriver
import Scenario
import TraceImport

extension ExplorerState.Derived {

  /// The log: the imported run's lines, then each result with its writes, commands, events
  /// and hazards.
  static func logLines(session: Session, timeline: ReplayTimeline?) -> [ExplorerState.LogLine] {
    var out =
      timeline?.lines.map { ExplorerState.LogLine(text: $0, color: $0.contains(" cmd ") ? .warn : .normal) }
      ?? []
    for (index, r) in session.results.enumerated() {
      switch r.command {
      case .say(let t): out.append(ExplorerState.LogLine(text: "  » \(t)", color: .dim))
      case .step(let t): out.append(ExplorerState.LogLine(text: "== \(t)", color: .title))
      case .expect:
        let ok = r.expectation?.passed ?? false
        out.append(
          ExplorerState.LogLine(
            text: "\(r.line): expect \(ok ? "ok" : "FAILED") \(r.expectation?.message ?? "")",
            color: ok ? .good : .bad))
      default:
        out.append(
          ExplorerState.LogLine(
            text: "\(r.line): \(r.text.trimmingCharacters())", color: .accent,
            result: r.trace?.translation?.walk == nil ? nil : index))
        for item in r.trace?.items ?? [] {
          switch item {
          case .write(let w):
            out.append(ExplorerState.LogLine(text: "    write \(w.description)", color: .normal))
          case .command(let c):
            out.append(
              ExplorerState.LogLine(text: "    cmd   \(c.description)", color: c.isSync ? .dim : .warn))
          case .note(let n): out.append(ExplorerState.LogLine(text: "    note  \(n)", color: .dim))
          }
        }
        for e in r.events {
          out.append(ExplorerState.LogLine(text: "    event \(e.description)", color: .bad))
        }
        for h in r.hazards {
          out.append(ExplorerState.LogLine(text: "    HAZARD \(h.description)", color: .bad))
        }
        if let e = r.error { out.append(ExplorerState.LogLine(text: "    error \(e)", color: .bad)) }
        if let t = r.transition {
          for (i, s) in t.outcome.steps.enumerated() {
            out.append(
              ExplorerState.LogLine(
                text:
                  "    step \(i + 1): writes \(s.stores.map { "q\($0.qword)" }.joined(separator: ",")), sync: SMMU sees \(t.sees(s.entry))",
                color: .normal))
          }
          out.append(
            ExplorerState.LogLine(
              text: "    syncs=\(t.outcome.syncs) hitless=\(t.outcome.hitless ? "yes" : "no")", color: .good))
        }
      }
    }
    return out
  }
}
