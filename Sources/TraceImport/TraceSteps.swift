import Foundation
import SMMUModel
import Scenario

/// Pass 1 of an import: the trace read into typed steps (commands, translations, table
/// stores, SMMUEN changes) in trace order, with what the trace says about each, before any
/// model exists. Pure: it reads events and the dump, it replays nothing.
struct TraceSteps {
  /// A command as the trace shows it (operands from its `smmuv3_cmdq_*` lines).
  struct PendingCommand {
    var line: Int
    var time: Double?
    var name: String
    var slot: Int?
    var wrap: UInt64?
    var aux: [String: [String: UInt64]] = [:]
  }

  /// What a thread's events say about the translation it is doing.
  struct PendingTranslation {
    var configHit: Bool?
    var tlbHit: Bool?
    var descriptors: [UInt64: UInt64] = [:]
    var descriptorOrder: [UInt64] = []
    var inWalk = false
  }

  /// A `smmuscope_qword_write` pseudo-event: its line, address, old and new values.
  typealias QwordWrite = (line: Int, address: UInt64, old: UInt64, new: UInt64)

  let path: String
  var eventCounts: [String: Int] = [:]
  var commands: [PendingCommand] = []
  var translations: [ImportReplay.RawTranslation] = []
  var steps: [ImportReplay.Step] = []
  var writes: [QwordWrite] = []
  /// The last write to STRTAB_BASE, STRTAB_BASE_CFG and CMDQ_BASE, by register offset.
  var registerWrites: [UInt64: (line: Int, value: UInt64)] = [:]
  var idr0: UInt64?
  var idr1: UInt64?
  var idr1Line: Int?
  /// QEMU's cache figures (the model's are added by the replay).
  var caches = ImportCacheFigures()
  var configMismatches: [String] = []
  /// The command queue's consumer wrapped (ring slots were reused).
  var sawWrap = false
  private var lastConsume: [Int: (cons: UInt64, wrap: UInt64)] = [:]
  private var openCommand: [Int: Int] = [:]
  private var pending: [Int: PendingTranslation] = [:]

  /// Reads every event of `trace`; `dump` (when given) is checked against the configuration
  /// fetches.
  init(_ trace: QEMUTrace, dump: MemoryDump?) throws(ImportError) {
    path = trace.path
    let dumpStreams = dump?.streamEntries ?? []
    for e in trace.events {
      eventCounts[e.name, default: 0] += 1
      let f = e.fields
      try ImportReplay.checkOperands(e, f, path: trace.path)
      switch e.name {
      case "smmuv3_read_mmio", "smmuv3_write_mmio": readRegister(e, f)
      case "smmuv3_cmdq_consume", "smmuv3_cmdq_opcode", "smmuv3_cmdq_cfgi_ste", "smmuv3_cmdq_cfgi_ste_range",
        "smmuv3_cmdq_cfgi_cd", "smmuv3_cmdq_tlbi_nh_asid", "smmuv3_s1_range_inval", "smmuv3_range_inval",
        "smmuv3_cmdq_tlbi_nh", "smmuv3_cmdq_tlbi_s12_vmid":
        readCommand(e, f)
      case "smmuv3_config_cache_hit", "smmuv3_config_cache_miss", "smmu_iotlb_lookup_hit",
        "smmu_iotlb_lookup_miss", "smmu_iotlb_inv_all":
        readCache(e)
      case "smmu_get_pte", "smmu_ptw_level", "smmu_ptw_page_pte": try readWalk(e, f)
      case "smmuv3_get_cd", "smmuv3_decode_cd_tt", "smmuv3_find_ste_2lvl":
        if let dump, let m = ImportReplay.checkConfig(e, f, dump, dumpStreams) { configMismatches.append(m) }
      case "smmuv3_translate_success", "smmuv3_translate_abort", "smmuv3_translate_bypass",
        "smmuv3_translate_disable":
        try readTranslation(e, f)
      case QEMUTrace.qwordWriteEvent:
        guard let a = f["addr"], let old = f["old"], let new = f["new"], a % 8 == 0 else {
          throw ImportError(file: path, line: e.line, "\(e.name) needs addr= (8-byte aligned), old= and new=")
        }
        writes.append((e.line, a, old, new))
        steps.append(.write(line: e.line, address: a, new: new))
      default: break
      }
    }
  }

  /// IDR0/IDR1 reads (the first of each), the table and queue base writes, SMMUEN.
  private mutating func readRegister(_ e: QEMUTraceEvent, _ f: [String: UInt64]) {
    if e.name == "smmuv3_read_mmio" {
      if f["addr"] == 0x0, idr0 == nil { idr0 = f["val"] }
      if f["addr"] == 0x4, idr1 == nil {
        idr1 = f["val"]
        idr1Line = e.line
      }
      return
    }
    guard let a = f["addr"], let v = f["val"] else { return }
    if [0x80, 0x88, 0x90].contains(a) { registerWrites[a] = (e.line, v) }
    if a == 0x20 { steps.append(.enable(v & 1 == 1)) }
  }

  /// The consumer index, the opcode line that starts a command, and its operand lines.
  private mutating func readCommand(_ e: QEMUTraceEvent, _ f: [String: UInt64]) {
    switch e.name {
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
      commands.append(
        PendingCommand(
          line: e.line, time: e.time, name: name, slot: consumed.map { Int($0.cons) }, wrap: consumed?.wrap))
      openCommand[e.pid] = commands.count - 1
      steps.append(.command(commands.count - 1))
    default:
      if let i = openCommand[e.pid], commands[i].aux[e.name] == nil { commands[i].aux[e.name] = f }
    }
  }

  /// QEMU's configuration-cache and IOTLB lookups (and its full-IOTLB flush inside a walk).
  private mutating func readCache(_ e: QEMUTraceEvent) {
    let hit = e.name.hasSuffix("hit")
    switch e.name {
    case "smmuv3_config_cache_hit", "smmuv3_config_cache_miss":
      if hit { caches.qemuConfigHits += 1 } else { caches.qemuConfigMisses += 1 }
      pending[e.pid, default: PendingTranslation()].configHit = hit
    case "smmu_iotlb_lookup_hit", "smmu_iotlb_lookup_miss":
      if hit { caches.qemuTLBHits += 1 } else { caches.qemuTLBMisses += 1 }
      pending[e.pid, default: PendingTranslation()].tlbHit = hit
      pending[e.pid]?.inWalk = !hit
    default:
      if pending[e.pid]?.inWalk == true { caches.qemuTLBFullFlushes += 1 }
    }
  }

  /// A descriptor QEMU read during a walk: its address and value.
  private mutating func readWalk(_ e: QEMUTraceEvent, _ f: [String: UInt64]) throws(ImportError) {
    let address: UInt64?
    switch e.name {
    case "smmu_get_pte": address = f["pteaddr"]
    case "smmu_ptw_level":
      guard let b = f["baseaddr"], let o = f["offset"] else { return }
      let (a, past) = b.addingReportingOverflow(o * 8)
      guard !past else {
        throw ImportError(file: path, line: e.line, "baseaddr=\(hex(b)) + offset=\(o) * 8 is past 2^64")
      }
      address = a
    default: address = f["pte@"]
    }
    guard let address, let pte = f["pte"] else { return }
    var p = pending[e.pid, default: PendingTranslation()]
    if p.descriptors[address] == nil { p.descriptorOrder.append(address) }
    p.descriptors[address] = pte
    pending[e.pid] = p
  }

  /// The end of a translation: QEMU's outcome, with what its thread's events said about it.
  private mutating func readTranslation(_ e: QEMUTraceEvent, _ f: [String: UInt64]) throws(ImportError) {
    guard let sid = f["sid"], let iova = f["iova"] ?? f["addr"] else {
      throw ImportError(file: path, line: e.line, "\(e.name) without sid= and iova=")
    }
    let p = pending.removeValue(forKey: e.pid) ?? PendingTranslation()
    let outcome: ImportedTranslation.QEMUOutcome
    let write: Bool
    switch e.name {
    case "smmuv3_translate_success":
      guard let pa = f["translated"] ?? f["pa"] else {
        throw ImportError(file: path, line: e.line, "smmuv3_translate_success without translated=")
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
    translations.append(
      ImportReplay.RawTranslation(
        line: e.line, time: e.time, sid: UInt32(truncatingIfNeeded: sid), iova: iova, write: write,
        qemu: outcome, configHit: p.configHit, tlbHit: p.tlbHit,
        descriptors: p.descriptorOrder.map { ($0, p.descriptors[$0]!) }))
    steps.append(.translation(translations.count - 1))
  }
}
