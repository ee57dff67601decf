/// The embedded SMMUv3: registers, memory, caches, queues, counters and hazard detection.
///
/// The driver model talks to it only as a real driver does: qword stores into simulated
/// memory (`write`), programming the stream-table registers, commands (`submit`), and the
/// endpoint's ATS enable. Transactions enter through `translate`.
package struct SMMU: Sendable, MemoryAllocator {
  package let features: SMMUFeatures
  package internal(set) var memory = PhysicalMemory()
  /// STRTAB_BASE (address in place) and STRTAB_BASE_CFG.
  package internal(set) var streamTableBase: UInt64 = 0
  package internal(set) var streamTableBaseConfig: UInt64 = 0
  /// CR0.SMMUEN.
  package internal(set) var enabled = false
  package internal(set) var configCache: ConfigCache
  package internal(set) var tlb: TLB
  /// Bit n set: the TLB may hold entries of 2^n bytes (lookups probe each size seen).
  var tlbShifts: UInt64 = 1 << 12
  /// ATCs of endpoints, by SID.
  package internal(set) var atcs: [UInt32: ATC] = [:]
  /// SIDs whose endpoint has ATS enabled (PCI config space, not an SMMU register).
  package internal(set) var atsEnabledStreams: Set<UInt32> = []
  /// Every event record raised, oldest first (the newest `logLimit` are kept): the log the UI
  /// shows, including records the full queue lost (see `eventQueue`).
  package internal(set) var events: [Event] = []
  /// The architectural event queue: what software can consume, and the overflow flag.
  package internal(set) var eventQueue: EventQueue
  /// Every command consumed while `keepsCommandLog` was on, oldest first (the newest
  /// `logLimit` are kept).
  package internal(set) var commandLog: [Command] = []
  /// When true, consumed commands are kept in `commandLog`. Off by default: nothing but tests
  /// reads the log, and keeping it cost an append per command and up to 2 x `logLimit` commands.
  package var keepsCommandLog = false
  package internal(set) var counters = SMMUCounters()
  package internal(set) var hazards: [Hazard] = []
  /// Set when an illegal command stopped the queue (CONS.ERR = CERROR_ILL).
  package internal(set) var commandError: String?
  /// Commands held behind a command error until it is acknowledged.
  package internal(set) var heldCommands: [Command] = []
  /// CONS, CONS.ERR, GERROR/GERRORN.CMDQ_ERR and the MSI writes of CMD_SYNCs.
  package internal(set) var commandQueue = CommandQueueState()
  /// Transactions held by a stall, oldest first (keyed by SID and STAG).
  package internal(set) var stalledTransactions: [StalledTransaction] = []
  /// What RESUME and STALL_TERM did to stalled transactions, oldest first.
  package internal(set) var stallCompletions: [StallCompletion] = []
  /// The STAG the next stall gets (16 bits, allocated in order).
  var nextSTAG: UInt16 = 0
  /// At least this many of the newest log records are kept (the logs are trimmed in chunks,
  /// to at most twice this, so appending stays cheap).
  package var logLimit = 50_000
  /// Entry states written since the last CMD_SYNC, per 64-byte entry address; the first state
  /// of each list is the entry as it was at that sync.
  var updateWindow = EntryHistory()
  /// Entry states published at each CMD_SYNC since the last `settle()`, per entry; the first
  /// state of each list is the entry before the operation touched it.
  var operationStates = EntryHistory()
  /// Invalidations consumed that no CMD_SYNC has completed yet, and how many operations left
  /// pending (see `pendingInvalidations`, `endOperation()`).
  package internal(set) var pending = PendingInvalidations()
  /// The last TLB fill known to equal the cache-less resolution (see `TruthfulFill`).
  var truthfulFill: TruthfulFill?
  /// The entry and `memory.generation` just after the last store `write` tracked.
  var lastTrackedStore: (entry: UInt64, generation: UInt64) = (~0, ~0)
  /// The ILLEGAL verdicts of recently checked entries (see `LegalityMemo`).
  var legality = LegalityMemo()
  /// Observation points recorded since `startObserving()` (nil when not observing).
  var observations: [ObservationPoint]?

  package init(features: SMMUFeatures = SMMUFeatures()) {
    self.features = features
    configCache = ConfigCache(capacity: features.configCacheEntries)
    tlb = TLB(capacity: features.tlbEntries)
    eventQueue = EventQueue(capacity: features.eventQueueEntries)
  }

  // MARK: Memory access, as the driver (or a test) performs it

  /// Allocates simulated memory.
  package mutating func allocate(
    bytes: UInt64, align: UInt64 = 64, purpose: MemoryPurpose, owner: String,
    granularity: AllocationGranularity = .page, firstIndex: UInt64 = 0
  ) -> Allocation {
    memory.allocate(
      bytes: bytes, align: align, purpose: purpose, owner: owner, granularity: granularity,
      firstIndex: firstIndex)
  }

  /// Allocates memory at a fixed physical address (importing a dump; see
  /// `PhysicalMemory.allocate(at:bytes:purpose:owner:firstIndex:)`).
  package mutating func allocate(
    at base: UInt64, bytes: UInt64, purpose: MemoryPurpose, owner: String, firstIndex: UInt64 = 0
  ) throws(MemoryError) -> Allocation {
    try memory.allocate(at: base, bytes: bytes, purpose: purpose, owner: owner, firstIndex: firstIndex)
  }

  /// Stores qwords from `address` on as the memory's initial contents (a restored snapshot):
  /// unlike `write`, these stores are not tracked for torn-update detection.
  package mutating func preload(_ address: UInt64, _ qwords: [UInt64]) throws(MemoryError) {
    for (i, q) in qwords.enumerated() where q != 0 {
      try memory.write(address + UInt64(i * 8), q, writer: "snapshot")
    }
  }

  /// A 64-bit store. Stores into STEs and CDs are tracked for torn-update detection.
  @discardableResult
  package mutating func write(_ address: UInt64, _ value: UInt64, writer: MemoryWriter = "driver")
    throws(MemoryError) -> QwordWrite
  {
    let entry = address & ~63
    let tracked = memory.purpose(containing: address).map(Self.holdsEntries) ?? false
    var slot = tracked ? updateWindow.position(of: entry) : nil
    // Whether the newest state of the window's entry is the entry as memory holds it now
    // (known without a read): nothing changed memory since the tracked store that made it.
    // Likewise the newest state the operation holds once a CMD_SYNC closed that window.
    let unchanged = lastTrackedStore == (entry, memory.generation) && memory.unseen.isEmpty
    var known = slot != nil && unchanged
    if tracked, slot == nil {
      let operationSlot = operationStates.position(of: entry)
      let held = unchanged ? operationSlot : nil
      var before: EntryQwords?
      if let held { before = operationStates.last(at: held) } else { before = try? memory.readEntry(entry) }
      if let before {
        slot = updateWindow.add(entry, before)
        if operationSlot == nil { operationStates.add(entry, before) }
        known = memory.unseen.isEmpty
      }
    }
    let w = try memory.write(address, value, writer: writer)
    if let slot {
      if known {
        updateWindow.append(value, toQword: Int((address & 63) >> 3), at: slot)
        lastTrackedStore = (entry, memory.generation)
      } else if let after = try? memory.readEntry(entry) {
        updateWindow.append(after, at: slot)
        lastTrackedStore = (entry, memory.generation)
      }
    }
    observe(.store(address: address, value: value, old: w.old))
    return w
  }

  /// A 64-bit load.
  package func read(_ address: UInt64) throws(MemoryError) -> UInt64 { try memory.read(address) }

  static func holdsEntries(_ a: Allocation) -> Bool { holdsEntries(a.purpose) }

  static func holdsEntries(_ p: MemoryPurpose) -> Bool {
    p == .streamTable || p == .cdTable || p == .cdTableLeaf
  }

  /// Frees memory, first checking that nothing live still points into it (hazard d).
  package mutating func free(_ base: UInt64) throws(MemoryError) {
    guard let region = memory.allocations[base] else { throw .doubleFree(base) }
    checkUseAfterFree(region)
    try memory.free(base)
    updateWindow.removeAll { region.contains($0) }
    operationStates.removeAll { region.contains($0) }
    observe(.free(region))
  }

  /// Invalidations consumed that no later CMD_SYNC has completed, oldest first. The caches
  /// already applied them (the model is deterministic); the architecture lets the SMMU still
  /// use what they invalidate until the sync completes.
  package var pendingInvalidations: [PendingInvalidations.Entry] { pending.entries }

  /// How many invalidations are pending (`pendingInvalidations.count`, without building the list).
  package var pendingInvalidationCount: Int { pending.count }

  /// Invalidations that were still pending at the end of some operation (each counted once).
  package var invalidationsLeftPending: Int { pending.leftPendingAtOperationEnd }

  /// A driver operation (or a `begin`/`end` group) ended: counts what it left pending and
  /// returns how many invalidations are pending.
  @discardableResult
  package mutating func endOperation() -> Int { pending.endOperation() }

  // MARK: Registers

  /// Programs STRTAB_BASE and STRTAB_BASE_CFG; ignored while SMMUEN=1 (Guarded).
  package mutating func programStreamTable(base: UInt64, config: UInt64) {
    guard !enabled else { return }
    streamTableBase = base & 0x00FF_FFFF_FFFF_FFC0
    streamTableBaseConfig = config
  }

  /// Sets CR0.SMMUEN. While 0, GBPA decides every transaction (`features.gbpaAbort`).
  package mutating func setEnabled(_ on: Bool) { enabled = on }

  /// Software consumes the whole event queue and acknowledges an overflow (EVENTQ_CONS).
  package mutating func consumeEvents() { eventQueue.consumeAll() }

  /// Enables or disables ATS at an endpoint (pci_enable_ats / pci_disable_ats).
  package mutating func setEndpointATS(sid: UInt32, enabled on: Bool) {
    if on {
      atsEnabledStreams.insert(sid)
      if atcs[sid] == nil { atcs[sid] = ATC(capacity: features.atcEntries) }
    } else {
      atsEnabledStreams.remove(sid)
    }
  }

  /// Stream-table geometry decoded from STRTAB_BASE_CFG.
  package var streamTableFormatIsTwoLevel: Bool { (streamTableBaseConfig >> 16) & 3 == 1 }
  package var streamTableSplit: Int {
    let s = Int((streamTableBaseConfig >> 6) & 0x1F)
    return [6, 8, 10].contains(s) ? s : 6
  }
  /// Effective LOG2SIZE: min(LOG2SIZE, SIDSIZE).
  var streamTableLog2Size: Int { min(Int(streamTableBaseConfig & 0x3F), features.sidBits) }

  // MARK: Logs

  mutating func record(_ e: Event) {
    counters.events[e.type.name, default: 0] += 1
    eventQueue.push(stall: e.stall)
    events.append(e)
    if events.count >= 2 * logLimit { events.removeFirst(events.count - logLimit) }
  }

  mutating func report(_ h: Hazard) {
    hazards.append(h)
    if hazards.count >= 2 * logLimit { hazards.removeFirst(hazards.count - logLimit) }
  }

  /// Describes the STE or CD at an entry address, for hazard messages and the UI.
  package func describeEntry(at address: UInt64) -> String {
    guard let a = memory.allocation(containing: address) else { return "entry at \(hex(address))" }
    let index = a.firstIndex + (address - a.base) / 64
    switch a.purpose {
    case .streamTable: return "STE sid \(hex(index))"
    case .cdTable, .cdTableLeaf: return "CD ssid \(index) of \(a.owner)"
    default: return "\(a.purpose.rawValue) at \(hex(address))"
    }
  }
}
