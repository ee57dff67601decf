import Foundation
import SMMUModel
import Scenario

extension ImportReplay {
  // MARK: Helpers

  /// Allocates and fills the dumped regions in the model's memory.
  static func loadDump(
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
  static func currentCD0(sid: UInt32, _ smmu: SMMU) -> ContextDescriptor? {
    guard let steAddress = smmu.steAddress(sid: sid), let q = try? smmu.memory.readEntry(steAddress) else {
      return nil
    }
    let ste = StreamTableEntry(qwords: q)
    guard ste.isValid, ste.configValue == .s1Translate || ste.configValue == .nested,
      let c = try? smmu.memory.readEntry(ste.contextPointer)
    else { return nil }
    return ContextDescriptor(qwords: c)
  }

  /// Clears the leaf descriptors a TLBI_NH_VA/VAA covers in the page tables of its ASID (the
  /// unmap a strict-mode invalidation follows). Returns how many were cleared.
  static func inferUnmap(_ c: Command, _ smmu: inout SMMU, _ roots: [UInt16: Set<UInt64>]) -> Int {
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
        let (va, past) = address.addingReportingOverflow(p * 4096)
        if past { break }
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

  /// The largest value each numeric trace operand may have (the architecture's field widths):
  /// anything larger is an error naming the line, so no operand is truncated.
  static let operandLimits: [String: (max: UInt64, why: String)] = [
    "sid": (0xFFFF_FFFF, "stream IDs have at most 32 bits"),
    "streamid": (0xFFFF_FFFF, "stream IDs have at most 32 bits"),
    "start": (0xFFFF_FFFF, "stream IDs have at most 32 bits"),
    "end": (0xFFFF_FFFF, "stream IDs have at most 32 bits"),
    "ssid": ((1 << 20) - 1, "substream IDs have at most 20 bits"),
    "asid": (0xFFFF, "ASIDs have at most 16 bits"),
    "vmid": (0xFFFF, "VMIDs have at most 16 bits"),
    "prod": (0xFFFF_FFFF, "queue indexes are 32-bit register values"),
    "cons": (0xFFFF_FFFF, "queue indexes are 32-bit register values"),
    "offset": (0xFFFF_FFFF, "a table offset is a 32-bit index"),
    "l1_off": (0xFFFF_FFFF, "an L1 offset is a 32-bit index"),
  ]

  /// Checks an event's operands against `operandLimits`.
  static func checkOperands(_ e: QEMUTraceEvent, _ f: [String: UInt64], path: String) throws(ImportError) {
    for (name, v) in f {
      guard let limit = operandLimits[name], v > limit.max else { continue }
      throw ImportError(file: path, line: e.line, "\(name)=\(hex(v)) is out of range: \(limit.why)")
    }
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
      let (n, wide) = (e - s).addingReportingOverflow(1)
      let range = wide || n >= 1 << 32 || e == 0xFFFF_FFFF ? 31 : max(0, 63 - n.leadingZeroBitCount - 1)
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
        let num = n >> UInt64(scale) <= 32 ? Int(n >> UInt64(scale)) - 1 : 32
        let tg = Int((f["tg"] ?? 1) & 3)
        let ttl = Int((f["ttl"] ?? 0) & 3)
        range = num < 32 && scale < 32 ? TLBIRange(num: num, scale: scale, tg: tg, ttl: ttl) : nil
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
  static func checkConfig(
    _ e: QEMUTraceEvent, _ f: [String: UInt64], _ dump: MemoryDump, _ streams: [MemoryDump.StreamEntry]
  ) -> String? {
    switch e.name {
    case "smmuv3_find_ste_2lvl":
      guard let l1 = f["l1ptr"], let off = f["l1_off"], let l2 = f["l2ptr"], off < 1 << 32,
        case (let a, false) = l1.addingReportingOverflow(off * 8), let d = dump.qword(a)
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
