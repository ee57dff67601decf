import Foundation
import SMMUModel
import Scenario

/// Replays a QEMU SMMUv3 trace (and, when given, the dumped tables and command ring)
/// through an `SMMUModel.SMMU`.
///
/// - The SMMU is built with the features QEMU advertised (IDR0/IDR1 reads in the trace) and
///   QEMU's caching rule (only successful configurations are cached); its TLB holds 256
///   entries, as QEMU's IOTLB does, but evicts LRU where QEMU flushes everything when full.
/// - Its memory holds the dumped regions at their physical addresses. The dumps are the
///   final state; a trace's `smmuscope_qword_write addr= old= new=` pseudo-events (never
///   written by QEMU; for hand-written or annotated traces) are undone to get the initial
///   state and replayed at their place, tracked like driver stores.
/// - Page tables are not dumped. The model's page-table memory is rebuilt from QEMU's own
///   walk lines (`smmu_get_pte`, `smmu_ptw_level`, `smmu_ptw_page_pte`): before each
///   translation, every descriptor QEMU read for it is stored at the address QEMU read it
///   from. A TLBI_NH_VA clears the leaf it covers first (strict-mode unmap precedes its
///   invalidation). Translations QEMU served from its IOTLB use what earlier walks stored.
/// - Commands and translations are interleaved in trace order; each translation's result is
///   compared with QEMU's output address.
package enum ImportReplay {
  /// QEMU's command names by opcode (`smmu_cmd_string`, without `SMMU_CMD_`).
  package static let qemuCommandNames: [UInt8: String] = [
    0x01: "PREFETCH_CONFIG", 0x02: "PREFETCH_ADDR", 0x03: "CFGI_STE", 0x04: "CFGI_STE_RANGE",
    0x05: "CFGI_CD", 0x06: "CFGI_CD_ALL", 0x10: "TLBI_NH_ALL", 0x11: "TLBI_NH_ASID",
    0x12: "TLBI_NH_VA", 0x13: "TLBI_NH_VAA", 0x18: "TLBI_EL3_ALL", 0x1A: "TLBI_EL3_VA",
    0x20: "TLBI_EL2_ALL", 0x21: "TLBI_EL2_ASID", 0x22: "TLBI_EL2_VA", 0x23: "TLBI_EL2_VAA",
    0x28: "TLBI_S12_VMALL", 0x2A: "TLBI_S2_IPA", 0x30: "TLBI_NSNH_ALL", 0x40: "ATC_INV",
    0x41: "PRI_RESP", 0x44: "RESUME", 0x45: "STALL_TERM", 0x46: "SYNC",
  ]

  /// Imports a trace file; `memoryDirectory` holds README.txt and the dumps; the console log
  /// defaults to `console.log` beside the trace.
  package static func run(
    tracePath: String, memoryDirectory: String? = nil, consolePath: String? = nil
  ) throws(ImportError) -> ImportResult {
    let trace = try QEMUTrace(contentsOf: tracePath)
    let dump = try memoryDirectory.map { (d: String) throws(ImportError) in try MemoryDump(directory: d) }
    let console =
      consolePath ?? (URL(fileURLWithPath: tracePath).deletingLastPathComponent().path + "/console.log")
    let phases = try ConsolePhases.load(console) ?? ConsolePhases(marks: [])
    return try run(trace: trace, dump: dump, phases: phases)
  }

  /// A translation as the trace shows it: QEMU's outcome and the descriptors its walk read.
  struct RawTranslation {
    var line: Int
    var time: Double?
    var sid: UInt32
    var iova: UInt64
    var write: Bool
    var qemu: ImportedTranslation.QEMUOutcome
    var configHit: Bool?
    var tlbHit: Bool?
    var descriptors: [(UInt64, UInt64)]
  }

  /// One step of the replay, in trace order.
  enum Step {
    case command(Int)
    case translation(Int)
    case write(line: Int, address: UInt64, new: UInt64)
    case enable(Bool)
  }

  /// Replays parsed inputs: reads the trace into steps (pass 1, `TraceSteps`), then replays
  /// the steps through a model built from the dump (pass 2).
  package static func run(trace: QEMUTrace, dump: MemoryDump?, phases: ConsolePhases) throws(ImportError)
    -> ImportResult
  {
    var read = try TraceSteps(trace, dump: dump)
    if let dump { try checkRegisters(read, dump) }
    let ring = dump.flatMap(RingFigures.init)
    var notes: [String] = []
    let commands = try importCommands(read, ring: ring, dump: dump, phases: phases, notes: &notes)
    let features = try features(read)
    var smmu = try makeSMMU(features, read, dump: dump, trace: trace)
    let initialSMMU = smmu
    let replayed = try replay(
      read, trace, commands: commands, on: &smmu, caches: &read.caches, phases: phases)
    let (streams, otherAbort) = finalStreams(dump, translatedSIDs: Set(read.translations.map(\.sid)))
    let pointers = streams.compactMap(\.cd0Address)
    let cdLayout: String =
      pointers.isEmpty ? "none" : Set(pointers).count == pointers.count ? "one-per-sid" : "shared"
    let stage1SIDs = Set(streams.filter { $0.cd0Address != nil }.map(\.sid))
    notes += endNotes(smmu, read, trace: trace, commands: commands)
    return ImportResult(
      tracePath: trace.path, memoryDirectory: dump?.directory,
      traceLines: trace.events.last?.line ?? 0, eventCounts: read.eventCounts,
      unknownEvents: trace.unknownEvents,
      idr0: read.idr0, idr1: read.idr1, features: features, streamTableBase: dump?.registers["STRTAB_BASE"],
      streamTableConfig: dump?.registers["STRTAB_BASE_CFG"], commands: commands,
      ringCommandCount: ring?.count, ringCounts: ring?.counts,
      phases: [ConsolePhases.beforeFirstMark] + phases.marks.map(\.label),
      streams: streams, otherAbortStreams: otherAbort, cdLayout: cdLayout,
      design: DesignEvidence(commands: commands, stage1SIDs: stage1SIDs),
      translations: replayed.translations,
      caches: read.caches, hazards: replayed.hazards, seededDescriptors: replayed.state.seeded,
      inferredUnmaps: replayed.state.unmaps, qwordWrites: read.writes.count,
      commandsReplayed: replayed.state.replayed, notes: notes,
      replay: ReplayScript(initial: initialSMMU, steps: read.steps, raw: read.translations, trace: trace))
  }

  /// Registers: the trace's last writes must match the dump's README.
  static func checkRegisters(_ read: TraceSteps, _ dump: MemoryDump) throws(ImportError) {
    let names: [UInt64: String] = [0x80: "STRTAB_BASE", 0x88: "STRTAB_BASE_CFG", 0x90: "CMDQ_BASE"]
    for (offset, w) in read.registerWrites.sorted(by: { $0.key < $1.key }) {
      guard let name = names[offset], let expected = dump.registers[name] else { continue }
      let mask: UInt64 = offset == 0x88 ? 0xFFFF_FFFF : ~0
      if w.value & mask != expected & mask {
        throw ImportError(
          file: read.path, line: w.line,
          "the guest wrote \(name)=\(hex(w.value)) but \(dump.readmePath) line "
            + "\(dump.registerLines[name] ?? 0) says \(hex(expected)): the dumps are not from this run")
      }
    }
  }

  /// The dumped command ring and what it holds.
  struct RingFigures {
    let slots: [[UInt64]]
    let name: String
    /// Slots holding a command, and those by name.
    let count: Int
    let counts: [String: Int]

    init?(_ dump: MemoryDump) {
      guard let ring = dump.commandRing else { return nil }
      slots = ring
      name = dump.commandRingName ?? "cmdq.bin"
      var counts: [String: Int] = [:]
      var n = 0
      for q in ring where q[0] != 0 || q[1] != 0 {
        n += 1
        counts[
          qemuCommandNames[UInt8(q[0] & 0xFF)] ?? String(format: "OP_0x%02X", Int(q[0] & 0xFF)), default: 0] +=
          1
      }
      count = n
      self.counts = counts
    }
  }

  /// Commands: operands from the ring where it holds the consumed command, else from the
  /// trace's operand lines.
  static func importCommands(
    _ read: TraceSteps, ring: RingFigures?, dump: MemoryDump?, phases: ConsolePhases, notes: inout [String]
  ) throws(ImportError) -> [ImportedCommand] {
    var commands: [ImportedCommand] = []
    commands.reserveCapacity(read.commands.count)
    for p in read.commands {
      var command: Command?
      var source = ImportedCommand.Source.trace
      var usedSlot: Int?
      if let ring, let slot = p.slot {
        let s = slot & (ring.slots.count - 1)
        let q = ring.slots[s]
        if q[0] != 0 || q[1] != 0 {
          let ringName0 = qemuCommandNames[UInt8(q[0] & 0xFF)] ?? "opcode \(hex(q[0] & 0xFF))"
          if ringName0 == p.name {
            command = CommandEncoding.decode(q)
            source = .ring
            usedSlot = s
            if let c = command, let why = operandMismatch(c, p.aux) {
              throw ImportError(
                file: read.path, line: p.line,
                "\(ring.name) slot \(s) holds \(c.description) but the trace's operands say \(why)")
            }
          } else if !read.sawWrap {
            throw ImportError(
              file: read.path, line: p.line,
              "the trace consumed \(p.name) from slot \(s) but \(ring.name) holds \(ringName0) there: "
                + "the ring dump is not from this run")
          }
        }
      }
      if source == .trace { command = commandFromTrace(p.name, p.aux) }
      commands.append(
        ImportedCommand(
          traceLine: p.line, time: p.time, name: p.name, command: command, ringSlot: usedSlot,
          source: source, phase: phases.phase(at: p.time)))
    }
    if let ring {
      let fromRing = commands.filter { $0.source == .ring }.count
      if ring.count > fromRing {
        notes.append("\(ring.count - fromRing) ring slots hold commands the trace never consumed")
      }
      if commands.count > fromRing {
        notes.append(
          "\(commands.count - fromRing) commands were consumed after the ring dump (or from overwritten "
            + "slots): operands from the trace lines")
      }
    }
    return commands
  }

  /// Features, as QEMU advertised them (IDR0, IDR1) on QEMU's defaults.
  static func features(_ read: TraceSteps) throws(ImportError) -> SMMUFeatures {
    var features = SMMUFeatures()
    features.ssidBits = 0
    features.twoLevelCDTable = false
    features.ats = false
    features.stage2 = false
    features.stallModel = .terminateOnly
    features.cachesInvalidEntries = false
    features.recordInvalidSID = true
    features.tlbEntries = 256
    features.configCacheEntries = 4096
    // QEMU resets GBPA to 0x1000 (ABORT=0): traffic bypasses while SMMUEN=0.
    features.gbpaAbort = false
    if let i0 = read.idr0 {
      features.stage2 = i0 & 1 == 1
      features.stage1 = i0 & 2 == 2
      features.ats = i0 & (1 << 10) != 0
      features.asid16 = i0 & (1 << 12) != 0
      features.twoLevelCDTable = i0 & (1 << 19) != 0
      features.stallModel =
        [.stallOrTerminate, .terminateOnly, .stallForced, .stallOrTerminate][
          Int((i0 >> 24) & 3)]
      features.twoLevelStreamTable = (i0 >> 27) & 3 == 1
    }
    if let i1 = read.idr1 {
      features.sidBits = Int(i1 & 0x3F)
      features.ssidBits = Int((i1 >> 6) & 0x1F)
      guard features.sidBits <= 32, features.ssidBits <= 20 else {
        throw ImportError(
          file: read.path, line: read.idr1Line,
          "IDR1=\(hex(i1)): SIDSIZE \(features.sidBits) / SSIDSIZE \(features.ssidBits) is out of range "
            + "(at most 32 / 20)")
      }
    }
    return features
  }

  /// The SMMU and its memory: the dumps, with the trace's pseudo-writes undone.
  static func makeSMMU(_ features: SMMUFeatures, _ read: TraceSteps, dump: MemoryDump?, trace: QEMUTrace)
    throws(ImportError) -> SMMU
  {
    var smmu = SMMU(features: features)
    let writes = read.writes
    var initial: [UInt64: UInt64] = [:]
    if let dump {
      for w in writes.reversed() {
        guard let current = initial[w.address] ?? dump.qword(w.address) else {
          throw ImportError(
            file: trace.path, line: w.line, "\(QEMUTrace.qwordWriteEvent) to \(hex(w.address)): not dumped")
        }
        guard current == w.new else {
          throw ImportError(
            file: trace.path, line: w.line,
            "\(QEMUTrace.qwordWriteEvent) stores \(hex(w.new)) at \(hex(w.address)) but the dump (or a later "
              + "write's old=) says \(hex(current))")
        }
        initial[w.address] = w.old
      }
      try loadDump(dump, initial: initial, into: &smmu, trace: trace)
      smmu.programStreamTable(base: dump.registers["STRTAB_BASE"] ?? 0, config: dump.streamTableConfig)
    } else if !writes.isEmpty {
      throw ImportError(file: trace.path, line: writes[0].line, "\(QEMUTrace.qwordWriteEvent) needs --mem")
    }
    if !read.steps.contains(where: { if case .enable = $0 { true } else { false } }) { smmu.setEnabled(true) }
    return smmu
  }

  /// The final tables, decoded with the project's own decoders: the streams that are not
  /// abort or that translated, and how many others were abort.
  static func finalStreams(_ dump: MemoryDump?, translatedSIDs: Set<UInt32>) -> ([ImportedStream], Int) {
    var streams: [ImportedStream] = []
    var otherAbort = 0
    for s in dump?.streamEntries ?? [] {
      let interesting = (s.ste.isValid && s.ste.configValue != .abort) || translatedSIDs.contains(s.sid)
      guard interesting else {
        otherAbort += 1
        continue
      }
      var cd: ContextDescriptor?
      var cdAddress: UInt64?
      let cfg = s.ste.configValue
      if s.ste.isValid, cfg == .s1Translate || cfg == .nested {
        cdAddress = s.ste.contextPointer
        cd = dump?.entry(s.ste.contextPointer).map { ContextDescriptor(qwords: $0) }
      }
      streams.append(
        ImportedStream(sid: s.sid, steAddress: s.address, ste: s.ste, cd0: cd, cd0Address: cdAddress))
    }
    return (streams, otherAbort)
  }

  /// Notes on what the replay met: command errors, tables that changed under QEMU, events not
  /// interpreted, commands not replayed.
  static func endNotes(_ smmu: SMMU, _ read: TraceSteps, trace: QEMUTrace, commands: [ImportedCommand])
    -> [String]
  {
    var notes: [String] = []
    if smmu.counters.commandErrors > 0 {
      notes.append(
        "the model's command queue met \(smmu.counters.commandErrors) illegal command(s) (CERROR_ILL); "
          + "first: \(smmu.commandError ?? "acknowledged")")
    }
    if !read.configMismatches.isEmpty {
      notes.append(
        "\(read.configMismatches.count) QEMU configuration fetches disagree with the final dump (tables changed "
          + "during the run), first: \(read.configMismatches[0])")
    }
    if !trace.unknownEvents.isEmpty {
      notes.append(
        "unknown events counted, not interpreted: "
          + trace.unknownEvents.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }.joined(
            separator: ", "))
    }
    let skipped = commands.filter { $0.command == nil }
    if !skipped.isEmpty {
      let names = Set(skipped.map(\.name)).sorted().joined(separator: ", ")
      notes.append("\(skipped.count) commands not replayed (operands unknown or not modelled): \(names)")
    }
    return notes
  }
}
