extension SMMU {
  /// Submits commands to the command queue; they are consumed in order. An illegal command
  /// stops consumption (CERROR_ILL): it and everything after it wait in `heldCommands` until
  /// `acknowledgeCommandError()`.
  package mutating func submit(_ commands: [Command]) {
    for c in commands { submit(c) }
  }

  /// Submits one command (see `submit(_:)` of a list).
  package mutating func submit(_ c: Command) {
    if commandError != nil {
      heldCommands.append(c)
      return
    }
    if let reason = illegality(of: c) {
      commandError = "CERROR_ILL: \(c.description): \(reason)"
      counters.commandErrors += 1
      heldCommands.append(c)
      return
    }
    consume(c)
  }

  /// Acknowledges a command error (GERRORN): the bad command is skipped and the rest resumes.
  package mutating func acknowledgeCommandError() {
    guard commandError != nil else { return }
    commandError = nil
    var rest = heldCommands
    heldCommands = []
    if !rest.isEmpty { rest.removeFirst() }
    submit(rest)
  }

  /// Why a command is illegal on this SMMU, or nil.
  func illegality(of c: Command) -> String? {
    switch c {
    case .cfgiCD, .cfgiCDAll, .tlbiNHASID, .tlbiNHVA, .tlbiNHVAA:
      if !features.stage1 { return "no stage 1" }
    case .tlbiS12VMAll, .tlbiS2IPA:
      if !features.stage2 { return "no stage 2" }
    case .atcInv:
      if !features.ats { return "no ATS" }
    default: break
    }
    switch c {
    case .tlbiNHVA(_, _, _, _, let r?), .tlbiNHVAA(_, _, _, let r?), .tlbiS2IPA(_, _, _, let r?):
      if r.tg != 0 && r.num == 0 && r.scale == 0 && r.ttl == 0 { return "range TLBI with NUM=SCALE=TTL=0" }
    default: break
    }
    return nil
  }

  mutating func consume(_ c: Command) {
    counters.commandCounts.add(c)
    commandLog.append(c)
    if commandLog.count >= 2 * logLimit { commandLog.removeFirst(commandLog.count - logLimit) }
    switch c {
    case .prefetchConfig(let sid, _): prefetch(sid: sid)
    case .cfgiSTE(let sid, let leaf):
      let l1 = sid >> UInt32(streamTableSplit)
      configCache.invalidate { key, _ in
        switch key {
        case .ste(let s), .cd(let s, _), .l1cd(let s, _): s == sid
        case .l1std(let i): !leaf && i == Int(l1)
        }
      }
    case .cfgiSTERange(let sid, let range):
      if range >= 31 {
        configCache.invalidate { _, _ in true }
      } else {
        let n = UInt64(1) << UInt64(range + 1)
        let start = UInt64(sid) & ~(n - 1)
        let split = UInt64(streamTableSplit)
        configCache.invalidate { key, _ in
          if let s = key.sid { return UInt64(s) >= start && UInt64(s) < start + n }
          if case .l1std(let i) = key {
            return UInt64(i) >= start >> split && UInt64(i) <= (start + n - 1) >> split
          }
          return false
        }
      }
    case .cfgiCD(let sid, let ssid, let leaf):
      configCache.invalidate { key, _ in
        switch key {
        case .cd(let s, let ss): s == sid && ss == ssid
        case .l1cd(let s, let i): !leaf && s == sid && (i == Int(ssid >> 10) || i == Int(ssid >> 6))
        default: false
        }
      }
    case .cfgiCDAll(let sid):
      configCache.invalidate { key, _ in
        switch key {
        case .cd(let s, _), .l1cd(let s, _): s == sid
        default: false
        }
      }
    case .tlbiNHAll(let vmid):
      tlb.invalidate { k, _ in k.kind != .stage2 && k.vmid == vmid }
    case .tlbiNHASID(let vmid, let asid):
      tlb.invalidate { k, _ in
        (k.kind == .stage1 || k.kind == .nested) && k.vmid == vmid && k.asid == asid
      }
    case .tlbiNHVA(let vmid, let asid, let address, _, let range):
      let pages = Self.pageSpan(address, range)
      tlb.invalidate { k, _ in
        guard k.kind != .stage2, k.vmid == vmid, pages.contains(k.page) else { return false }
        return k.kind == .stage1Global || k.asid == asid
      }
    case .tlbiNHVAA(let vmid, let address, _, let range):
      let pages = Self.pageSpan(address, range)
      tlb.invalidate { k, _ in k.kind != .stage2 && k.vmid == vmid && pages.contains(k.page) }
    case .tlbiS12VMAll(let vmid):
      tlb.invalidate { k, _ in k.vmid == vmid }
    case .tlbiS2IPA(let vmid, let address, _, let range):
      let pages = Self.pageSpan(address, range)
      // Need not remove combined S1+S2 entries: the model keeps them (the minimal scope).
      tlb.invalidate { k, _ in k.kind == .stage2 && k.vmid == vmid && pages.contains(k.page) }
    case .tlbiNSNHAll:
      tlb.invalidate { _, _ in true }
    case .tlbiEL2All, .tlbiEL2ASID, .tlbiEL2VA, .tlbiEL2VAA:
      break  // The model holds no EL2 entries: logged, no effect.
    case .atcInv(let sid, let ssid, let address, let size):
      let all = size >= 52
      let span = UInt64(4096) << UInt64(min(size, 51))
      let start = address & ~(span - 1)
      atcs[sid]?.invalidate { k, _ in
        (ssid == nil || k.ssid == ssid) && (all || (k.page << 12 >= start && (k.page << 12) - start < span))
      }
    case .sync:
      closeUpdateWindow()
    }
  }

  /// Page numbers a TLBI covers: one page, or (NUM+1)*2^SCALE granules from the address.
  /// TG = 0 means a single address, whatever NUM and SCALE hold.
  static func pageSpan(_ address: UInt64, _ range: TLBIRange?) -> ClosedRange<UInt64> {
    let first = address >> 12
    guard let range, range.tg != 0, range.bytes > 0 else { return first...first }
    let (end, overflow) = address.addingReportingOverflow(range.bytes - 1)
    return first...((overflow ? .max : end) >> 12)
  }

  /// PREFETCH_CFG: fetch the STE into the configuration cache. Never records events. With
  /// `cachesInvalidEntries` off, an STE that is invalid or ILLEGAL is not cached.
  mutating func prefetch(sid: UInt32) {
    guard enabled else { return }
    var lookup = ConfigLookup(recordsPath: false)
    guard case .ste(let address, _) = locateSTE(sid: sid, useCaches: true, &lookup) else { return }
    let q = fetchLine(.ste(sid: sid), address: address, qwords: 8, useCaches: true, &lookup)
    let usable =
      q.map { StreamTableEntry(qwords: $0) }.map { $0.isValid && steIllegality($0) == nil } ?? false
    apply(lookup, configError: !usable)
  }
}
