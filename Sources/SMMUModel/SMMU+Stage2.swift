/// Stage 2: the final IPA's translation (through the TLB), and in nested mode the stage-2
/// walks of the addresses stage 1 reads (L1CD and CD fetches, stage-1 tables): the 2-D walk.
extension SMMU {
  /// Records in `r` a stage-2 fault as the architecture records it: S2=1, CLASS and the
  /// faulting IPA; gated by STE.S2R/S2S like any translation fault (F_WALK_EABT always records).
  func stage2Fault(
    _ type: EventType, _ t: Transaction, ste: StreamTableEntry, ipa: UInt64, eventClass: EventClass,
    _ r: inout Resolution
  ) {
    let record = ste[StreamTableEntry.s2r] == 1 || ste[StreamTableEntry.s2s] == 1 || !type.isTranslationFault
    r.outcome = .aborted
    r.configError = false
    let why =
      eventClass == .input
      ? Self.walkReason(type) : "stage 2 of the \(eventClass == .cd ? "CD fetch" : "table") IPA \(hex(ipa))"
    r.lookup.record { $0.fail(type, recorded: record, reason: why) }
    if record {
      r.event = Event(
        type: type, sid: t.sid, ssid: t.ssid, address: t.address, stage2: true, read: !t.write,
        eventClass: eventClass, ipa: ipa)
    }
  }

  /// The stage-2 walk (no TLB) of an address stage 1 reads in nested mode; counts its reads.
  /// Returns the PA, or the fault (the caller reports it with CLASS=CD or TT).
  func stage2Walk(_ ipa: UInt64, ste: StreamTableEntry, _ r: inout Resolution) -> (
    pa: UInt64?, fault: EventType?, walk: WalkResult
  ) {
    guard let format = s2Format(ste), ipa >> UInt64(format.inputSize) == 0 else {
      return (nil, .fTranslation, WalkResult())
    }
    let w = PageTableWalker.walk(
      root: ste.s2TableAddress, address: ipa, stage2: true, memory: memory, format: format,
      recordLevels: r.lookup.recording)
    for i in 0..<4 { r.walkReads[i] += w.readsPerLevel[i] }
    r.lookup.note(.walk(stage2: true, root: ste.s2TableAddress, reads: w.readsPerLevel.total))
    if let f = w.fault { return (nil, Self.eventType(f), w) }
    guard let out = w.outputPage else { return (nil, .fTranslation, w) }
    return (out | (ipa & ((UInt64(1) << UInt64(w.leafShift)) - 1)), nil, w)
  }

  /// Records a stage-2 sub-walk's levels as steps translating step `translates`.
  func recordSubWalk(
    _ w: WalkResult, ste: StreamTableEntry, ipa: UInt64, translates: Int, _ r: inout Resolution
  ) {
    guard r.lookup.recording, let format = s2Format(ste) else { return }
    for l in w.levels {
      r.lookup.record {
        $0.append(Self.levelStep(l, input: ipa, stage2: true, format: format, translates: translates))
      }
    }
  }

  /// Nested mode: the PA of a configuration structure at `ipa`, or nil after recording the
  /// stage-2 fault (CLASS=CD) in `r`. A structure the configuration cache holds needs none.
  func structureAddress(
    _ key: ConfigCacheKey, ipa: UInt64, _ t: Transaction, ste: StreamTableEntry, useCaches: Bool,
    _ r: inout Resolution
  ) -> UInt64? {
    if useCaches && configCache.peek(key) != nil { return ipa }
    let s = stage2Walk(ipa, ste: ste, &r)
    let next = (r.lookup.walkBox?.value.steps.count ?? 0) + s.walk.levels.count
    recordSubWalk(s.walk, ste: ste, ipa: ipa, translates: next, &r)
    if let fault = s.fault {
      stage2Fault(fault, t, ste: ste, ipa: ipa, eventClass: .cd, &r)
      return nil
    }
    return s.pa
  }

  /// Stage-2 translation of `input` (an IPA) through the STE's S2 table (the final IPA, or a
  /// stage-2-only stream's input), in `r`: CLASS=IN faults.
  func stage2(
    _ t: Transaction, ste: StreamTableEntry, vmid: UInt16, input: UInt64, _ r: inout Resolution,
    fillTLB: Bool = true
  ) {
    func fail(_ type: EventType) {
      stage2Fault(type, t, ste: ste, ipa: input, eventClass: .input, &r)
    }
    guard let format = s2Format(ste) else { return fail(.fTranslation) }
    // Beyond the S2T0SZ input range: a translation fault.
    guard input >> UInt64(format.inputSize) == 0 else { return fail(.fTranslation) }
    let key = TLBKey(kind: .stage2, vmid: vmid, asid: 0, page: input >> 12)
    let root = ste.s2TableAddress
    if fillTLB { r.root = root }
    let found = fillTLB ? tlbFind(.stage2, vmid: vmid, asid: 0, address: input) : nil
    if let (hitKey, hit) = found {
      r.tlbKey = hitKey
      r.tlbHit = hit
      r.servedBy = "TLB"
      r.lookup.note(.tlbHit(hitKey))
      r.lookup.record { $0.append(Self.tlbStep(hitKey, hit: hit)) }
      if t.write && !hit.writable { return fail(.fPermission) }
      r.outcome = .translated(hit.outputPage | (input & hitKey.offsetMask))
      return
    }
    if fillTLB && r.lookup.recording {
      r.lookup.record { $0.append(Self.tlbStep(key, hit: nil)) }
    }
    let w = PageTableWalker.walk(
      root: root, address: input, stage2: true, memory: memory, format: format,
      recordLevels: r.lookup.recording)
    if r.lookup.recording {
      for l in w.levels {
        r.lookup.record { $0.append(Self.levelStep(l, input: input, stage2: true, format: format)) }
      }
    }
    for i in 0..<4 { r.walkReads[i] += w.readsPerLevel[i] }
    r.lookup.note(.walk(stage2: true, root: root, reads: w.readsPerLevel.total))
    if let fault = w.fault { return fail(Self.eventType(fault)) }
    guard let out = w.outputPage else { return fail(.fTranslation) }
    if t.write && !w.writable { return fail(.fPermission) }
    if fillTLB {
      r.tlbKey = TLBKey(kind: .stage2, vmid: vmid, asid: 0, page: input >> 12, shift: w.leafShift)
      r.tlbFill = TLBEntry(outputPage: out, writable: w.writable, root: root)
      r.servedBy = "walk"
    }
    r.stage2Writable = w.writable
    r.stage2Shift = w.leafShift
    r.outcome = .translated(out | (input & ((UInt64(1) << UInt64(w.leafShift)) - 1)))
  }

  /// The TLB entry (of any size the TLB holds) covering `address` for the tags, if any.
  func tlbFind(_ kind: TLBKey.Kind, vmid: UInt16, asid: UInt16, address: UInt64) -> (TLBKey, TLBEntry)? {
    var shifts = tlbShifts
    while shifts != 0 {
      let s = shifts.trailingZeroBitCount
      shifts &= shifts - 1
      let key = TLBKey(kind: kind, vmid: vmid, asid: asid, page: address >> 12, shift: s)
      if let e = tlb.peek(key) { return (key, e) }
    }
    return nil
  }
}
