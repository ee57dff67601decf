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
    let nameIndex = c.nameIndex
    if let reason = Self.illegality(of: c, nameIndex: nameIndex, features: features) {
      raiseCommandError(.ill, "CERROR_ILL: \(c.description): \(reason)")
      heldCommands.append(c)
      return
    }
    consume(c, nameIndex: nameIndex)
  }

  /// Stops the queue at the command CONS points at: CONS.ERR is set, then GERROR.CMDQ_ERR
  /// toggles (§10.16).
  mutating func raiseCommandError(_ code: CommandQueueState.ErrorCode, _ message: String) {
    commandError = message
    counters.commandErrors += 1
    commandQueue.error = code
    commandQueue.gerror.toggle()
  }

  /// What Linux's GERROR handler does for CMDQ_ERR (`arm_smmu_cmdq_skip_err`, then the
  /// GERRORN write): on CERROR_ILL the faulting command is overwritten with a CMD_SYNC (the
  /// architecture has no NOP); on CERROR_ABT and CERROR_ATC_INV_SYNC it stays, to be retried.
  /// The acknowledgement resumes consumption from CONS, so the held commands run.
  package mutating func acknowledgeCommandError() {
    guard commandError != nil else { return }
    var rest = heldCommands
    heldCommands = []
    if commandQueue.error == .ill, !rest.isEmpty { rest[0] = .sync }
    commandError = nil
    commandQueue.error = .none
    commandQueue.gerrorn = commandQueue.gerror
    submit(rest)
  }

  /// Consumes one legal command whose `nameIndex` is known (the case is told apart once).
  mutating func consume(_ c: Command, nameIndex: Int) {
    commandQueue.cons += 1
    counters.commandCounts.add(nameIndex: nameIndex)
    pending.consumed(c, nameIndex: nameIndex, sequence: commandQueue.cons)
    if keepsCommandLog { keep(c) }
    if nameIndex == Command.syncNameIndex {
      // CMD_SYNC, about half of what is consumed: no second look at the case.
      if case .syncSignal(let s) = c, s.writesMSI { writeMSI(s) }
      closeUpdateWindow()
      if observations != nil { observe(.command(c)) }
      return
    }
    switch c {
    case .prefetchConfig(let sid, _): prefetch(sid: sid)
    // Each configuration invalidation drops exactly what `Command.invalidates(_:split:)`
    // names, by key or by the SID's group (`ConfigCacheInvalidationTests`).
    case .cfgiCD(let sid, let ssid, true):
      // A leaf CFGI_CD (most of them) drops exactly one key: removed here, without a call.
      configCache.invalidate(key: .cd(sid: sid, ssid: ssid))
    case .cfgiCD(let sid, let ssid, false): configCache.invalidateCD(sid: sid, ssid: ssid, leaf: false)
    case .cfgiSTE(let sid, let leaf): configCache.invalidateSTE(sid: sid, leaf: leaf, split: streamTableSplit)
    case .cfgiCDAll(let sid): configCache.invalidateCDs(sid: sid)
    case .cfgiSTERange:
      let split = streamTableSplit
      configCache.invalidate { key, _ in c.invalidates(key, split: split) }
    case .tlbiNHAll, .tlbiNHASID, .tlbiNHVA, .tlbiNHVAA, .tlbiS12VMAll, .tlbiS2IPA, .tlbiNSNHAll:
      tlb.invalidate { k, _ in c.invalidates(k) }
    case .tlbiEL2All, .tlbiEL2ASID, .tlbiEL2VA, .tlbiEL2VAA:
      break  // The model holds no EL2 entries: logged, no effect.
    case .atcInv(let sid, _, _, _):
      if let i = atcs.index(forKey: sid) {
        atcs.values[i].invalidate { k, _ in c.invalidates(atcOf: sid, k) }
      }
    case .sync, .syncSignal:
      if let s = c.syncOperands, s.writesMSI { writeMSI(s) }
      closeUpdateWindow()
    case .resume(let sid, let stag, let retry, let abort):
      resume(sid: sid, stag: stag, action: retry ? .retry : abort ? .abort : .terminate)
    case .stallTerm(let sid):
      for s in stalledTransactions where s.sid == sid { resume(sid: sid, stag: s.stag, action: .stallTerm) }
    case .raw:
      break  // An accepted hint (PREFETCH_ADDR): no effect in the model.
    }
    // Checked here, not only in `observe`: the event (a copy of the command) is built only
    // when observing.
    if observations != nil { observe(.command(c)) }
  }

  /// Appends a consumed command to `commandLog`, trimming it to the newest `logLimit` once it
  /// holds twice that (only while `keepsCommandLog` is on).
  mutating func keep(_ c: Command) {
    commandLog.append(c)
    if commandLog.count >= 2 * logLimit { commandLog.removeFirst(commandLog.count - logLimit) }
  }

  /// CMD_SYNC with CS=IRQ and MSIAddr != 0: the 32-bit MSIData is stored at MSIAddr before
  /// the sync completes (a store into simulated memory, logged with writer "smmu-msi"). A
  /// store to no memory aborts (GERROR.MSI_CMDQ_ABT_ERR in hardware); the sync completes.
  mutating func writeMSI(_ s: SyncOperands) {
    let qword = s.msiAddress & ~7
    let shift = UInt64(s.msiAddress & 4) * 8
    var aborted = true
    if let old = try? memory.read(qword) {
      let value = (old & ~(UInt64(0xFFFF_FFFF) << shift)) | UInt64(s.msiData) << shift
      aborted = (try? memory.write(qword, value, writer: "smmu-msi")) == nil
    }
    commandQueue.msiWrites.append(MSIWrite(address: s.msiAddress, data: s.msiData, aborted: aborted))
    if commandQueue.msiWrites.count >= 2 * logLimit {
      commandQueue.msiWrites.removeFirst(commandQueue.msiWrites.count - logLimit)
    }
  }

  /// Page numbers a TLBI covers: one page, or (NUM+1)*2^SCALE granules from the address.
  /// TG = 0 means a single address, whatever NUM and SCALE hold.
  package static func pageSpan(_ address: UInt64, _ range: TLBIRange?) -> ClosedRange<UInt64> {
    let first = address >> 12
    guard let range, range.tg != 0, range.bytes > 0 else { return first...first }
    let (end, overflow) = address.addingReportingOverflow(range.bytes - 1)
    return first...((overflow ? .max : end) >> 12)
  }

  /// PREFETCH_CFG: fetch the STE into the configuration cache. Never records events. With
  /// `cachesInvalidEntries` off, an STE that is invalid or ILLEGAL is not cached.
  mutating func prefetch(sid: UInt32) {
    guard enabled else { return }
    var memo = takeLegality()
    var lookup = ConfigLookup(recordsPath: false)
    let usable = prefetchLookup(sid: sid, &memo, into: &lookup)
    keepLegality(memo)
    if let usable { apply(&lookup, configError: !usable) }
  }

  /// Records in `lookup` (a fresh `ConfigLookup(recordsPath: false)`) what PREFETCH_CFG reads
  /// for `sid`, and returns whether the STE is usable (valid and legal), or nil when the STE
  /// cannot be located. Not mutating: `prefetch` calls it once, where each non-mutating method
  /// it called itself would copy the whole SMMU. The lookup is built in place, not returned:
  /// it is large, and returning it copied it twice.
  func prefetchLookup(sid: UInt32, _ memo: inout LegalityMemo?, into lookup: inout ConfigLookup) -> Bool? {
    guard case .ste(let address, _) = locateSTE(sid: sid, useCaches: true, &lookup) else { return nil }
    var usable = false
    if let q = fetchLine(.ste(sid: sid), address: address, qwords: 8, useCaches: true, &lookup) {
      let ste = StreamTableEntry(qwords: q)
      usable = ste.isValid && illegalRow(ste, &memo) == nil
    }
    return usable
  }
}
