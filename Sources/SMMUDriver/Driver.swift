import SMMUModel

/// The arm-smmu-v3 driver model. It owns the SMMU model and programs it only through qword
/// stores into simulated memory and commands, in either CD-table ownership design. Every
/// operation returns an `OperationTrace`; driver errors are returned in the trace (the
/// state is left as upstream leaves it), never thrown.
package struct Driver: Sendable {
  /// The design and options; `inject(_:)` changes the mutations between operations.
  package internal(set) var options: DriverOptions
  package internal(set) var smmu: SMMU
  package internal(set) var streamTable: StreamTable
  package internal(set) var masters: [String: Master] = [:]
  /// SID -> the master that owns it.
  package internal(set) var sidOwners: [UInt32: String] = [:]
  /// Masters in the order they were added.
  package internal(set) var masterOrder: [String] = []
  package internal(set) var domains: [String: Domain] = [:]
  package internal(set) var domainOrder: [String] = []
  package internal(set) var addressSpaces: [String: AddressSpace] = [:]
  /// iommufd vSMMUs by name (nesting, per-master only).
  package internal(set) var viommus: [String: VSMMU] = [:]
  /// The guest behind each vSMMU that ran a guest driver operation, by vSMMU name.
  package internal(set) var guests: [String: Guest] = [:]
  /// Devices whose probe the driver refused (a SID beyond the stream table: -ERANGE), by
  /// name -> SIDs. They are not behind the IOMMU for the driver, but their DMA still reaches
  /// the SMMU.
  package internal(set) var refusedEndpoints: [String: [UInt32]] = [:]
  /// ASIDs in use (global xarray, allocated from 1) -> owning domain.
  package internal(set) var asids: [UInt16: String] = [:]
  /// VMIDs in use (allocated from 1; 0 is reserved for bypass) -> owning domain.
  package internal(set) var vmids: [UInt16: String] = [:]
  /// Every ASID below this is in use (where the lowest-free search starts).
  var asidSearchStart = 1
  /// Every VMID below this is in use.
  var vmidSearchStart = 1
  /// ASID width (16 bits with ASID16).
  package let asidBits: Int
  /// The trace of the operation in progress.
  var trace = OperationTrace()
  /// The items of the operation in progress, in storage kept from one operation to the next
  /// (each finished trace takes them into an array of their count).
  var pendingItems = PendingItems()
  /// Every store by the driver goes through the entry writer in the per-master design;
  /// this counts stores to STEs/CDs that did not (must stay 0 for per-master).
  package internal(set) var storesOutsideWriter = 0
  var insideWriter = false
  /// TLBI_NH_ASID of freed ASIDs held back by `early-asid-reuse`; `due` once a later
  /// operation wrote a CD (they are issued at the end of the operation after that one).
  var deferredASIDInvalidations: [(asid: UInt16, due: Bool)] = []
  /// The mutations that changed what the driver did at least once (a mutation that never
  /// applied leaves the run as it is without it).
  package internal(set) var mutationsApplied: Set<DriverMutation> = []
  /// A CD store happened in the operation in progress.
  var storedCD = false
  /// CDs and CD-table STEs built before, by their inputs.
  var entryMemo = EntryMemo()
  /// Where the names `masterIndex` resolved last are (forgotten when a master comes or goes).
  var recentMasters = RecentIndices<Master>()
  /// Where the names `domainIndex` resolved last are (forgotten when a domain comes or goes).
  var recentDomains = RecentIndices<Domain>()

  /// Creates the driver, allocates and programs the stream table, enables the SMMU, and
  /// issues the reset-time invalidations (CFGI_ALL, TLBI_NSNH_ALL, each + sync).
  package init(options: DriverOptions = DriverOptions(), features: SMMUFeatures = SMMUFeatures()) {
    self.options = options
    var smmu = SMMU(features: features)
    let format: StreamTable.Format = features.twoLevelStreamTable ? .twoLevel : .linear
    streamTable = StreamTable(sidBits: features.sidBits, format: format, memory: &smmu)
    asidBits = features.asid16 ? 16 : 8
    self.smmu = smmu
    if streamTable.format == .linear {
      for sid in streamTable.backedSIDs { initialiseSTE(sid: sid) }
    }
    self.smmu.programStreamTable(base: streamTable.root.base, config: streamTable.baseConfigRegister)
    // arm_smmu_device_reset: CFGI_ALL, TLBI_EL2_ALL with ARM_SMMU_FEAT_HYP, TLBI_NSNH_ALL.
    self.smmu.submit(
      [.cfgiAll, .sync] + (features.hyp ? [.tlbiEL2All, .sync] : []) + [.tlbiNSNHAll, .sync])
    self.smmu.setEnabled(true)
    trace = OperationTrace()
  }

  /// Makes room for this many masters and domains (a scenario that declares many, so the
  /// tables do not rehash as they grow).
  package mutating func reserveCapacity(masters m: Int, domains d: Int) {
    masters.reserveCapacity(m)
    masterOrder.reserveCapacity(m)
    sidOwners.reserveCapacity(m)
    domains.reserveCapacity(d)
    domainOrder.reserveCapacity(d)
    // Growing a table moves every index.
    recentMasters.forget()
    recentDomains.forget()
    asids.reserveCapacity(d)
  }

  // MARK: Low-level helpers: every effect on the hardware goes through these.

  /// Runs one operation with a fresh trace and returns it.
  mutating func operation(_ body: (inout Driver) throws(DriverError) -> Void) -> OperationTrace {
    trace = OperationTrace()
    pendingItems.removeAll()
    let heldBack = deferredASIDInvalidations.count
    storedCD = false
    let eventsBefore = smmu.events.count
    do {
      try body(&self)
    } catch {
      trace.error = error
    }
    if heldBack > 0 { settleDeferredASIDInvalidations(heldBack) }
    smmu.settle()
    forwardGuestEvents(from: eventsBefore)
    // Moved out, not copied.
    var t = OperationTrace()
    swap(&t, &trace)
    if !pendingItems.isEmpty {
      t.items = pendingItems.take()
    }
    return t
  }

  /// A logged qword store into an STE, CD or descriptor.
  mutating func store(
    _ address: UInt64, _ value: UInt64, target: TraceWrite.Target, sid: UInt32? = nil,
    ssid: UInt32? = nil, table: String? = nil, qword: Int
  ) {
    guard let w = try? smmu.write(address, value, writer: "driver") else { return }
    if !insideWriter && (target == .ste || target == .cd) { storesOutsideWriter += 1 }
    if target == .cd { storedCD = true }
    pendingItems.append(
      .write(
        TraceWrite(
          target: target, sid: sid, ssid: ssid, table: table, qword: qword, address: address,
          old: w.old, new: w.new)))
  }

  /// Submits commands and logs them in the trace.
  mutating func issue(_ commands: [Command]) {
    for c in commands { issue(c) }
  }

  /// Submits one command and logs it in the trace (unless a mutation drops it).
  mutating func issue(_ c: Command) {
    if !options.mutations.isEmpty, let m = Self.dropper(of: c, options.mutations) {
      mutationsApplied.insert(m)
      return
    }
    smmu.submit(c)
    pendingItems.append(.command(c))
    // Waiting for a CMD_SYNC behind a command error, Linux's GERROR handler runs.
    if smmu.commandError != nil && c.isSync { handleCommandError() }
  }

  mutating func note(_ text: String) { pendingItems.append(.note(.text(text))) }

  /// Notes something kept as values (its text is built only when shown).
  mutating func note(_ n: TraceNote) { pendingItems.append(.note(n)) }

  /// A raw qword store into the STE of `sid`, bypassing the driver's writers (for showing
  /// what a missing step does). Recorded in the trace; not a driver store.
  package mutating func rawWriteSTE(sid: UInt32, qword: Int, value: UInt64) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard let a = d.streamTable.steAddress(sid) else {
        throw DriverError(.einval, "SID \(hex(UInt64(sid))) has no STE in memory")
      }
      d.insideWriter = true
      d.store(a + UInt64(qword * 8), value, target: .ste, sid: sid, qword: qword)
      d.insideWriter = false
    }
  }

  /// A raw qword store into CD `ssid` of the table owned by a master (per-master) or a
  /// domain (legacy).
  package mutating func rawWriteCD(owner: String, ssid: UInt32, qword: Int, value: UInt64) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard let table = d.masters[owner]?.cdTable ?? d.domains[owner]?.legacyCDTable,
        let a = table.cdAddress(ssid)
      else { throw DriverError(.einval, "\(owner) has no CD table slot for SSID \(ssid)") }
      d.insideWriter = true
      d.store(a + UInt64(qword * 8), value, target: .cd, ssid: ssid, table: table.owner, qword: qword)
      d.insideWriter = false
    }
  }

  /// Raw commands on the command queue, written behind the driver's back: no injected bug
  /// drops them and nothing acknowledges an error they raise (`acknowledgeCommandError`
  /// does, as `ack cmdq`). A RESUME or STALL_TERM notes what became of each stalled
  /// transaction; the last retried one is the trace's translation.
  package mutating func rawCommands(_ commands: [Command]) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let completed = d.smmu.stallCompletions.count
      let msis = d.smmu.commandQueue.msiWrites.count
      for c in commands {
        d.smmu.submit(c)
        d.pendingItems.append(.command(c))
      }
      if let e = d.smmu.commandError { d.note("command queue stopped: \(e)") }
      for m in d.smmu.commandQueue.msiWrites.dropFirst(msis) { d.note(m.description) }
      for s in d.smmu.stallCompletions.dropFirst(completed) {
        d.note(s.description)
        d.trace.translation = s.result
      }
    }
  }

  /// Writes the 8 qwords of an initial STE of a table that is not yet reachable.
  mutating func initialiseSTE(sid: UInt32) {
    guard let a = streamTable.steAddress(sid) else { return }
    let ste =
      options.design == .legacy
      ? EntryBuilder.bypassSTE(attributeTypesOverride: true).withConfig(.abort)
      : EntryBuilder.abortSTE()
    for (i, q) in ste.qwords.enumerated() where q != 0 {
      _ = try? smmu.write(a + UInt64(i * 8), q, writer: "driver-init")
    }
  }

  /// Makes sure the stream table has an L2 table (with abort STEs) for `sid`. As Linux's
  /// probe does, the L1 descriptor is stored with no CFGI_STE and no sync: no device behind
  /// these SIDs has been set up yet.
  mutating func ensureStreamTableLeaf(sid: UInt32) {
    guard let leaf = streamTable.ensureLeaf(for: sid, memory: &smmu) else { return }
    let first = UInt32(leaf.leaf.firstIndex)
    let early = applying(.l1BeforeL2)
    if early { store(leaf.descriptorAddress, leaf.descriptor, target: .l1std, sid: sid, qword: 0) }
    for s in first..<(first + (1 << UInt32(StreamTable.split))) { initialiseSTE(sid: s) }
    barrier()
    if !early { store(leaf.descriptorAddress, leaf.descriptor, target: .l1std, sid: sid, qword: 0) }
  }

  /// The TCR fields Linux's stage-1 finalise puts in CDs on this SMMU.
  var stage1Control: CDTranslationControl { .linux(outputBits: smmu.features.oas) }

  /// The VTCR fields Linux's stage-2 finalise puts in STEs on this SMMU.
  var stage2Control: STEStage2Control { .linux(outputBits: smmu.features.oas) }

  /// The STE's current qwords.
  func steQwords(_ sid: UInt32) -> EntryQwords {
    ste(sid: sid)?.qwords ?? EntryQwords()
  }

  /// Allocates the lowest free ASID from 1.
  mutating func allocateASID(for domain: String) throws(DriverError) -> UInt16 {
    let limit = (1 << asidBits) - 1
    if asidSearchStart <= limit {
      for a in asidSearchStart...limit where asids[UInt16(a)] == nil {
        asids[UInt16(a)] = domain
        asidSearchStart = a + 1
        return UInt16(a)
      }
    }
    asidSearchStart = limit + 1
    throw DriverError(.enospc, "no free ASID")
  }

  /// Frees an ASID (keeping the lowest-free search start right).
  mutating func freeASID(_ a: UInt16) {
    asids[a] = nil
    asidSearchStart = min(asidSearchStart, max(1, Int(a)))
  }

  /// Frees a VMID.
  mutating func freeVMID(_ v: UInt16) {
    vmids[v] = nil
    vmidSearchStart = min(vmidSearchStart, max(1, Int(v)))
  }

  /// Allocates the lowest free VMID from 1.
  mutating func allocateVMID(for domain: String) throws(DriverError) -> UInt16 {
    if vmidSearchStart <= 0xFFFF {
      for v in vmidSearchStart...0xFFFF where vmids[UInt16(v)] == nil {
        vmids[UInt16(v)] = domain
        vmidSearchStart = v + 1
        return UInt16(v)
      }
    }
    vmidSearchStart = 0x10000
    throw DriverError(.enospc, "no free VMID")
  }

  /// Where a master sits in `masters`: valid while no master is added or removed (an
  /// operation resolves a name once and passes this down).
  typealias MasterIndex = [String: Master].Index
  /// Where a domain sits in `domains` (see `MasterIndex`).
  typealias DomainIndex = [String: Domain].Index

  /// Runs `body` on the master at `index` in place. Reading a field through the dictionary's
  /// getter copies the whole master (its SIDs, PASID map and CD table retained and released);
  /// this reads (or changes) just what `body` touches.
  mutating func inPlace<R>(master index: [String: Master].Index, _ body: (inout Master) -> R) -> R {
    body(&masters.values[index])
  }

  /// Runs `body` on the domain at `index` in place (see `inPlace(master:_:)`).
  mutating func inPlace<R>(domain index: [String: Domain].Index, _ body: (inout Domain) -> R) -> R {
    body(&domains.values[index])
  }

  /// Changes the named domain in place, if there is one. `domains[name]?.field = value`
  /// does the same through the dictionary's optional `_modify` coroutine, whose frame is
  /// heap-allocated on every call.
  mutating func update(domain name: String, _ body: (inout Domain) -> Void) {
    guard let i = domains.index(forKey: name) else { return }
    body(&domains.values[i])
  }

  func master(_ name: String) throws(DriverError) -> Master {
    guard let i = masters.index(forKey: name) else { throw noMaster(name) }
    return masters[i].value
  }

  /// The error for a name that is not a master.
  func noMaster(_ name: String) -> DriverError {
    if refusedEndpoints[name] != nil {
      return DriverError(.enodev, "\(name)'s probe failed (-ERANGE): the driver does not manage it")
    }
    return DriverError(.enodev, "no master \(name)")
  }

  /// Where a master is in `masters` (for `inPlace(master:_:)`).
  mutating func masterIndex(_ name: String) throws(DriverError) -> MasterIndex {
    guard let i = masterIndexIfAny(name) else { throw noMaster(name) }
    return i
  }

  /// Where a master is in `masters`, nil when there is none (`masterIndex` without the
  /// error).
  mutating func masterIndexIfAny(_ name: String) -> MasterIndex? {
    if let i = recentMasters.index(of: name) { return i }
    guard let i = masters.index(forKey: name) else { return nil }
    recentMasters.remember(name, at: i)
    return i
  }

  /// Where a domain is in `domains` (for `inPlace(domain:_:)`).
  mutating func domainIndex(_ name: String) throws(DriverError) -> DomainIndex {
    guard let i = domainIndexIfAny(name) else { throw DriverError(.enodev, "no domain \(name)") }
    return i
  }

  /// Where a domain is in `domains`, nil when there is none (`domainIndex` without the
  /// error).
  mutating func domainIndexIfAny(_ name: String) -> DomainIndex? {
    if let i = recentDomains.index(of: name) { return i }
    guard let i = domains.index(forKey: name) else { return nil }
    recentDomains.remember(name, at: i)
    return i
  }

  func domain(_ name: String) throws(DriverError) -> Domain {
    guard let d = domains[name] else { throw DriverError(.enodev, "no domain \(name)") }
    return d
  }
}

extension StreamTableEntry {
  /// This entry with another Config value.
  func withConfig(_ c: Config) -> StreamTableEntry {
    var e = self
    e[StreamTableEntry.config] = c.rawValue
    return e
  }
}
