import Foundation
import SMMUModel

/// A command reconstructed from a QEMU trace: its opcode from the trace's
/// `smmuv3_cmdq_opcode` line, its operands from the dumped command ring when the ring slot
/// (the trace's `cons` index) holds it, else from the trace's operand lines.
public struct ImportedCommand: Sendable, Hashable {
  /// Where the operands came from.
  public enum Source: String, Sendable, Hashable { case ring, trace }
  public let traceLine: Int
  public let time: Double?
  /// QEMU's name without `SMMU_CMD_`, e.g. "CFGI_STE", "TLBI_NH_VA", "SYNC".
  public let name: String
  /// The decoded command (nil when the operands are unknown, e.g. PREFETCH_CONFIG from the
  /// trace alone, or an opcode the model does not implement).
  public let command: Command?
  public let ringSlot: Int?
  public let source: Source
  public let phase: String
}

/// One translation QEMU reported, and what the model made of it.
public struct ImportedTranslation: Sendable, Hashable {
  public enum QEMUOutcome: Sendable, Hashable {
    case translated(UInt64)
    case aborted
    case bypassed
  }
  public let traceLine: Int
  public let time: Double?
  public let sid: UInt32
  public let iova: UInt64
  public let write: Bool
  public let qemu: QEMUOutcome
  /// QEMU's configuration-cache and IOTLB outcome for it (nil when not traced).
  public let qemuConfigHit: Bool?
  public let qemuTLBHit: Bool?
  public let model: TranslationResult.Outcome
  /// "TLB", "walk", "bypass", "-".
  public let modelServedBy: String
  /// STE and CD 0 both came from the model's configuration cache (QEMU's notion of a hit).
  public let modelConfigHit: Bool
  public let phase: String

  /// The model produced QEMU's result.
  public var matches: Bool {
    switch (qemu, model) {
    case (.translated(let a), .translated(let b)): a == b
    case (.aborted, .aborted): true
    case (.bypassed, .bypassed): true
    default: false
    }
  }
}

/// A hazard the model reported during the replay, with where in the trace.
public struct ImportedHazard: Sendable, Hashable {
  public let hazard: Hazard
  public let traceLine: Int
  public let phase: String
}

/// One stream's configuration in the final dump.
public struct ImportedStream: Sendable, Hashable {
  public let sid: UInt32
  public let steAddress: UInt64
  public let ste: StreamTableEntry
  /// CD 0 (QEMU 7.2 has SSIDSIZE=0 and reads only CD 0) when dumped.
  public let cd0: ContextDescriptor?
  public let cd0Address: UInt64?
}

/// Cache figures side by side.
public struct ImportCacheFigures: Sendable, Hashable {
  public var qemuConfigHits = 0
  public var qemuConfigMisses = 0
  public var qemuTLBHits = 0
  public var qemuTLBMisses = 0
  /// `smmu_iotlb_inv_all` inside a translation: QEMU's flush of the whole IOTLB when full.
  public var qemuTLBFullFlushes = 0
  /// Per translation: STE and CD 0 both served by the model's configuration cache.
  public var modelConfigHits = 0
  public var modelConfigMisses = 0
  /// The model's raw configuration-cache counters (L1STD, STE and CD lines each count).
  public var modelConfigCache = CacheStats()
  public var modelTLB = CacheStats()
  /// Translations where QEMU and the model disagree about hitting.
  public var tlbHitQEMUOnly = 0
  public var tlbHitModelOnly = 0
  public var configHitQEMUOnly = 0
  public var configHitModelOnly = 0
}

/// Everything reconstructed from a QEMU trace and its memory dumps.
public struct ImportResult: Sendable {
  public let tracePath: String
  public let memoryDirectory: String?
  public let traceLines: Int
  public let eventCounts: [String: Int]
  public let unknownEvents: [String: Int]
  /// IDR0 and IDR1 as the guest read them (nil when not traced).
  public let idr0: UInt64?
  public let idr1: UInt64?
  public let features: SMMUFeatures
  public let streamTableBase: UInt64?
  public let streamTableConfig: UInt64?
  public let commands: [ImportedCommand]
  /// Non-empty slots of the dumped ring and their counts by name (nil without a ring dump).
  public let ringCommandCount: Int?
  public let ringCounts: [String: Int]?
  public let phases: [String]
  /// Streams whose STE is not abort, or that carried translations; the rest are counted.
  public let streams: [ImportedStream]
  public let otherAbortStreams: Int
  /// "per-master", "shared" or "none".
  public let cdDesign: String
  public let translations: [ImportedTranslation]
  public let caches: ImportCacheFigures
  public let hazards: [ImportedHazard]
  /// Descriptors written into the model's page tables from QEMU's walk lines.
  public let seededDescriptors: Int
  /// Leaf descriptors cleared at a TLBI_NH_VA (the unmap the invalidation implies).
  public let inferredUnmaps: Int
  /// `smmuscope_qword_write` pseudo-events applied.
  public let qwordWrites: Int
  /// Commands consumed by the model (the rest had unknown operands).
  public let commandsReplayed: Int
  public let notes: [String]
  /// What the explorer's timeline replays step by step.
  public let replay: ReplayScript

  /// Command counts by QEMU name.
  public var commandCounts: [String: Int] {
    commands.reduce(into: [:]) { $0[$1.name, default: 0] += 1 }
  }

  /// Command counts by phase, phases in time order.
  public var commandsByPhase: [(phase: String, counts: [String: Int])] {
    phases.compactMap { p in
      let c = commands.filter { $0.phase == p }.reduce(into: [String: Int]()) { $0[$1.name, default: 0] += 1 }
      return c.isEmpty ? nil : (p, c)
    }
  }
}

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
    var caches = ImportCacheFigures()
    var notes: [String] = []
    var configMismatches: [String] = []
    var sawWrap = false
    let dumpStreams = dump?.streamEntries ?? []

    for e in trace.events {
      eventCounts[e.name, default: 0] += 1
      let f = e.fields
      switch e.name {
      case "smmuv3_read_mmio":
        if f["addr"] == 0x0, idr0 == nil { idr0 = f["val"] }
        if f["addr"] == 0x4, idr1 == nil { idr1 = f["val"] }
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
        case "smmu_ptw_level": address = f["baseaddr"].flatMap { b in f["offset"].map { b + $0 * 8 } }
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

  // MARK: Helpers

  /// Allocates and fills the dumped regions in the model's memory.
  private static func loadDump(
    _ dump: MemoryDump, initial: [UInt64: UInt64], into smmu: inout SMMU, trace: QEMUTrace
  ) throws(ImportError) {
    // What each region holds, from the registers and the tables.
    var purpose: [UInt64: (MemoryPurpose, String, UInt64)] = [:]
    if let st = dump.regionContaining(dump.streamTableAddress) {
      purpose[st.address] =
        dump.twoLevel ? (.streamTableL1, "stream table L1", 0) : (.streamTable, "stream table", 0)
    }
    for l2 in dump.l2Tables {
      if let r = dump.regionContaining(l2.address) {
        purpose[r.address] = (.streamTable, "stream table L2 from sid \(hex(l2.firstSID))", l2.firstSID)
      }
    }
    if let base = dump.registers["CMDQ_BASE"], let r = dump.regionContaining(base & 0x000F_FFFF_FFFF_FFE0) {
      purpose[r.address] = (.queue, "command queue", 0)
    }
    var cdOwners: [UInt64: [UInt32]] = [:]
    for s in dump.streamEntries where s.ste.isValid && s.ste.configValue == .s1Translate {
      if let r = dump.regionContaining(s.ste.contextPointer), purpose[r.address] == nil {
        cdOwners[r.address, default: []].append(s.sid)
      }
    }
    for (a, sids) in cdOwners {
      let who = sids.map { hex(UInt64($0)) }.joined(separator: ",")
      purpose[a] = (.cdTable, "cd-table of sid \(who)", 0)
    }
    for r in dump.regions {
      let (p, owner, first) = purpose[r.address] ?? (.data, r.name, 0)
      do {
        _ = try smmu.allocate(at: r.address, bytes: r.bytes, purpose: p, owner: owner, firstIndex: first)
        var q = r.qwords
        for (a, v) in initial where r.contains(a) { q[Int((a - r.address) / 8)] = v }
        try smmu.preload(r.address, q)
      } catch {
        throw ImportError(
          file: dump.readmePath, line: r.line, "cannot place \(r.name) at \(hex(r.address)): \(error)")
      }
    }
  }

  /// CD 0 of a stream as the model's memory holds it now.
  private static func currentCD0(sid: UInt32, _ smmu: SMMU) -> ContextDescriptor? {
    let st = smmu.streamTableBase
    let cfg = smmu.streamTableBaseConfig
    var steAddress: UInt64
    if (cfg >> 16) & 3 == 1 {
      let split = UInt32((cfg >> 6) & 0x1F)
      guard let d = try? smmu.read(st + UInt64(sid >> split) * 8), d & 0x1F != 0 else { return nil }
      steAddress = (d & 0x000F_FFFF_FFFF_FFC0) + UInt64(sid & ((1 << split) - 1)) * 64
    } else {
      steAddress = st + UInt64(sid) * 64
    }
    guard let q = try? smmu.memory.readEntry(steAddress) else { return nil }
    let ste = StreamTableEntry(qwords: q)
    guard ste.isValid, ste.configValue == .s1Translate || ste.configValue == .nested,
      let c = try? smmu.memory.readEntry(ste.contextPointer)
    else { return nil }
    return ContextDescriptor(qwords: c)
  }

  /// Clears the leaf descriptors a TLBI_NH_VA/VAA covers in the page tables of its ASID (the
  /// unmap a strict-mode invalidation follows). Returns how many were cleared.
  private static func inferUnmap(_ c: Command, _ smmu: inout SMMU, _ roots: [UInt16: Set<UInt64>]) -> Int {
    let address: UInt64
    let range: TLBIRange?
    let tables: Set<UInt64>
    switch c {
    case .tlbiNHVA(_, let asid, let a, _, let r):
      address = a
      range = r
      tables = roots[asid] ?? []
    case .tlbiNHVAA(_, let a, _, let r):
      address = a
      range = r
      tables = roots.values.reduce(into: Set<UInt64>()) { $0.formUnion($1) }
    default: return 0
    }
    let pages = range.map { r in (r.bytes + 4095) / 4096 } ?? 1
    var cleared = 0
    for root in tables {
      for p in 0..<min(pages, 1 << 16) {
        let va = address + p * 4096
        var table = root
        var slot: UInt64?
        for level in 0..<PageTableFormat.levels {
          let s = table + UInt64(PageTableFormat.index(va, level: level) * 8)
          guard let d = try? smmu.read(s), d & 3 == 3 else { break }
          if level == PageTableFormat.levels - 1 { slot = s } else { table = d & PageTableFormat.addressMask }
        }
        if let slot {
          _ = try? smmu.write(slot, 0, writer: "unmap (inferred from TLBI)")
          cleared += 1
        }
      }
    }
    return cleared
  }

  /// A command rebuilt from the trace's operand lines (QEMU 7.2 logs no Leaf or SSID).
  static func commandFromTrace(_ name: String, _ aux: [String: [String: UInt64]]) -> Command? {
    let inval = aux["smmuv3_s1_range_inval"] ?? aux["smmuv3_range_inval"]
    switch name {
    case "SYNC": return .sync
    case "CFGI_STE":
      return aux["smmuv3_cmdq_cfgi_ste"]?["streamid"].map {
        .cfgiSTE(sid: UInt32(truncatingIfNeeded: $0), leaf: false)
      }
    case "CFGI_STE_RANGE":
      guard let f = aux["smmuv3_cmdq_cfgi_ste_range"], let s = f["start"], let e = f["end"], e >= s else {
        return nil
      }
      let n = e - s + 1
      let range = n >= 1 << 32 || e == 0xFFFF_FFFF ? 31 : max(0, 63 - n.leadingZeroBitCount - 1)
      return .cfgiSTERange(sid: UInt32(truncatingIfNeeded: s), range: range)
    case "CFGI_CD":
      return aux["smmuv3_cmdq_cfgi_cd"]?["sid"].map {
        .cfgiCD(sid: UInt32(truncatingIfNeeded: $0), ssid: 0, leaf: false)
      }
    case "CFGI_CD_ALL":
      return aux["smmuv3_cmdq_cfgi_cd"]?["sid"].map { .cfgiCDAll(sid: UInt32(truncatingIfNeeded: $0)) }
    case "TLBI_NH_ASID":
      return aux["smmuv3_cmdq_tlbi_nh_asid"]?["asid"].map {
        .tlbiNHASID(vmid: 0, asid: UInt16(truncatingIfNeeded: $0))
      }
    case "TLBI_NH_ALL":
      return .tlbiNHAll(vmid: UInt16(truncatingIfNeeded: aux["smmuv3_cmdq_tlbi_nh"]?["vmid"] ?? 0))
    case "TLBI_NSNH_ALL": return .tlbiNSNHAll
    case "TLBI_S12_VMALL":
      return aux["smmuv3_cmdq_tlbi_s12_vmid"]?["vmid"].map {
        .tlbiS12VMAll(vmid: UInt16(truncatingIfNeeded: $0))
      }
    case "TLBI_NH_VA", "TLBI_NH_VAA":
      guard let f = inval, let a = f["addr"] else { return nil }
      let vmid = UInt16(truncatingIfNeeded: f["vmid"] ?? 0)
      let leaf = f["leaf"] == 1
      var range: TLBIRange?
      if let n = f["num_pages"], n > 1 {
        let scale = n.trailingZeroBitCount
        let num = Int(n >> UInt64(scale)) - 1
        range =
          num < 32 ? TLBIRange(num: num, scale: scale, tg: Int(f["tg"] ?? 1), ttl: Int(f["ttl"] ?? 0)) : nil
      }
      if name == "TLBI_NH_VAA" { return .tlbiNHVAA(vmid: vmid, address: a, leaf: leaf, range: range) }
      return .tlbiNHVA(
        vmid: vmid, asid: UInt16(truncatingIfNeeded: f["asid"] ?? 0), address: a, leaf: leaf, range: range)
    case "TLBI_EL2_ALL": return .tlbiEL2All
    default: return nil
    }
  }

  /// Where a ring command's operands contradict the trace's operand lines, or nil.
  static func operandMismatch(_ c: Command, _ aux: [String: [String: UInt64]]) -> String? {
    let inval = aux["smmuv3_s1_range_inval"] ?? aux["smmuv3_range_inval"]
    switch c {
    case .cfgiSTE(let sid, _):
      if let s = aux["smmuv3_cmdq_cfgi_ste"]?["streamid"], s != UInt64(sid) { return "streamid=\(hex(s))" }
    case .cfgiCD(let sid, _, _), .cfgiCDAll(let sid):
      if let s = aux["smmuv3_cmdq_cfgi_cd"]?["sid"], s != UInt64(sid) { return "sid=\(hex(s))" }
    case .tlbiNHASID(_, let asid):
      if let a = aux["smmuv3_cmdq_tlbi_nh_asid"]?["asid"], a != UInt64(asid) { return "asid=\(a)" }
    case .tlbiNHVA(_, let asid, let address, _, _):
      if let f = inval {
        if let a = f["asid"], a != UInt64(asid) { return "asid=\(a)" }
        if let a = f["addr"], a != address { return "addr=\(hex(a))" }
      }
    default: break
    }
    return nil
  }

  /// A QEMU configuration fetch that disagrees with the final dump, described, or nil.
  private static func checkConfig(
    _ e: QEMUTraceEvent, _ f: [String: UInt64], _ dump: MemoryDump, _ streams: [MemoryDump.StreamEntry]
  ) -> String? {
    switch e.name {
    case "smmuv3_find_ste_2lvl":
      guard let l1 = f["l1ptr"], let off = f["l1_off"], let l2 = f["l2ptr"],
        let d = dump.qword(l1 + off * 8)
      else { return nil }
      let dumped = d & 0x000F_FFFF_FFFF_FFC0
      return dumped == l2 ? nil : "line \(e.line): L1[\(off)] l2ptr \(hex(l2)), dump has \(hex(dumped))"
    case "smmuv3_get_cd":
      guard let a = f["addr"] else { return nil }
      let used = streams.contains { $0.ste.isValid && $0.ste.contextPointer == a }
      return used ? nil : "line \(e.line): CD at \(hex(a)) is no dumped STE's S1ContextPtr"
    default:
      guard let ttb = f["ttb"] else { return nil }
      let used = streams.contains { s in
        guard s.ste.isValid, s.ste.configValue == .s1Translate, let q = dump.entry(s.ste.contextPointer)
        else {
          return false
        }
        return ContextDescriptor(qwords: q).tableAddress == ttb
      }
      return used ? nil : "line \(e.line): TTB0 \(hex(ttb)) is in no dumped CD"
    }
  }
}
