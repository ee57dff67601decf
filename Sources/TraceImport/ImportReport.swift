import SMMUModel
import Scenario

/// Renders an `ImportResult`: a one-screen text summary for a kernel engineer, or JSON.
package enum ImportReport {
  /// Opcode names most frequent first, ties by name.
  static func ordered(_ counts: [String: Int]) -> [(String, Int)] {
    counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
  }

  static func countList(_ counts: [String: Int]) -> String {
    ordered(counts).map { "\($0.0) x\($0.1)" }.joined(separator: ", ")
  }

  static func h(_ v: UInt32) -> String { hex(UInt64(v)) }

  static func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
  }

  static func outcomeText(_ o: ImportedTranslation.QEMUOutcome) -> String {
    switch o {
    case .translated(let a): hex(a)
    case .aborted: "abort"
    case .bypassed: "bypass"
    }
  }

  static func outcomeText(_ o: TranslationResult.Outcome) -> String {
    switch o {
    case .translated(let a): hex(a)
    case .aborted: "abort"
    case .stalled(let stag): "stalled stag \(stag)"
    case .bypassed(let a): "bypass \(hex(a))"
    }
  }

  static func layoutText(_ d: String) -> String {
    switch d {
    case "one-per-sid": "one CD table per SID (S1ContextPtr differs per SID; either design does this)"
    case "shared": "shared CD table (SIDs share an S1ContextPtr)"
    default: "no stage-1 stream"
    }
  }

  /// The notes explaining why the model's cache figures differ from QEMU's.
  static func cacheExplanations(_ r: ImportResult) -> [String] {
    let c = r.caches
    var out = [
      "QEMU caches one decoded STE+CD0 per SID; the model caches L1STD, STE and CD lines apiece "
        + "(\(c.modelConfigCache.hits) hits / \(c.modelConfigCache.misses) misses raw), so a model "
        + "'hit' here means STE and CD0 both came from its cache.",
      "PREFETCH_CONFIG is a no-op in QEMU but fills the model's STE line; CFGI_CD drops QEMU's whole "
        + "per-SID entry but only the model's CD line.",
      "QEMU's IOTLB (256 entries) flushes wholesale when an insert finds it full "
        + "(\(c.qemuTLBFullFlushes) such flushes traced); the model's 256-entry TLB evicts LRU "
        + "(\(c.modelTLB.evictions) evictions).",
    ]
    if c.tlbHitQEMUOnly + c.tlbHitModelOnly + c.configHitQEMUOnly + c.configHitModelOnly > 0 {
      out.append(
        "Per translation: TLB hit in QEMU only \(c.tlbHitQEMUOnly), model only \(c.tlbHitModelOnly); "
          + "config hit in QEMU only \(c.configHitQEMUOnly), model only \(c.configHitModelOnly).")
    }
    return out
  }

  /// The text summary.
  package static func text(_ r: ImportResult) -> String {
    var o = ""
    func line(_ s: String = "") { o += s + "\n" }
    let events = r.eventCounts.values.reduce(0, +)
    line(
      "QEMU SMMUv3 trace \(r.tracePath): \(events) events"
        + (r.unknownEvents.isEmpty ? "" : ", \(r.unknownEvents.values.reduce(0, +)) of unknown kinds"))
    var smmu = "SMMU:"
    if let i0 = r.idr0 { smmu += " IDR0 \(hex(i0))" }
    if let i1 = r.idr1 { smmu += " IDR1 \(hex(i1))" }
    let f = r.features
    smmu += " stage \(f.stage1 ? "1" : "")\(f.stage2 ? (f.stage1 ? "+2" : "2") : "") SIDSIZE \(f.sidBits)"
    smmu += " SSIDSIZE \(f.ssidBits)"
    if let b = r.streamTableBase, let c = r.streamTableConfig {
      let twoLevel = (c >> 16) & 3 == 1
      smmu +=
        "; STRTAB_BASE \(hex(b)) CFG \(hex(c)) (\(twoLevel ? "2-level, split \((c >> 6) & 0x1F)" : "linear"))"
    }
    line(smmu)
    line()
    if r.memoryDirectory == nil {
      line("Streams: no --mem dumps given (STEs and CDs are not in QEMU's trace)")
    } else {
      line("Streams (\(r.otherAbortStreams) other dumped STEs are abort):")
      line(
        "  " + pad("SID", 6) + pad("STE", 12) + pad("S1ContextPtr", 13) + pad("S1CDMax", 8) + pad("S1Fmt", 6)
          + pad("S1DSS", 7) + pad("ASID", 5) + pad("TTB0", 12) + "translations")
      for s in r.streams {
        typealias S = StreamTableEntry
        let n = r.translations.filter { $0.sid == s.sid }.count
        let cd =
          s.cd0.map { c in (c.isValid ? "\(c.asidValue)" : "invalid", hex(c.tableAddress)) } ?? ("-", "-")
        line(
          "  " + pad(h(s.sid), 6) + pad(s.ste.summary, 12) + pad(hex(s.ste.contextPointer), 13)
            + pad("\(s.ste[S.s1cdmax])", 8) + pad("\(s.ste[S.s1fmt])", 6) + pad(s.ste.s1dssValue.name, 7)
            + pad(cd.0, 5) + pad(cd.1, 12) + "\(n)")
      }
      line("CD-table layout: \(layoutText(r.cdLayout))")
      line("CD-table design: \(r.design.summary)")
    }
    line()
    let fromRing = r.commands.filter { $0.source == .ring }.count
    var source = ""
    if let n = r.ringCommandCount {
      source =
        " (\(fromRing) with operands from the ring dump, which holds \(n); \(r.commands.count - fromRing) from the trace)"
    }
    line("Commands: \(r.commands.count)\(source)")
    line("  \(countList(r.commandCounts))")
    let byPhase = r.commandsByPhase
    if byPhase.count > 1 || byPhase.first?.phase != ConsolePhases.beforeFirstMark {
      line("  by phase:")
      for p in byPhase { line("    [\(p.phase)] \(countList(p.counts))") }
    }
    line()
    let t = r.translations
    let ok = t.filter(\.matches).count
    let success = t.filter { if case .translated = $0.qemu { true } else { false } }.count
    line(
      "Translations: \(t.count) (\(success) success, \(t.count - success) abort/bypass); model reproduces "
        + "\(ok), mismatched \(t.count - ok)")
    line(
      "  model page tables rebuilt from QEMU's walks: \(r.seededDescriptors) descriptor stores; "
        + "\(r.inferredUnmaps) leaves cleared at TLBI_NH_VA")
    if let m = t.first(where: { !$0.matches }) {
      line(
        "  first mismatch: line \(m.traceLine) sid \(h(m.sid)) iova \(hex(m.iova)): QEMU \(outcomeText(m.qemu)), "
          + "model \(outcomeText(m.model))")
    }
    line()
    let c = r.caches
    line("Caches" + String(repeating: " ", count: 21) + pad("model", 10) + "QEMU")
    line(
      "  " + pad("config (STE+CD0) hits", 25) + pad(String(c.modelConfigHits), 10) + String(c.qemuConfigHits))
    line(
      "  " + pad("config (STE+CD0) misses", 25) + pad(String(c.modelConfigMisses), 10)
        + String(c.qemuConfigMisses))
    line("  " + pad("TLB hits", 25) + pad(String(c.modelTLB.hits), 10) + String(c.qemuTLBHits))
    line("  " + pad("TLB misses", 25) + pad(String(c.modelTLB.misses), 10) + String(c.qemuTLBMisses))
    for e in cacheExplanations(r) { line("  - " + e) }
    line()
    if r.hazards.isEmpty {
      line(
        "Hazards: none"
          + (r.qwordWrites == 0 ? " (the trace holds no STE/CD stores; the tables are the final dump)" : ""))
    } else {
      line("Hazards: \(r.hazards.count)")
      for h in r.hazards.prefix(8) { line("  line \(h.traceLine) [\(h.phase)] \(h.hazard.description)") }
      if r.hazards.count > 8 { line("  ... \(r.hazards.count - 8) more") }
    }
    if !r.notes.isEmpty {
      line()
      line("Notes:")
      for n in r.notes { line("  - " + n) }
    }
    return o
  }

  /// The JSON report.
  package static func json(_ r: ImportResult) -> JSON {
    func counts(_ c: [String: Int]) -> JSON { .object(ordered(c).map { ($0.0, .int($0.1)) }) }
    var streams: [(String, JSON)] = []
    var cds: [(String, JSON)] = []
    for s in r.streams {
      typealias S = StreamTableEntry
      streams.append(
        (
          h(s.sid),
          .object([
            ("config", .string(s.ste.isValid ? s.ste.configValue.name : "invalid")),
            ("s1dss", .string(s.ste.s1dssValue.name)),
            ("cd-table", .string(hex(s.ste.contextPointer))),
            ("s1cdmax", .int(Int(s.ste[S.s1cdmax]))),
            ("s1fmt", .int(Int(s.ste[S.s1fmt]))),
            ("ste", .string(hex(s.steAddress))),
          ])
        ))
      if let cd = s.cd0 {
        cds.append(
          (
            h(s.sid),
            .object([
              (
                "0",
                .object([
                  ("asid", .int(Int(cd.asidValue))), ("ttb0", .string(hex(cd.tableAddress))),
                  ("valid", .bool(cd.isValid)),
                ])
              )
            ])
          ))
      }
    }
    let t = r.translations
    let resolved = t.filter(\.matches).count
    let sample = t.prefix(5).map { x in
      JSON.object([
        ("line", .int(x.traceLine)), ("sid", .string(h(x.sid))), ("iova", .string(hex(x.iova))),
        ("qemu", .string(outcomeText(x.qemu))), ("model", .string(outcomeText(x.model))),
        ("served-by", .string(x.modelServedBy)),
      ])
    }
    let c = r.caches
    return .object([
      ("trace", .string(r.tracePath)),
      ("mem", r.memoryDirectory.map { .string($0) } ?? .null),
      ("commands", counts(r.commandCounts)),
      ("commands-total", .int(r.commands.count)),
      ("commands-from-ring", .int(r.commands.filter { $0.source == .ring }.count)),
      ("ring", r.ringCounts.map { counts($0) } ?? .null),
      ("commands-by-phase", .object(r.commandsByPhase.map { ($0.phase, counts($0.counts)) })),
      ("streams", .object(streams)),
      ("cds", .object(cds)),
      ("cd-layout", .string(r.cdLayout)),
      ("cd-design", .string(r.design.verdict.rawValue)),
      ("cd-design-evidence", .string(r.design.summary)),
      (
        "translations",
        .object([
          ("count", .int(t.count)), ("resolved", .int(resolved)), ("mismatched", .int(t.count - resolved)),
          ("seeded-descriptors", .int(r.seededDescriptors)), ("inferred-unmaps", .int(r.inferredUnmaps)),
          ("sample", .array(sample)),
        ])
      ),
      (
        "caches",
        .object([
          (
            "model",
            .object([
              ("config-hits", .int(c.modelConfigHits)), ("config-misses", .int(c.modelConfigMisses)),
              ("config-cache-raw-hits", .int(c.modelConfigCache.hits)),
              ("config-cache-raw-misses", .int(c.modelConfigCache.misses)),
              ("tlb-hits", .int(c.modelTLB.hits)), ("tlb-misses", .int(c.modelTLB.misses)),
              ("tlb-evictions", .int(c.modelTLB.evictions)),
            ])
          ),
          (
            "qemu",
            .object([
              ("config-hits", .int(c.qemuConfigHits)), ("config-misses", .int(c.qemuConfigMisses)),
              ("tlb-hits", .int(c.qemuTLBHits)), ("tlb-misses", .int(c.qemuTLBMisses)),
              ("tlb-full-flushes", .int(c.qemuTLBFullFlushes)),
            ])
          ),
          (
            "disagreements",
            .object([
              ("tlb-hit-qemu-only", .int(c.tlbHitQEMUOnly)), ("tlb-hit-model-only", .int(c.tlbHitModelOnly)),
              ("config-hit-qemu-only", .int(c.configHitQEMUOnly)),
              ("config-hit-model-only", .int(c.configHitModelOnly)),
            ])
          ),
        ])
      ),
      (
        "hazards",
        .array(
          r.hazards.map { h in
            .object([
              ("kind", .string(h.hazard.kind.rawValue)), ("entry", .string(h.hazard.entry)),
              ("transaction", h.hazard.transaction.map { .string($0) } ?? .null),
              ("missing", .string(h.hazard.missing)), ("line", .int(h.traceLine)),
              ("phase", .string(h.phase)),
            ])
          })
      ),
      ("unknown-events", counts(r.unknownEvents)),
      ("notes", .array(r.notes.map { .string($0) })),
    ])
  }
}
