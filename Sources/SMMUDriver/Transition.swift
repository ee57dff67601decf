import SMMUModel

/// `smmuscope transition`: one STE or CD update run through the entry writer, with the
/// fixture values of the upstream KUnit suite, step by step.
package struct Transition: Sendable {
  /// A spec that could not be parsed; the message names the valid forms.
  package struct SpecError: Error, Sendable, CustomStringConvertible {
    package let description: String
  }

  /// The KUnit suite's fixtures.
  package enum Fixture {
    package static let cdTable: UInt64 = 0xF0F0_F0F0_F0F0
    /// `cd_table.s1cdmax = 0xFF`: only the low 5 bits reach the field.
    package static let s1cdmax: UInt64 = 0xFF & 0x1F
    package static let ttbr: UInt64 = 0xDAED_BEEF_DEAD_BEEF
    package static let mair: UInt64 = 0xABC_DEF0_1234_5678
    package static let svaPGD: UInt64 = 0xDAED_BEEF_DEAD_BEEF
    package static let s1TCR = CDTranslationControl(t0sz: 4, tg0: 2, irgn0: 2, orgn0: 1, sh0: 3, ips: 1)
    package static let s2VTCR = STEStage2Control(tsz: 4, sl: 3, irgn: 2, orgn: 1, sh: 3, tg: 2, ps: 1)
  }

  package static let steForms =
    "abort | bypass | cdtable[:OPTS] | s2[:OPTS]  (OPTS: s1dss=ssid0|bypass|terminate, cdtab=HEX, ats, stall, nested)"
  package static let cdForms = "empty | s1:asid=N | sva:asid=N | sva-release:asid=N"

  package let kind: EntryWriter.Kind
  /// The two entries as parsed.
  package let fromSpec: TransitionSpec
  package let toSpec: TransitionSpec
  package let from: [UInt64]
  package let to: [UInt64]
  package let outcome: EntryWriter.Outcome

  /// Parses both specs and runs the writer.
  package init(kind: EntryWriter.Kind, from: String, to: String) throws(SpecError) {
    self.kind = kind
    fromSpec = try TransitionSpec(kind, from)
    toSpec = try TransitionSpec(kind, to)
    self.from = fromSpec.qwords
    self.to = toSpec.qwords
    var e = self.from
    outcome = EntryWriter(kind: kind).write(entry: &e, target: self.to, store: { _, _ in }, sync: {})
  }

  /// What the SMMU would see at a step: the old entry, the new one, or an invalid entry
  /// (compared in the bits the entry at that step uses).
  package func sees(_ entry: [UInt64]) -> String {
    let writer = EntryWriter(kind: kind)
    let validBit = kind == .ste ? StreamTableEntry.v.mask : ContextDescriptor.v.mask
    if entry[0] & validBit == 0 { return "invalid" }
    let used = writer.used(entry)
    if (0..<8).allSatisfy({ entry[$0] & used[$0] == to[$0] & used[$0] }) { return "new" }
    if (0..<8).allSatisfy({ entry[$0] & used[$0] == from[$0] & used[$0] }) { return "old" }
    return "torn"
  }

  /// The human-readable report, ending with `syncs=N hitless=yes|no`.
  package func text(fromSpec: String, toSpec: String) -> String {
    var out = "\(kind.rawValue) \(fromSpec) -> \(toSpec)\n"
    out += "from: \(Self.row(from))\n  to: \(Self.row(to))\n"
    let diff = EntryWriter(kind: kind).analyse(current: from, target: to).diff
    let qs = (0..<8).filter { diff & (1 << UInt8($0)) != 0 }.map { "q\($0)" }
    out += "path: \(outcome.path.rawValue)"
    out +=
      qs.isEmpty ? " (no used bit changes)" : " (qwords changing in used bits: \(qs.joined(separator: ", ")))"
    if let c = outcome.criticalQword { out += ", critical qword q\(c)" }
    out += "\n"
    for (i, step) in outcome.steps.enumerated() {
      out += "step \(i + 1):\n"
      for s in step.stores {
        out += "  write q\(s.qword) \(hex(s.old, digits: 16)) -> \(hex(s.new, digits: 16))\n"
      }
      out += "  entry \(Self.row(step.entry))\n"
      out +=
        "  sync (\(kind == .ste ? "CFGI_STE" : "CFGI_CD") + CMD_SYNC): SMMU sees the \(sees(step.entry)) entry\n"
    }
    out += "syncs=\(outcome.syncs) hitless=\(outcome.hitless ? "yes" : "no")\n"
    return out
  }

  /// One JSON object: kind, from, to, path, syncs, hitless, steps (qwords written and entry).
  package func json(fromSpec: String, toSpec: String) -> String {
    func hexList(_ q: [UInt64]) -> String {
      "[" + q.map { "\"\(hex($0, digits: 16))\"" }.joined(separator: ",") + "]"
    }
    let steps = outcome.steps.map { step in
      "{\"qwords\":" + hexList(step.stores.map(\.new)) + ",\"indices\":["
        + step.stores.map { String($0.qword) }.joined(separator: ",") + "],\"entry\":" + hexList(step.entry)
        + ",\"sees\":\"\(sees(step.entry))\"}"
    }
    return
      "{\"kind\":\"\(kind.rawValue)\",\"from\":\"\(fromSpec)\",\"to\":\"\(toSpec)\",\"path\":\"\(outcome.path.rawValue)\","
      + "\"critical_qword\":\(outcome.criticalQword.map(String.init) ?? "null"),"
      + "\"syncs\":\(outcome.syncs),\"hitless\":\(outcome.hitless),\"initial\":\(hexList(from)),\"target\":\(hexList(to)),"
      + "\"steps\":[\(steps.joined(separator: ","))]}"
  }

  static func row(_ q: [UInt64]) -> String { q.map { hex($0, digits: 16) }.joined(separator: " ") }
}
