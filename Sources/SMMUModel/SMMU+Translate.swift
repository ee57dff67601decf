extension SMMU {
  /// Outcome of the pure part of a translation.
  struct Resolution {
    var outcome: TranslationResult.Outcome = .aborted
    var event: Event?
    var lookup = ConfigLookup()
    var servedBy = "-"
    var tlbKey: TLBKey?
    var tlbHit: TLBEntry?
    var tlbFill: TLBEntry?
    /// Translation-table root the final stage used.
    var root: UInt64?
    var walkReads = LevelCounts()
    var configError = false
    /// The STE allows ATS (EATS = TRANS), so the endpoint may cache the result.
    var atsAllowed = false
    /// Stage-2 write permission of the last stage-2 translation (true when none ran).
    var stage2Writable = true
    /// log2 of the leaf size of the last stage-2 translation.
    var stage2Shift = 64
    /// A stage-1 (CD.S) or stage-2 (STE.S2S) translation fault stalls the transaction.
    var stallS1 = false
    var stallS2 = false
    /// A stage-1-only stream's walk as its STE and CD decided it, once the lookup reached the TLB.
    var stage1: Stage1Walk?
  }

  /// Resolves a transaction against the current memory and (optionally) caches, without
  /// changing anything. The hazard checks run it a second time with caches off: the truth.
  func resolve(_ t: Transaction, useCaches: Bool, recordWalk: Bool = false) -> Resolution {
    var memo: LegalityMemo?
    return resolve(t, useCaches: useCaches, recordWalk: recordWalk, memo: &memo)
  }

  /// `resolve(_:useCaches:recordWalk:)`, checking legality through `memo` when there is one.
  func resolve(
    _ t: Transaction, useCaches: Bool, recordWalk: Bool = false, memo: inout LegalityMemo?
  ) -> Resolution {
    var r = Resolution()
    resolve(t, useCaches: useCaches, recordWalk: recordWalk, memo: &memo, into: &r)
    return r
  }

  /// Resolves into `r`, a fresh `Resolution()`: built in place, so no step of the lookup copies
  /// the (large) resolution to return or extend it.
  func resolve(
    _ t: Transaction, useCaches: Bool, recordWalk: Bool, memo: inout LegalityMemo?, into r: inout Resolution
  ) {
    if recordWalk {
      var walk = TranslationWalk(transaction: t)
      walk.append(Self.transactionStep(t))
      r.lookup.walkBox = WalkBox(walk)
    }
    // Only the cached resolution's path is shown; the truth's is not kept.
    r.lookup.recordsPath = useCaches
    // SMMUEN=0: GBPA decides; nothing is looked up, cached or recorded (IHI 0070 §3.3.2 GBPA).
    guard enabled else {
      if features.gbpaAbort {
        r.servedBy = "GBPA"
        r.lookup.note("SMMUEN=0, GBPA.ABORT=1: aborted, no event")
        r.lookup.record {
          $0.fail(nil, recorded: false, reason: "SMMUEN=0 and GBPA.ABORT=1: aborted without an event")
        }
      } else {
        r.outcome = .bypassed(t.address)
        r.servedBy = "bypass"
      }
      return
    }
    func fail(
      _ type: EventType, record: Bool = true, address: UInt64? = nil, fetch: UInt64? = nil, why: String? = nil
    ) {
      fault(type, t, &r, record: record, address: address, fetch: fetch, why: why)
    }
    // 1-2. Stream table.
    let steAddress: UInt64
    switch locateSTE(sid: t.sid, useCaches: useCaches, &r.lookup) {
    case .badStreamID: return fail(.cBadStreamID, record: features.recordInvalidSID)
    case .fetchAbort(let a): return fail(.fSTEFetch, fetch: a)
    case .ste(let a, _): steAddress = a
    }
    guard let q = fetchLine(.ste(sid: t.sid), address: steAddress, qwords: 8, useCaches: useCaches, &r.lookup)
    else { return fail(.fSTEFetch, fetch: steAddress) }
    let ste = StreamTableEntry(qwords: q)
    typealias S = StreamTableEntry
    r.lookup.record { $0.annotateLast(Self.steFields(ste, ssv: t.ssid != nil)) }
    let steIllegal = ste.isValid ? illegalRow(ste, &memo) : nil
    guard ste.isValid, steIllegal == nil else {
      let reason = steIllegal.map { IllegalCondition.ste[$0].reason } ?? ""
      return fail(.cBadSTE, why: ste.isValid ? "ILLEGAL STE: \(reason)" : "STE.V=0")
    }
    let config = ste.configValue
    r.atsAllowed = ste[S.eats] == S.eatsTrans
    let s2 = config == .s2Translate || config == .nested
    let vmid = UInt16(ste[S.s2vmid])
    r.stallS2 = stallsOnFault(ste[S.s2s])
    switch config {
    case .abort:
      r.outcome = .aborted
      r.lookup.note("STE abort: no event")
      r.lookup.record { $0.fail(nil, recorded: false, reason: "STE.Config=abort: aborted without an event") }
      return
    case .bypass:
      if t.ssid != nil { return fail(.cBadSubstreamID) }
      // An address beyond the IAS (stage 1 bypassed) is never truncated: F_ADDR_SIZE.
      guard t.address >> UInt64(features.oas) == 0 else {
        return fail(.fAddrSize, address: t.address)
      }
      r.outcome = .bypassed(t.address)
      r.servedBy = "bypass"
      return
    case .s2Translate:
      if t.ssid != nil { return fail(.cBadSubstreamID) }
      guard t.address >> UInt64(features.oas) == 0 else { return fail(.fAddrSize, address: t.address) }
      return stage2(t, ste: ste, vmid: vmid, input: t.address, &r)
    case .s1Translate, .nested: break
    }
    // 3. Substream selection.
    let s1cdmax = Int(ste[S.s1cdmax])
    let substreams = features.ssidBits > 0 && s1cdmax > 0
    var index: UInt32 = 0
    if let ssid = t.ssid {
      guard substreams, Int(ssid) < 1 << s1cdmax else { return fail(.cBadSubstreamID) }
      if ste.s1dssValue == .ssid0 && ssid == 0 { return fail(.fStreamDisabled) }
      index = ssid
    } else if substreams {
      switch ste[S.s1dss] {
      case S.S1DSS.bypass.rawValue:
        r.lookup.note("S1DSS bypass: stage 1 skipped")
        r.lookup.record { $0.annotateLast([], note: "SSV=0 and S1DSS=bypass: stage 1 skipped, no CD read") }
        guard t.address >> UInt64(features.oas) == 0 else { return fail(.fAddrSize, address: t.address) }
        if s2 { return stage2(t, ste: ste, vmid: vmid, input: t.address, &r) }
        guard t.address >> UInt64(features.oas) == 0 else {
          return fail(.fAddrSize, address: t.address)
        }
        r.outcome = .bypassed(t.address)
        r.servedBy = "bypass"
        return
      case S.S1DSS.ssid0.rawValue: index = 0
      default: return fail(.fStreamDisabled)
      }
    }
    // 4. CD location.
    let ptr = ste.contextPointer
    var cdAddress = ptr + UInt64(index) * 64
    if let shift = Self.cdLeafShift(s1fmt: ste[S.s1fmt], substreams: substreams) {
      let l1i = Int(index) >> shift
      let l1ipa = ptr + UInt64(l1i * 8)
      let l1key = ConfigCacheKey.l1cd(sid: t.sid, index: l1i)
      guard
        let l1a = s2 ? structureAddress(l1key, ipa: l1ipa, t, ste: ste, useCaches: useCaches, &r) : l1ipa
      else { return }
      guard let d = fetchLine(l1key, address: l1a, qwords: 1, useCaches: useCaches, &r.lookup)
      else { return fail(.fCDFetch, fetch: l1a) }
      r.lookup.record {
        $0.annotateLast(
          [
            WalkField("V", String(d[0] & 1), decided: true),
            WalkField("L2Ptr", hex(d[0] & CDTable.l1L2Ptr.mask), decided: true),
          ], note: "SSID bits \(s1cdmax - 1):\(shift) = \(l1i)")
      }
      guard d[0] & 1 == 1 else { return fail(.cBadSubstreamID, why: "L1CD.V=0") }
      cdAddress = (d[0] & CDTable.l1L2Ptr.mask) + UInt64(Int(index) & ((1 << shift) - 1)) * 64
    }
    let cdKey = ConfigCacheKey.cd(sid: t.sid, ssid: index)
    if s2 {
      guard let pa = structureAddress(cdKey, ipa: cdAddress, t, ste: ste, useCaches: useCaches, &r) else {
        return
      }
      cdAddress = pa
    }
    guard let cq = fetchLine(cdKey, address: cdAddress, qwords: 8, useCaches: useCaches, &r.lookup)
    else { return fail(.fCDFetch, fetch: cdAddress) }
    let cd = ContextDescriptor(qwords: cq)
    typealias C = ContextDescriptor
    r.lookup.record { $0.annotateLast(Self.cdFields(cd), note: "CD index \(index)") }
    let cdIllegal = cd.isValid ? illegalRow(cd, ste: ste, &memo) : nil
    guard cd.isValid, cdIllegal == nil else {
      let reason = cdIllegal.map { IllegalCondition.cd[$0].reason } ?? ""
      return fail(.cBadCD, why: cd.isValid ? "ILLEGAL CD: \(reason)" : "CD.V=0")
    }
    r.stallS1 = stallsOnFault(cd[C.s])
    // 5. Stage 1 TLB, then walk.
    let kind: TLBKey.Kind = s2 ? .nested : .stage1
    let s1 = Stage1Walk(
      regime: stage1Regime(cd, ste: ste, address: t.address), kind: kind, vmid: vmid, asid: cd.asidValue,
      recordsFaults: cd[C.r] == 1 || cd[C.s] == 1)
    r.root = s1.regime.root
    // What a TLB hit's truth may walk again (`stage1Truth`).
    if !s2 { r.stage1 = s1 }
    // Two plain lookups, not `??`: its autoclosure would capture (copy) the whole SMMU.
    var found: (TLBKey, TLBEntry)?
    if useCaches {
      found = tlbFind(kind, vmid: vmid, asid: s1.asid, address: t.address)
      if found == nil { found = tlbFind(.stage1Global, vmid: vmid, asid: 0, address: t.address) }
    }
    if let (hitKey, hit) = found {
      r.tlbKey = hitKey
      r.tlbHit = hit
      r.servedBy = "TLB"
      r.lookup.note(.tlbHit(hitKey))
      r.lookup.record { $0.append(Self.tlbStep(hitKey, hit: hit)) }
      if t.write && !hit.writable {
        return fault(.fPermission, t, &r, record: s1.recordsFaults, address: t.address)
      }
      r.outcome = .translated(hit.outputPage | (t.address & hitKey.offsetMask))
      return
    }
    if useCaches {
      r.lookup.record {
        $0.append(
          Self.tlbStep(TLBKey(kind: kind, vmid: vmid, asid: s1.asid, page: t.address >> 12), hit: nil))
      }
    }
    walk(t, s1, nested: s2 ? ste : nil, &r)
  }

  /// What a stage-1 TLB miss walks, as the STE and CD decided it.
  struct Stage1Walk {
    var regime: Stage1Regime
    /// `.stage1`, or `.nested` for a combined entry (Config = nested).
    var kind: TLBKey.Kind
    var vmid: UInt16
    var asid: UInt16
    /// CD.R or CD.S: the stage-1 translation faults are recorded.
    var recordsFaults: Bool
  }

  /// Aborts the transaction in `r` with an event of `type` (unless `record` is false).
  func fault(
    _ type: EventType, _ t: Transaction, _ r: inout Resolution, record: Bool = true, address: UInt64? = nil,
    fetch: UInt64? = nil, why: String? = nil
  ) {
    r.outcome = .aborted
    r.configError = !type.isTranslationFault
    r.lookup.record { $0.fail(type, recorded: record, reason: why ?? Self.walkReason(type)) }
    if record {
      r.event = Event(
        type: type, sid: t.sid, ssid: t.ssid, address: address, fetchAddress: fetch, stage2: false,
        read: !t.write, eventClass: type.isTranslationFault || type == .fWalkEABT ? .input : nil)
    }
  }

  /// The stage-1 walk after a TLB miss, its outcome and the TLB entry it fills, in `r`. With
  /// the STE of a `nested` stream, each table address and the output are IPAs its stage 2
  /// translates (the 2-D walk).
  func walk(_ t: Transaction, _ s1: Stage1Walk, nested: StreamTableEntry?, _ r: inout Resolution) {
    let regime = s1.regime
    let s2 = nested != nil
    let half = regime.upper ? "1" : "0"
    if regime.disabled {
      return fault(
        .fTranslation, t, &r, record: s1.recordsFaults, address: t.address,
        why: "CD.EPD\(half)=1 and the TLB missed")
    }
    if regime.outOfRange {
      return fault(
        .fTranslation, t, &r, record: s1.recordsFaults, address: t.address,
        why: "address beyond the CD's T\(half)SZ range")
    }
    // Nested: each table address is an IPA, walked through stage 2 first (the 2-D walk).
    var subWalks: [(level: Int, ipa: UInt64, walk: WalkResult)] = []
    var tableFault: (type: EventType, ipa: UInt64)?
    // Only a nested walk passes a closure: one calling `stage2Walk` captures (copies) the
    // whole SMMU, which a stage-1 walk has no need to pay for.
    let w: WalkResult
    if let ste = nested {
      w = PageTableWalker.walk(
        root: regime.root, address: regime.walkAddress, stage2: false, memory: memory, format: regime.format,
        recordLevels: r.lookup.recording
      ) { ipa, level in
        let s = stage2Walk(ipa, ste: ste, &r)
        if r.lookup.recording { subWalks.append((level, ipa, s.walk)) }
        if let f = s.fault { tableFault = (f, ipa) }
        return s.pa
      }
    } else {
      w = PageTableWalker.walk(
        root: regime.root, address: regime.walkAddress, stage2: false, memory: memory, format: regime.format,
        recordLevels: r.lookup.recording)
    }
    if r.lookup.recording {
      for l in w.levels {
        // Sub-walks come only from a nested walk's stage 2.
        if let ste = nested {
          for sub in subWalks where sub.level == l.level {
            let next = (r.lookup.walkBox?.value.steps.count ?? 0) + sub.walk.levels.count
            recordSubWalk(sub.walk, ste: ste, ipa: sub.ipa, translates: next, &r)
          }
        }
        r.lookup.record {
          $0.append(Self.levelStep(l, input: t.address, stage2: false, format: regime.format))
        }
      }
      // A stage-2 fault on a table address: its sub-walk has no stage-1 read after it.
      if let last = subWalks.last, let ste = nested, !w.levels.contains(where: { $0.level == last.level }) {
        recordSubWalk(last.walk, ste: ste, ipa: last.ipa, translates: -1, &r)
      }
    }
    for i in 0..<4 { r.walkReads[i] += w.readsPerLevel[i] }
    r.lookup.note(.walk(stage2: false, root: regime.root, reads: w.readsPerLevel.total))
    if let tf = tableFault, let ste = nested {
      return stage2Fault(tf.type, t, ste: ste, ipa: tf.ipa, eventClass: .tt, &r)
    }
    if let f = w.fault {
      // A/R/S gate only the four translation faults; F_WALK_EABT always records.
      let type = Self.eventType(f)
      return fault(type, t, &r, record: s1.recordsFaults || !type.isTranslationFault, address: t.address)
    }
    guard let leaf = w.outputPage else {
      return fault(.fTranslation, t, &r, record: s1.recordsFaults, address: t.address)
    }
    if t.write && !w.writable {
      return fault(.fPermission, t, &r, record: s1.recordsFaults, address: t.address)
    }
    var shift = w.leafShift
    let ipa = leaf | (t.address & ((UInt64(1) << UInt64(shift)) - 1))
    var out = leaf
    if let ste = nested {
      stage2(t, ste: ste, vmid: s1.vmid, input: ipa, &r, fillTLB: false)
      guard case .translated(let pa) = r.outcome else { return }
      // A combined entry covers the smaller of the two leaves.
      shift = min(shift, r.stage2Shift)
      out = pa & ~((UInt64(1) << UInt64(shift)) - 1)
    }
    r.tlbKey = TLBKey(
      kind: w.global && !s2 ? .stage1Global : s1.kind, vmid: s1.vmid, asid: w.global && !s2 ? 0 : s1.asid,
      page: t.address >> 12, shift: shift)
    // A combined S1+S2 entry is writable only if both stages allow writes.
    r.tlbFill = TLBEntry(outputPage: out, writable: w.writable && r.stage2Writable, root: regime.root)
    r.servedBy = "walk"
    r.outcome = .translated(out | (t.address & ((UInt64(1) << UInt64(shift)) - 1)))
  }

  /// The outcome and final table root of the cache-less resolution (the hazard checks' truth):
  /// all they read of it, so the whole resolution is not copied out.
  func resolveTruth(_ t: Transaction, memo: inout LegalityMemo?) -> (
    outcome: TranslationResult.Outcome, root: UInt64?
  ) {
    var r = Resolution()
    resolve(t, useCaches: false, recordWalk: false, memo: &memo, into: &r)
    return (r.outcome, r.root)
  }

  /// The truth of a stage-1-only resolution whose configuration lines were each the line
  /// memory holds at the address the lookup computed (a fill or a fresh hit): the cache-less
  /// resolution reads the same STE and CD, so decides the same walk `s1`, and only that walk
  /// is run again (`resolveTruth` would read every structure again to the same end).
  func stage1Truth(_ t: Transaction, _ s1: Stage1Walk) -> (outcome: TranslationResult.Outcome, root: UInt64?)
  {
    var r = Resolution()
    r.lookup.recordsPath = false
    walk(t, s1, nested: nil, &r)
    return (r.outcome, s1.regime.root)
  }

  /// `steIllegalRow(ste)`, through `memo` when there is one.
  func illegalRow(_ ste: StreamTableEntry, _ memo: inout LegalityMemo?) -> Int? {
    memo == nil ? steIllegalRow(ste) : memo!.steRow(ste, on: self)
  }

  /// `cdIllegalRow(cd, ste:)`, through `memo` when there is one.
  func illegalRow(_ cd: ContextDescriptor, ste: StreamTableEntry, _ memo: inout LegalityMemo?) -> Int? {
    memo == nil ? cdIllegalRow(cd, ste: ste) : memo!.cdRow(cd, ste: ste, on: self)
  }

  /// Moves the legality memo out of the SMMU, so a resolution may update it while it reads
  /// the SMMU; `keepLegality` puts it back.
  mutating func takeLegality() -> LegalityMemo? {
    let memo = legality
    legality = LegalityMemo()
    return memo
  }

  /// Puts back the memo `takeLegality()` moved out.
  mutating func keepLegality(_ memo: LegalityMemo?) {
    if let memo { legality = memo }
  }

  static func eventType(_ f: WalkResult.Fault) -> EventType {
    switch f {
    case .translation: .fTranslation
    case .access: .fAccess
    case .addressSize: .fAddrSize
    case .external: .fWalkEABT
    }
  }

  /// Runs a transaction through the SMMU: ATC (for ATS endpoints), configuration cache,
  /// stream table, CD table, TLB and table walk. Updates caches, counters and events, and
  /// checks the result against memory to report hazards. With `recordWalk`, the result also
  /// holds the step-by-step walk (`TranslationResult.walk`).
  @discardableResult
  package mutating func translate(_ t: Transaction, recordWalk: Bool = false) -> TranslationResult {
    counters.transactions += 1
    var hazardsFound: [Hazard] = []
    // The endpoint's ATC first.
    // With SMMUEN=0 the endpoint's ATC is neither used nor filled: GBPA decides.
    let usesATS = enabled && atsEnabledStreams.contains(t.sid)
    let atcKey = ATCKey(ssid: t.ssid, page: t.address >> 12)
    // In place through an index: `atcs[sid]?.lookup` would run the dictionary's optional
    // `_modify` coroutine, whose frame is heap-allocated.
    let atcIndex = usesATS ? atcs.index(forKey: t.sid) : nil
    if let atcIndex, let hit = atcs.values[atcIndex].lookup(atcKey) {
      var memo = takeLegality()
      let truth = resolveTruth(t, memo: &memo)
      keepLegality(memo)
      if truth.outcome == .aborted || truth.outcome != .translated(hit.outputPage | (t.address & 0xFFF)) {
        let h = Hazard(
          kind: .missingInvalidation, entry: "ATC sid \(hex(UInt64(t.sid))) \(atcKey)",
          transaction: t.description,
          missing: "ATC_INV sid=\(hex(UInt64(t.sid)))" + (t.ssid.map { " ssid=\($0)" } ?? ""))
        report(h)
        hazardsFound.append(h)
      }
      let walk = recordWalk ? Self.atcWalk(t, hit: hit, key: atcKey) : nil
      if t.write && !hit.writable {
        counters.aborted += 1
        return TranslationResult(
          outcome: .aborted, event: nil, servedBy: "ATC", notes: [.atcHit(atcKey, readOnly: true)],
          hazards: hazardsFound, walkBox: walk.map(WalkBox.init))
      }
      counters.translated += 1
      return TranslationResult(
        outcome: .translated(hit.outputPage | (t.address & 0xFFF)), event: nil, servedBy: "ATC",
        notes: [.atcHit(atcKey, readOnly: false)], hazards: hazardsFound, walkBox: walk.map(WalkBox.init))
    }
    var memo = takeLegality()
    var r = Resolution()
    resolve(t, useCaches: true, recordWalk: recordWalk, memo: &memo, into: &r)
    if usesATS { r.lookup.record { $0.insertAfterTransaction(Self.atcMissStep(atcKey)) } }
    apply(&r.lookup, configError: r.configError)
    for i in 0..<4 { counters.walkReads[i] += r.walkReads[i] }
    // Hazard (a): a cached configuration entry that no longer matches memory.
    var staleHit = false
    for i in r.lookup.accesses.indices where r.lookup.accesses.isHit(i) {
      guard let line = r.lookup.accesses.line(i), line.isStale(in: memory) else { continue }
      let key = r.lookup.accesses.key(i)
      staleHit = true
      let missing: String
      switch key {
      case .ste(let sid): missing = "CFGI_STE sid=\(hex(UInt64(sid)))"
      case .l1std: missing = "CFGI_STE leaf=0"
      case .cd(let sid, let ssid): missing = "CFGI_CD sid=\(hex(UInt64(sid))) ssid=\(ssid)"
      case .l1cd(let sid, _): missing = "CFGI_CD sid=\(hex(UInt64(sid))) leaf=0"
      }
      let h = Hazard(
        kind: .missingInvalidation, entry: "\(key)", transaction: t.description, missing: missing)
      report(h)
      hazardsFound.append(h)
    }
    // Every line the lookup used is memory's at the address it computed: the cache-less
    // resolution reads the same structures.
    let configIsTruth = !staleHit && r.lookup.linesAtComputedAddresses
    if let key = r.tlbKey {
      if let hit = r.tlbHit {
        _ = tlb.lookup(key)
        // The truth, unless the entry's fill was the truth and nothing it read has changed.
        let covered =
          truthfulFill?.covers(
            t, key: key, memoryGeneration: memory.generation, streamTableBase: streamTableBase,
            streamTableBaseConfig: streamTableBaseConfig) == true
        var truth: (outcome: TranslationResult.Outcome, root: UInt64?)?
        if covered {
          truth = nil
        } else if configIsTruth, let s1 = r.stage1 {
          truth = stage1Truth(t, s1)
        } else {
          truth = resolveTruth(t, memo: &memo)
        }
        if let truth, let root = truth.root, root != hit.root, key.kind != .stage2 {
          let h = Hazard(
            kind: .asidReuse, entry: "TLB \(key) (filled from table \(hex(hit.root)))",
            transaction: t.description,
            missing: "TLBI_NH_ASID asid=\(key.asid) (the ASID now uses table \(hex(root)))")
          report(h)
          hazardsFound.append(h)
        } else if let truth, truth.root != nil, truth.outcome != r.outcome {
          let cmd = key.kind == .stage2 ? "TLBI_S2_IPA vmid=\(key.vmid)" : "TLBI_NH_VA asid=\(key.asid)"
          let h = Hazard(
            kind: .missingInvalidation, entry: "TLB \(key)", transaction: t.description,
            missing: "\(cmd) addr=\(hex(t.address & ~0xFFF))")
          report(h)
          hazardsFound.append(h)
        }
      } else if let fill = r.tlbFill {
        _ = tlb.lookup(key)
        tlb.insert(key, fill)
        tlbShifts |= 1 << UInt64(key.shift)
        let stage1Only = key.kind == .stage1 || key.kind == .stage1Global
        truthfulFill =
          stage1Only && configIsTruth
          ? TruthfulFill(
            sid: t.sid, ssid: t.ssid, key: key, memoryGeneration: memory.generation,
            streamTableBase: streamTableBase, streamTableBaseConfig: streamTableBaseConfig) : nil
      }
    }
    keepLegality(memo)
    if let e = r.event, e.type.isTranslationFault, e.stage2 ? r.stallS2 : r.stallS1 {
      (r.outcome, r.event) = holdStalled(t, e)
    }
    if let e = r.event { record(e) }
    switch r.outcome {
    case .translated(let pa):
      counters.translated += 1
      if usesATS && r.atsAllowed {
        let writable = r.tlbFill?.writable ?? r.tlbHit?.writable ?? true
        if let atcIndex {
          atcs.values[atcIndex].insert(atcKey, ATCEntry(outputPage: pa & ~0xFFF, writable: writable))
        }
      }
    case .bypassed: counters.bypassed += 1
    case .aborted: counters.aborted += 1
    case .stalled: break
    }
    let outcome = r.outcome
    r.lookup.record { $0.finish(outcome) }
    return TranslationResult(
      outcome: r.outcome, event: r.event, servedBy: r.servedBy, notes: r.lookup.path, hazards: hazardsFound,
      walkBox: r.lookup.walkBox)
  }

  /// Applies a lookup's cache traffic and fetch counts. The lookup is only read: inout because
  /// a borrowed one was copied (several hundred bytes) at every call.
  mutating func apply(_ lookup: inout ConfigLookup, configError: Bool) {
    // Every read counts as a lookup; a hit's entry is where the resolution's peek found it, a
    // fetch's (-1) a key it did not find. The cache has not changed since: these lookups come
    // before any insert.
    for i in lookup.accesses.indices {
      _ = configCache.lookup(lookup.accesses.key(i), at: lookup.accesses.entry(i))
    }
    if !configError || features.cachesInvalidEntries {
      for i in lookup.accesses.indices where !lookup.accesses.isHit(i) {
        if let line = lookup.accesses.line(i) { configCache.insert(lookup.accesses.key(i), line) }
      }
    }
    counters.steFetches += lookup.steFetches
    counters.l1stdFetches += lookup.l1stdFetches
    counters.cdFetches += lookup.cdFetches
    counters.l1cdFetches += lookup.l1cdFetches
  }
}
