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
public enum ImportReplay {
  /// QEMU's command names by opcode (`smmu_cmd_string`, without `SMMU_CMD_`).
  public static let qemuCommandNames: [UInt8: String] = [
    0x01: "PREFETCH_CONFIG", 0x02: "PREFETCH_ADDR", 0x03: "CFGI_STE", 0x04: "CFGI_STE_RANGE",
    0x05: "CFGI_CD", 0x06: "CFGI_CD_ALL", 0x10: "TLBI_NH_ALL", 0x11: "TLBI_NH_ASID",
    0x12: "TLBI_NH_VA", 0x13: "TLBI_NH_VAA", 0x18: "TLBI_EL3_ALL", 0x1A: "TLBI_EL3_VA",
    0x20: "TLBI_EL2_ALL", 0x21: "TLBI_EL2_ASID", 0x22: "TLBI_EL2_VA", 0x23: "TLBI_EL2_VAA",
    0x28: "TLBI_S12_VMALL", 0x2A: "TLBI_S2_IPA", 0x30: "TLBI_NSNH_ALL", 0x40: "ATC_INV",
    0x41: "PRI_RESP", 0x44: "RESUME", 0x45: "STALL_TERM", 0x46: "SYNC",
  ]

  /// Imports a trace file; `memoryDirectory` holds README.txt and the dumps; the console log
  /// defaults to `console.log` beside the trace.
  public static func run(
    tracePath: String, memoryDirectory: String? = nil, consolePath: String? = nil
  ) throws(ImportError) -> ImportResult {
    let trace = try QEMUTrace(contentsOf: tracePath)
    let dump = try memoryDirectory.map { (d: String) throws(ImportError) in try MemoryDump(directory: d) }
    let console =
      consolePath ?? (URL(fileURLWithPath: tracePath).deletingLastPathComponent().path + "/console.log")
    let phases = try ConsolePhases.load(console) ?? ConsolePhases(marks: [])
    return try run(trace: trace, dump: dump, phases: phases)
  }

  // MARK: Pass 1: reading the trace

  private struct PendingCommand {
    var line: Int
    var time: Double?
    var name: String
    var slot: Int?
    var wrap: UInt64?
    var aux: [String: [String: UInt64]] = [:]
  }

  private struct PendingTranslation {
    var configHit: Bool?
    var tlbHit: Bool?
    var descriptors: [UInt64: UInt64] = [:]
    var descriptorOrder: [UInt64] = []
    var inWalk = false
  }

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

  enum Step {
    case command(Int)
    case translation(Int)
    case write(line: Int, address: UInt64, new: UInt64)
    case enable(Bool)
  }

  /// Replays parsed inputs.
  public static func run(trace: QEMUTrace, dump: MemoryDump?, phases: ConsolePhases) throws(ImportError)
    -> ImportResult
  {
    var eventCounts: [String: Int] = [:]
    var pendingCommands: [PendingCommand] = []
    var lastConsume: [Int: (cons: UInt64, wrap: UInt64)] = [:]
    var openCommand: [Int: Int] = [:]
    var pendingTranslation: [Int: PendingTranslation] = [:]
    var raw: [RawTranslation] = []
    var steps: [Step] = []
    var writes: [(line: Int, address: UInt64, old: UInt64, new: UInt64)] = []
    var registerWrites: [UInt64: (line: Int, value: UInt64)] = [:]
    var idr0: UInt64?
    var idr1: UInt64?
    var idr1Line: Int?
    var caches = ImportCacheFigures()
    var notes: [String] = []
    var configMismatches: [String] = []
    var sawWrap = false
    let dumpStreams = dump?.streamEntries ?? []

    for e in trace.events {
      eventCounts[e.name, default: 0] += 1
      let f = e.fields
      try checkOperands(e, f, path: trace.path)
      switch e.name {
      case "smmuv3_read_mmio":
        if f["addr"] == 0x0, idr0 == nil { idr0 = f["val"] }
        if f["addr"] == 0x4, idr1 == nil {
          idr1 = f["val"]
          idr1Line = e.line
        }
      case "smmuv3_write_mmio":
        guard let a = f["addr"], let v = f["val"] else { break }
        if [0x80, 0x88, 0x90].contains(a) { registerWrites[a] = (e.line, v) }
        if a == 0x20 { steps.append(.enable(v & 1 == 1)) }
      case "smmuv3_cmdq_consume":
        if let c = f["cons"] {
          let wrap = f["cons.wrap"] ?? 0
          if wrap != 0 { sawWrap = true }
          lastConsume[e.pid] = (c, wrap)
        }
      case "smmuv3_cmdq_opcode":
        var name = e.arguments.trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("<---") { name = String(name.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
        if name.hasPrefix("SMMU_CMD_") { name = String(name.dropFirst(9)) }
        let consumed = lastConsume.removeValue(forKey: e.pid)
        pendingCommands.append(
          PendingCommand(
            line: e.line, time: e.time, name: name, slot: consumed.map { Int($0.cons) }, wrap: consumed?.wrap)
        )
        openCommand[e.pid] = pendingCommands.count - 1
        steps.append(.command(pendingCommands.count - 1))
      case "smmuv3_cmdq_cfgi_ste", "smmuv3_cmdq_cfgi_ste_range", "smmuv3_cmdq_cfgi_cd",
        "smmuv3_cmdq_tlbi_nh_asid", "smmuv3_s1_range_inval", "smmuv3_range_inval", "smmuv3_cmdq_tlbi_nh",
        "smmuv3_cmdq_tlbi_s12_vmid":
        if let i = openCommand[e.pid], pendingCommands[i].aux[e.name] == nil {
          pendingCommands[i].aux[e.name] = f
        }
      case "smmuv3_config_cache_hit", "smmuv3_config_cache_miss":
        let hit = e.name.hasSuffix("hit")
        if hit { caches.qemuConfigHits += 1 } else { caches.qemuConfigMisses += 1 }
        pendingTranslation[e.pid, default: PendingTranslation()].configHit = hit
      case "smmu_iotlb_lookup_hit", "smmu_iotlb_lookup_miss":
        let hit = e.name.hasSuffix("hit")
        if hit { caches.qemuTLBHits += 1 } else { caches.qemuTLBMisses += 1 }
        pendingTranslation[e.pid, default: PendingTranslation()].tlbHit = hit
        pendingTranslation[e.pid]?.inWalk = !hit
      case "smmu_iotlb_inv_all":
        if pendingTranslation[e.pid]?.inWalk == true { caches.qemuTLBFullFlushes += 1 }
      case "smmu_get_pte", "smmu_ptw_level", "smmu_ptw_page_pte":
        let address: UInt64?
        switch e.name {
        case "smmu_get_pte": address = f["pteaddr"]
        case "smmu_ptw_level":
          guard let b = f["baseaddr"], let o = f["offset"] else { address = nil; break }
          let (a, past) = b.addingReportingOverflow(o * 8)
          guard !past else {
            throw ImportError(
              file: trace.path, line: e.line, "baseaddr=\(hex(b)) + offset=\(o) * 8 is past 2^64")
          }
          address = a
        default: address = f["pte@"]
        }
        guard let address, let pte = f["pte"] else { break }
        var p = pendingTranslation[e.pid, default: PendingTranslation()]
        if p.descriptors[address] == nil { p.descriptorOrder.append(address) }
        p.descriptors[address] = pte
        pendingTranslation[e.pid] = p
      case "smmuv3_get_cd", "smmuv3_decode_cd_tt", "smmuv3_find_ste_2lvl":
        if let dump, let m = checkConfig(e, f, dump, dumpStreams) { configMismatches.append(m) }
      case "smmuv3_translate_success", "smmuv3_translate_abort", "smmuv3_translate_bypass",
        "smmuv3_translate_disable":
        guard let sid = f["sid"], let iova = f["iova"] ?? f["addr"] else {
          throw ImportError(file: trace.path, line: e.line, "\(e.name) without sid= and iova=")
        }
        let p = pendingTranslation.removeValue(forKey: e.pid) ?? PendingTranslation()
        let outcome: ImportedTranslation.QEMUOutcome
        let write: Bool
        switch e.name {
        case "smmuv3_translate_success":
          guard let pa = f["translated"] ?? f["pa"] else {
            throw ImportError(file: trace.path, line: e.line, "smmuv3_translate_success without translated=")
          }
          outcome = .translated(pa)
          write = (f["perm"] ?? 1) & 2 != 0
        case "smmuv3_translate_abort":
          outcome = .aborted
          write = f["is_write"] == 1
        default:
          outcome = .bypassed
          write = f["is_write"] == 1
        }
        raw.append(
          RawTranslation(
            line: e.line, time: e.time, sid: UInt32(truncatingIfNeeded: sid), iova: iova, write: write,
            qemu: outcome, configHit: p.configHit, tlbHit: p.tlbHit,
            descriptors: p.descriptorOrder.map { ($0, p.descriptors[$0]!) }))
        steps.append(.translation(raw.count - 1))
      case QEMUTrace.qwordWriteEvent:
        guard let a = f["addr"], let old = f["old"], let new = f["new"], a % 8 == 0 else {
          throw ImportError(
            file: trace.path, line: e.line, "\(e.name) needs addr= (8-byte aligned), old= and new=")
        }
        writes.append((e.line, a, old, new))
        steps.append(.write(line: e.line, address: a, new: new))
      default: break
      }
    }

    // Registers: the trace's last writes must match the dump's README.
    if let dump {
      let names: [UInt64: String] = [0x80: "STRTAB_BASE", 0x88: "STRTAB_BASE_CFG", 0x90: "CMDQ_BASE"]
      for (offset, w) in registerWrites.sorted(by: { $0.key < $1.key }) {
        guard let name = names[offset], let expected = dump.registers[name] else { continue }
        let mask: UInt64 = offset == 0x88 ? 0xFFFF_FFFF : ~0
        if w.value & mask != expected & mask {
          throw ImportError(
            file: trace.path, line: w.line,
            "the guest wrote \(name)=\(hex(w.value)) but \(dump.readmePath) line "
              + "\(dump.registerLines[name] ?? 0) says \(hex(expected)): the dumps are not from this run")
        }
      }
    }

    // Commands: operands from the ring where it holds the consumed command.
    let ring = dump?.commandRing
    var ringCount: Int?
    var ringCounts: [String: Int]?
    if let ring {
      var counts: [String: Int] = [:]
      var n = 0
      for q in ring where q[0] != 0 || q[1] != 0 {
        n += 1
        counts[
          qemuCommandNames[UInt8(q[0] & 0xFF)] ?? String(format: "OP_0x%02X", Int(q[0] & 0xFF)), default: 0] +=
          1
      }
      ringCount = n
      ringCounts = counts
    }
    var commands: [ImportedCommand] = []
    commands.reserveCapacity(pendingCommands.count)
    let ringName = dump?.commandRingName ?? "cmdq.bin"
    for p in pendingCommands {
      var command: Command?
      var source = ImportedCommand.Source.trace
      var usedSlot: Int?
      if let ring, let slot = p.slot {
        let s = slot & (ring.count - 1)
        let q = ring[s]
        if q[0] != 0 || q[1] != 0 {
          let ringName0 = qemuCommandNames[UInt8(q[0] & 0xFF)] ?? "opcode \(hex(q[0] & 0xFF))"
          if ringName0 == p.name {
            command = CommandEncoding.decode(q)
            source = .ring
            usedSlot = s
            if let c = command, let why = operandMismatch(c, p.aux) {
              throw ImportError(
                file: trace.path, line: p.line,
                "\(ringName) slot \(s) holds \(c.description) but the trace's operands say \(why)")
            }
          } else if !sawWrap {
            throw ImportError(
              file: trace.path, line: p.line,
              "the trace consumed \(p.name) from slot \(s) but \(ringName) holds \(ringName0) there: "
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
    if let ringCount {
      let fromRing = commands.filter { $0.source == .ring }.count
      if ringCount > fromRing {
        notes.append("\(ringCount - fromRing) ring slots hold commands the trace never consumed")
      }
      if commands.count > fromRing {
        notes.append(
          "\(commands.count - fromRing) commands were consumed after the ring dump (or from overwritten "
            + "slots): operands from the trace lines")
      }
    }

    // Features, as QEMU advertised them.
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
    if let i0 = idr0 {
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
    if let i1 = idr1 {
      features.sidBits = Int(i1 & 0x3F)
      features.ssidBits = Int((i1 >> 6) & 0x1F)
      guard features.sidBits <= 32, features.ssidBits <= 20 else {
        throw ImportError(
          file: trace.path, line: idr1Line,
          "IDR1=\(hex(i1)): SIDSIZE \(features.sidBits) / SSIDSIZE \(features.ssidBits) is out of range "
            + "(at most 32 / 20)")
      }
    }

    // The SMMU and its memory: the dumps, with the trace's pseudo-writes undone.
    var smmu = SMMU(features: features)
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
    if !steps.contains(where: { if case .enable = $0 { true } else { false } }) { smmu.setEnabled(true) }

    // Pass 2: the replay.
    var translations: [ImportedTranslation] = []
    translations.reserveCapacity(raw.count)
    var hazards: [ImportedHazard] = []
    var seeded = 0
    var unmaps = 0
    var replayed = 0
    var hazardCount = 0
    let initialSMMU = smmu
    var state = ReplayState()
    for step in steps {
      let applied = try apply(step, to: &smmu, state: &state, commands: commands, raw: raw, trace: trace)
      let line = applied.line
      let time = applied.time
      if case .translation(let i) = step, let result = applied.result {
        let r = raw[i]
        let steKey = "\(ConfigCacheKey.ste(sid: r.sid)) cached"
        let cdKey = "\(ConfigCacheKey.cd(sid: r.sid, ssid: 0)) cached"
        let configHit = result.path.contains(steKey) && result.path.contains(cdKey)
        let it = ImportedTranslation(
          traceLine: r.line, time: r.time, sid: r.sid, iova: r.iova, write: r.write, qemu: r.qemu,
          qemuConfigHit: r.configHit, qemuTLBHit: r.tlbHit, model: result.outcome,
          modelServedBy: result.servedBy, modelConfigHit: configHit, phase: phases.phase(at: r.time))
        translations.append(it)
        if configHit { caches.modelConfigHits += 1 } else { caches.modelConfigMisses += 1 }
        let modelTLBHit = result.servedBy == "TLB"
        if let q = r.tlbHit {
          if q && !modelTLBHit { caches.tlbHitQEMUOnly += 1 }
          if !q && modelTLBHit { caches.tlbHitModelOnly += 1 }
        }
        if let q = r.configHit {
          if q && !configHit { caches.configHitQEMUOnly += 1 }
          if !q && configHit { caches.configHitModelOnly += 1 }
        }
      }
      if smmu.hazards.count > hazardCount {
        for h in smmu.hazards[hazardCount...] {
          hazards.append(ImportedHazard(hazard: h, traceLine: line, phase: phases.phase(at: time)))
        }
        hazardCount = smmu.hazards.count
      }
    }
    seeded = state.seeded
    unmaps = state.unmaps
    replayed = state.replayed
    smmu.settle()
    if smmu.hazards.count > hazardCount {
      for h in smmu.hazards[hazardCount...] {
        hazards.append(ImportedHazard(hazard: h, traceLine: trace.events.last?.line ?? 0, phase: "(end)"))
      }
    }
    caches.modelConfigCache = smmu.configCache.stats
    caches.modelTLB = smmu.tlb.stats

    // The final tables, decoded with the project's own decoders.
    var streams: [ImportedStream] = []
    var otherAbort = 0
    let translatedSIDs = Set(raw.map(\.sid))
    if let dump {
      for s in dump.streamEntries {
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
          cd = dump.entry(s.ste.contextPointer).map { ContextDescriptor(qwords: $0) }
        }
        streams.append(
          ImportedStream(sid: s.sid, steAddress: s.address, ste: s.ste, cd0: cd, cd0Address: cdAddress))
      }
    }
    let pointers = streams.compactMap(\.cd0Address)
    let cdDesign: String =
      pointers.isEmpty ? "none" : Set(pointers).count == pointers.count ? "per-master" : "shared"

    if smmu.counters.commandErrors > 0 {
      notes.append(
        "the model's command queue met \(smmu.counters.commandErrors) illegal command(s) (CERROR_ILL); "
          + "first: \(smmu.commandError ?? "acknowledged")")
    }
    if !configMismatches.isEmpty {
      notes.append(
        "\(configMismatches.count) QEMU configuration fetches disagree with the final dump (tables changed "
          + "during the run), first: \(configMismatches[0])")
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

    return ImportResult(
      tracePath: trace.path, memoryDirectory: dump?.directory,
      traceLines: trace.events.last?.line ?? 0, eventCounts: eventCounts, unknownEvents: trace.unknownEvents,
      idr0: idr0, idr1: idr1, features: features, streamTableBase: dump?.registers["STRTAB_BASE"],
      streamTableConfig: dump?.registers["STRTAB_BASE_CFG"], commands: commands, ringCommandCount: ringCount,
      ringCounts: ringCounts, phases: [ConsolePhases.beforeFirstMark] + phases.marks.map(\.label),
      streams: streams, otherAbortStreams: otherAbort, cdDesign: cdDesign, translations: translations,
      caches: caches, hazards: hazards, seededDescriptors: seeded, inferredUnmaps: unmaps,
      qwordWrites: writes.count, commandsReplayed: replayed, notes: notes,
      replay: ReplayScript(initial: initialSMMU, steps: steps, raw: raw, trace: trace))
  }

  /// What the replay carries from step to step.
  struct ReplayState {
    var asidRoots: [UInt16: Set<UInt64>] = [:]
    var seeded = 0
    var unmaps = 0
    var replayed = 0
  }

  /// Applies one step of the replay to the model; returns the step's trace line and time, and
  /// the model's result for a translation.
  static func apply(
    _ step: Step, to smmu: inout SMMU, state: inout ReplayState, commands: [ImportedCommand],
    raw: [RawTranslation], trace: QEMUTrace
  ) throws(ImportError) -> (line: Int, time: Double?, result: TranslationResult?) {
    switch step {
    case .enable(let on):
      smmu.setEnabled(on)
      return (0, nil, nil)
    case .write(let l, let address, let new):
      do { try smmu.write(address, new, writer: "trace") } catch {
        throw ImportError(file: trace.path, line: l, "store to \(hex(address)): \(error)")
      }
      return (l, trace.events.first(where: { $0.line == l })?.time, nil)
    case .command(let i):
      let c = commands[i]
      guard let cmd = c.command else { return (c.traceLine, c.time, nil) }
      state.unmaps += inferUnmap(cmd, &smmu, state.asidRoots)
      smmu.submit([cmd])
      state.replayed += 1
      return (c.traceLine, c.time, nil)
    case .translation(let i):
      let r = raw[i]
      for (address, value) in r.descriptors {
        if smmu.memory.allocation(containing: address) == nil {
          let page = address & ~(PhysicalMemory.pageSize - 1)
          let owner = "page table (from QEMU walks)"
          if (try? smmu.allocate(at: page, bytes: PhysicalMemory.pageSize, purpose: .pageTable, owner: owner))
            == nil
          {
            _ = try? smmu.allocate(at: address, bytes: 8, purpose: .pageTable, owner: owner)
          }
        }
        if (try? smmu.read(address)) != value {
          _ = try? smmu.write(address, value, writer: "trace walk")
          state.seeded += 1
        }
      }
      let result = smmu.translate(Transaction(sid: r.sid, address: r.iova, write: r.write))
      if let cd = currentCD0(sid: r.sid, smmu), cd.isValid {
        state.asidRoots[cd.asidValue, default: []].insert(cd.tableAddress)
      }
      return (r.line, r.time, result)
    }
  }
}
