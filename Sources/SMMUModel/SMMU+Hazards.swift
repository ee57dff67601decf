extension SMMU {
  /// Checks the STE/CD states stored since the last CMD_SYNC (hazard b, torn update) and
  /// starts a new window. Every state memory held may have been fetched by the SMMU; each
  /// valid one must equal, in the bits it uses itself, the entry as it was at the previous
  /// sync or as it is now (the rule the upstream KUnit harness checks at each sync).
  @inline(__always)
  mutating func closeUpdateWindow() {
    if !updateWindow.isEmpty { closeNonEmptyUpdateWindow() }
  }

  /// `closeUpdateWindow()` when the window holds an entry (its own call: a `settle()` with an
  /// empty window enters no large frame).
  @inline(never)
  private mutating func closeNonEmptyUpdateWindow() {
    operationStates.appendNewestStates(of: updateWindow)
    // Only an entry with a valid state between its two ends can be torn.
    for k in updateWindow.positionsByAddress(withMiddleQword0Bits: Self.entryValidBits) {
      checkWindowEntry(k)
    }
    updateWindow.removeAll()
  }

  /// Hazard (b) for the entry at position `k` of the update window.
  private mutating func checkWindowEntry(_ k: Int) {
    reportTorn(
      updateWindow.address(at: k), updateWindow.first(at: k), updateWindow.middle(at: k),
      updateWindow.last(at: k), requireMix: false, between: "store",
      missing: "CMD_SYNC between stores (valid entries change only in unused bits or one qword)")
  }

  /// Reports a torn update of the entry at `address` if one of its intermediate states
  /// (`middle`, between `start` and `end`) is torn (`firstTornState`); `between` names what
  /// separates the states.
  private mutating func reportTorn(
    _ address: UInt64, _ start: EntryQwords, _ middle: ArraySlice<EntryQwords>, _ end: EntryQwords,
    requireMix: Bool, between: String, missing: String
  ) {
    guard let purpose = memory.purpose(containing: address) else { return }
    if let i = Self.firstTornState(
      start: start, middle: middle, end: end, isSTE: purpose == .streamTable, requireMix: requireMix)
    {
      report(
        Hazard(
          kind: .tornUpdate, entry: describeEntry(at: address),
          transaction: "any fetch after \(between) \(i) of \(middle.count + 1)", missing: missing))
    }
  }

  /// Ends a driver operation: closes the update window (so a sequence with no sync at all is
  /// still checked) and checks every state published at a sync during the operation. A valid
  /// state made only of qwords of the entry before and after the operation, but equal to
  /// neither in the bits it uses, is torn (e.g. qword 0 published with a sync before the
  /// qword 1 it depends on). A state that is a third, complete configuration (the legacy
  /// driver's abort STE between two domains) is not.
  package mutating func settle() {
    closeUpdateWindow()
    guard !operationStates.isEmpty else { return }
    for k in operationStates.positionsByAddress(withMiddleQword0Bits: Self.entryValidBits) {
      checkOperationEntry(k)
    }
    operationStates.removeAll()
  }

  /// The check of `settle()` for the entry at position `k` of the operation's states.
  private mutating func checkOperationEntry(_ k: Int) {
    reportTorn(
      operationStates.address(at: k), operationStates.first(at: k), operationStates.middle(at: k),
      operationStates.last(at: k), requireMix: true, between: "sync",
      missing: "invalid -> modify -> valid: a mix of old and new qwords was published by a CMD_SYNC")
  }

  /// The valid bits of an STE (bit 0) and of a CD (bit 31), both in qword 0: a state with
  /// neither set is invalid either way, and `firstTornState` skips it. A constant (the fields'
  /// masks are lazily built globals); `HazardTests` checks it against them.
  static let entryValidBits: UInt64 = 1 | 1 << 31

  /// The index of the first intermediate state (`middle`, between `start` and `end`; the
  /// first of `middle` is index 1) that is valid and equals neither end in the bits it uses
  /// (minus update-safe bits). With `requireMix`, only states whose used qwords each come
  /// from one of the two ends count. `isSTE` tells an STE (in a stream table) from a CD.
  /// Static: a method on the SMMU, called from a mutating one, would copy the whole SMMU.
  static func firstTornState(
    start: EntryQwords, middle: ArraySlice<EntryQwords>, end: EntryQwords, isSTE: Bool, requireMix: Bool
  ) -> Int? {
    let validBit: UInt64 = isSTE ? StreamTableEntry.v.mask : ContextDescriptor.v.mask
    // The update-safe bits, worked out at the first state that needs them.
    var safeBits: EntryQwords?
    for (n, state) in middle.enumerated() where state[0] & validBit != 0 {
      // Equal to one end in every bit: equal to it in the bits it uses.
      if state == start || state == end { continue }
      let safe = safeBits ?? (isSTE ? UsedBits.steUpdateSafe(current: start, target: end) : EntryQwords())
      safeBits = safe
      let usedBits = isSTE ? UsedBits.ste(state) : UsedBits.cd(state)
      // Per qword: does it equal the start / the end in the bits it uses?
      var allFromStart = true
      var allFromEnd = true
      var mixed = true
      for q in 0..<8 {
        let used = usedBits[q] & ~safe[q]
        let fromStart = state[q] & used == start[q] & used
        let fromEnd = state[q] & used == end[q] & used
        allFromStart = allFromStart && fromStart
        allFromEnd = allFromEnd && fromEnd
        mixed = mixed && (fromStart || fromEnd)
      }
      if !(allFromStart || allFromEnd) && (mixed || !requireMix) { return n + 1 }
    }
    return nil
  }

  /// Hazard (d): something live still points into memory about to be freed.
  mutating func checkUseAfterFree(_ region: Allocation) {
    var found: [String] = []
    // Valid STEs pointing at the region, and CDs reachable through them.
    for a in memory.allocations.values where a.purpose == .streamTable && !region.contains(a.base) {
      var entry = a.base
      while entry < a.base + a.occupied {
        if let q = try? memory.readEntry(entry) {
          let ste = StreamTableEntry(qwords: q)
          if ste.isValid {
            let cfg = ste.configValue
            if (cfg == .s1Translate || cfg == .nested) && region.contains(ste.contextPointer) {
              found.append("\(describeEntry(at: entry)) S1ContextPtr")
            }
            if (cfg == .s2Translate || cfg == .nested) && region.contains(ste.s2TableAddress) {
              found.append("\(describeEntry(at: entry)) S2TTB")
            }
          }
        }
        entry += 64
      }
    }
    for a in memory.allocations.values
    where (a.purpose == .cdTable || a.purpose == .cdTableLeaf) && !region.contains(a.base) {
      var entry = a.base
      while entry < a.base + a.occupied {
        if let q = try? memory.readEntry(entry) {
          let cd = ContextDescriptor(qwords: q)
          if cd.isValid && !cd.translationDisabled && region.contains(cd.tableAddress) {
            found.append("\(describeEntry(at: entry)) TTB0")
          }
        }
        entry += 64
      }
    }
    for a in memory.allocations.values where a.purpose == .cdTableL1 && !region.contains(a.base) {
      var d = a.base
      while d < a.base + a.occupied {
        if let v = try? memory.read(d), v & 1 == 1, region.contains(v & CDTable.l1L2Ptr.mask) {
          found.append("L1CD at \(hex(d))")
        }
        d += 8
      }
    }
    for (key, line) in configCache.entriesByRecency where region.contains(line.address) {
      found.append("cached \(key)")
    }
    for (key, e) in tlb.entriesByRecency where region.contains(e.root) {
      found.append("TLB \(key)")
    }
    for h in found.prefix(8) {
      report(
        Hazard(
          kind: .useAfterFree, entry: h, transaction: nil,
          missing: "unlink and invalidate before freeing \(region.owner) at \(hex(region.base))"))
    }
  }
}
