import SMMUModel

/// A walk as rows of text, shared by `run`'s report, `run --json` and the explorer's walk
/// view: one row per step, then the outcome.
package struct WalkRow: Sendable, Hashable {
  /// "STE sid 0x8", "S1 level 2", "result".
  package let label: String
  /// "0x40000100", or "" when the step read nothing.
  package let address: String
  /// The descriptor's qwords up to the last non-zero one, in hex.
  package let descriptor: [String]
  /// Decoded fields, "Config=S1"; those that decided the path end with "*".
  package let fields: [String]
  /// The IOVA bits, the TLB key, a decision.
  package let note: String
  /// "fetched from memory", "cache (dropped by ...)", "miss", "-".
  package let served: String
  package let cached: Bool
  /// The row that stopped the transaction, or the result row of a failure.
  package let failed: Bool
}

/// Formats walks.
package enum WalkReport {
  /// The walk's rows: its steps, then the result row.
  package static func rows(_ w: TranslationWalk) -> [WalkRow] {
    var out: [WalkRow] = []
    for (i, s) in w.steps.enumerated() {
      var qwords = s.descriptor
      while qwords.count > 1, qwords.last == 0 { qwords.removeLast() }
      var cached = false
      if case .cached = s.source { cached = true }
      out.append(
        WalkRow(
          label: s.title, address: s.address.map { hex($0) } ?? "",
          descriptor: qwords.map { hex($0, digits: 16) },
          fields: s.fields.map { "\($0.name)=\($0.value)" + ($0.decided ? "*" : "") }, note: s.note ?? "",
          served: s.source.text, cached: cached, failed: w.failure?.step == i))
    }
    out.append(
      WalkRow(
        label: "result", address: "", descriptor: [], fields: [], note: resultText(w), served: "",
        cached: false, failed: w.failure != nil))
    return out
  }

  /// "output 0x80000234" or "F_TRANSLATION at step 7 (S1 level 1): why".
  package static func resultText(_ w: TranslationWalk) -> String {
    switch w.outcome {
    case .translated(let a): return "output address \(hex(a))"
    case .bypassed(let a): return "output address \(hex(a)) (bypass: untranslated)"
    case .stalled(let stag):
      let what = w.failure?.event?.name ?? "fault"
      return "\(what): stalled (stag \(stag)), held until RESUME or STALL_TERM"
    case .aborted:
      guard let f = w.failure else { return "aborted" }
      let title = w.steps.indices.contains(f.step) ? w.steps[f.step].title : "?"
      let what = f.event.map { $0.name + (f.recorded ? "" : " (not recorded: CD.R=0, S=0)") } ?? "abort"
      return "\(what) at step \(f.step + 1) (\(title)): \(f.reason)"
    }
  }

  /// `run`'s text: indented lines after the line's report.
  package static func text(_ w: TranslationWalk) -> String {
    var out = "    walk of \(w.transaction.description):\n"
    let all = rows(w)
    for (i, r) in all.enumerated() {
      let n = i + 1 < all.count ? "\(i + 1)." : "=>"
      out += "      \(n) \(r.label)"
      if !r.address.isEmpty { out += " at \(r.address)" }
      if !r.served.isEmpty && r.served != "-" { out += ": \(r.served)" }
      out += "\n"
      if !r.descriptor.isEmpty { out += "         qwords " + r.descriptor.joined(separator: " ") + "\n" }
      if !r.fields.isEmpty { out += "         " + r.fields.joined(separator: " ") + "\n" }
      if !r.note.isEmpty { out += "         " + r.note + "\n" }
    }
    return out
  }

  /// `run --json`'s "walk" array: one object per step, the result last.
  package static func json(_ w: TranslationWalk) -> JSON {
    .array(
      rows(w).map { r in
        .object([
          ("step", .string(r.label)), ("address", r.address.isEmpty ? .null : .string(r.address)),
          ("qwords", .array(r.descriptor.map { .string($0) })),
          ("fields", .array(r.fields.map { .string($0) })),
          ("note", .string(r.note)), ("served", .string(r.served)), ("cached", .bool(r.cached)),
          ("failed", .bool(r.failed)),
        ])
      })
  }
}
