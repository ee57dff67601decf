import SMMUModel

extension Driver {
  /// Probes a master: its stream-table L2 tables are allocated (with abort STEs) and it
  /// starts blocked. Names must be new, SIDs unused. A SID beyond the stream table fails the
  /// probe with -ERANGE (`arm_smmu_sid_in_range`): the device stays an endpoint whose DMA
  /// reaches the SMMU (`refusedEndpoints`) but cannot be attached.
  package mutating func addMaster(
    name: String, sids: [UInt32], ssidBits: Int = 0, ats: Bool = false, stall: Bool = false,
    group: String? = nil, rmr: Bool = false, atsAlwaysOn: Bool = false
  ) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard d.masters[name] == nil, d.refusedEndpoints[name] == nil else {
        throw DriverError(.eexist, "master \(name) exists")
      }
      guard !sids.isEmpty else { throw DriverError(.einval, "master \(name) has no SID") }
      for sid in sids {
        guard UInt64(sid) < d.streamTable.sidLimit else {
          d.refusedEndpoints[name] = sids
          throw DriverError(
            .erange,
            "probe of \(name) failed: SID \(hex(UInt64(sid))) is beyond the stream table "
              + "(\(d.streamTable.log2Size) bits); its DMA still reaches the SMMU")
        }
        if let other = d.sidOwners[sid] {
          throw DriverError(.eexist, "SID \(hex(UInt64(sid))) belongs to \(other)")
        }
      }
      let bits = min(ssidBits, d.smmu.features.ssidBits)
      guard bits >= 0, bits <= 20 else { throw DriverError(.einval, "ssid-bits must be 0...20") }
      let capped = d.smmu.features.twoLevelCDTable ? bits : min(bits, 10)
      let alwaysOn = atsAlwaysOn && d.options.design == .perMaster
      if alwaysOn, let refusal = d.atsAlwaysOnRefusal {
        d.refusedEndpoints[name] = sids
        throw DriverError(.eopnotsupp, "probe of \(name) failed: it requires ATS, but \(refusal)")
      }
      let m = Master(
        name: name, sids: sids, ssidBits: capped, ats: ats && d.smmu.features.ats,
        stall: d.stallEnabled(requested: stall), group: group, rmr: rmr, atsAlwaysOn: alwaysOn)
      d.masters[name] = m
      d.recentMasters.forget()
      d.masterOrder.append(name)
      for sid in sids { d.sidOwners[sid] = name }
      for sid in m.uniqueSIDs { d.ensureStreamTableLeaf(sid: sid) }
      d.note(
        "probe \(name): SIDs \(sids.map { hex(UInt64($0)) }.joined(separator: ",")), ssid_bits \(capped)")
      if atsAlwaysOn && !alwaysOn { d.note("\(name): Linux 6.1 has no ats_always_on; ATS as for any device") }
      // ats_always_on: the CD table from probe on (arm_smmu_master_prepare_ats).
      if alwaysOn, let mi = d.masters.index(forKey: name) { d.allocCDTable(mi) }
    }
  }

  /// Why this SMMU cannot keep ATS always on (upstream-2026.md §4.2, A1): no ATS, or no
  /// stage 1 or substreams (without them S1DSS=bypass has no meaning); nil when it can.
  var atsAlwaysOnRefusal: String? {
    let f = smmu.features
    if !f.ats { return "the SMMU has no ATS" }
    if !f.stage1 { return "the SMMU has no stage 1 (S1P)" }
    if f.ssidBits == 0 { return "the SMMU has no substreams (SSIDSIZE 0)" }
    return nil
  }

  /// Allocates a domain. SVA domains name the process address space (mm) they bind.
  package mutating func addDomain(name: String, kind: DomainKind, mm: String? = nil) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard d.domains[name] == nil else { throw DriverError(.eexist, "domain \(name) exists") }
      if kind == .nested { throw DriverError(.einval, "a nested domain needs a vSMMU and a vSTE") }
      if kind == .sva {
        guard let mm else { throw DriverError(.einval, "an SVA domain needs an mm") }
        if d.addressSpaces[mm] == nil {
          let table = IOPageTable(stage2: false, owner: "mm \(mm)", memory: &d.smmu)
          // A CPU ASID for the legacy design's sharing, from a range the SMMU allocator
          // (which starts at 1) reaches late.
          let cpuASID = UInt16(0x8000 + d.addressSpaces.count)
          d.addressSpaces[mm] = AddressSpace(name: mm, pasid: nil, cpuASID: cpuASID, pageTable: table)
        }
      }
      d.domains[name] = Domain(name: name, kind: kind, mm: kind == .sva ? mm : nil)
      d.recentDomains.forget()
      d.domainOrder.append(name)
      // Since domain_alloc_paging (6.8) a paging domain is finalised when it is allocated:
      // its ASID or VMID and page table exist before any attach (and the core's flush of a
      // new default domain, which comes before the attach, reaches the hardware).
      if d.options.design == .perMaster, kind == .paging || kind == .s2 {
        try d.finalise(name, firstMaster: nil)
      }
    }
  }

  /// The kind of a master's RID domain `ridDomain` (blocked when none is attached).
  mutating func ridKind(_ ridDomain: String?) -> DomainKind {
    guard let name = ridDomain, let i = domainIndexIfAny(name) else { return .blocked }
    return inPlace(domain: i) { $0.kind }
  }

  /// Finalises a domain on first use: ASID or VMID, page table (and, legacy, CD table).
  mutating func finalise(_ name: String, firstMaster: Master?) throws(DriverError) {
    guard let di = domains.index(forKey: name) else { return }
    try finalise(di, firstMaster: firstMaster)
  }

  /// `finalise` of the domain at `di`.
  mutating func finalise(_ di: DomainIndex, firstMaster: Master?) throws(DriverError) {
    // Most calls find the domain finalised: that is checked in place, without a copy.
    guard !inPlace(domain: di, { $0.finalised }) else { return }
    var dom = domains.values[di]
    let name = dom.name
    try checkStages(dom)
    switch dom.kind {
    case .paging:
      dom.asid = try allocateASID(for: name)
      if dom.pageTable == nil { dom.pageTable = IOPageTable(stage2: false, owner: name, memory: &smmu) }
    case .s2:
      dom.vmid = try allocateVMID(for: name)
      if dom.pageTable == nil { dom.pageTable = IOPageTable(stage2: true, owner: name, memory: &smmu) }
    case .sva:
      if options.design == .perMaster { dom.asid = try allocateASID(for: name) }
    case .identity, .blocked, .nested: break
    }
    dom.finalised = true
    domains.values[di] = dom
    if options.design == .legacy, dom.kind == .paging, let m = firstMaster {
      try legacyFinaliseS1(name, master: m)
    }
  }

  /// A domain needs the translation stage its kind uses. Linux's arm_smmu_domain_finalise
  /// would instead turn a paging domain into a stage-2 one on an SMMU without stage 1 (and an
  /// S2 domain into stage 1 in 6.1, -EOPNOTSUPP for a nesting parent in 6.12); the model does
  /// not re-type domains, so it refuses and says which kind to declare.
  func checkStages(_ dom: Domain) throws(DriverError) {
    let f = smmu.features
    switch dom.kind {
    case .paging where !f.stage1:
      throw DriverError(
        .eopnotsupp, "\(dom.name): this SMMU has no stage 1 (Linux would use stage 2): declare it s2")
    case .sva where !f.stage1:
      throw DriverError(.eopnotsupp, "\(dom.name): SVA needs stage 1, which this SMMU lacks")
    case .s2 where !f.stage2:
      throw DriverError(
        .eopnotsupp, "\(dom.name): this SMMU has no stage 2 (Linux 6.1 would use stage 1): declare it paging")
    default: break
    }
  }

  /// The S1 CD for a paging domain as the per-master design builds it.
  func s1CD(for dom: Domain, master: Master) -> ContextDescriptor {
    EntryBuilder.s1CD(
      asid: dom.asid ?? 0, ttbr: dom.pageTable?.root.base ?? 0, tcr: stage1Control,
      mair: EntryBuilder.ioPgtableMAIR, masterStall: master.stallEnabled)
  }

  /// `s1CD` of the domain at `di` (read in place) for a master with this stall setting.
  mutating func s1CD(_ di: DomainIndex, masterStall: Bool) -> ContextDescriptor {
    let (asid, ttbr) = inPlace(domain: di) { ($0.asid ?? 0, $0.pageTable?.root.base ?? 0) }
    return entryMemo.s1CD(
      asid: asid, ttbr: ttbr, tcr: stage1Control, mair: EntryBuilder.ioPgtableMAIR, masterStall: masterStall)
  }

  /// The CD for an SVA domain (pgd nil: the released CD).
  func svaCD(for dom: Domain, master: Master, released: Bool) -> ContextDescriptor {
    svaCD(asid: dom.asid, mm: dom.mm, masterStall: master.stallEnabled, released: released)
  }

  /// `svaCD` of the domain at `di` (read in place).
  mutating func svaCD(_ di: DomainIndex, masterStall: Bool, released: Bool) -> ContextDescriptor {
    let (asid, mm) = inPlace(domain: di) { ($0.asid, $0.mm) }
    return svaCD(asid: asid, mm: mm, masterStall: masterStall, released: released)
  }

  /// The SVA CD of a domain with this ASID bound to address space `mm`.
  func svaCD(asid: UInt16?, mm mmName: String?, masterStall: Bool, released: Bool) -> ContextDescriptor {
    let mm = mmName.flatMap { addressSpaces[$0] }
    return EntryBuilder.svaCD(
      asid: asid ?? mm?.cpuASID ?? 0, pgd: released ? nil : mm?.pageTable.root.base,
      masterStall: masterStall, stallForced: smmu.features.stallModel == .stallForced)
  }

  /// The attachments (a domain's `devices`) whose master has ATS enabled.
  mutating func atsAttachments(_ devices: [MasterDomain]) -> [MasterDomain] {
    devices.filter { md in
      guard let i = masters.index(forKey: md.master) else { return false }
      return inPlace(master: i) { $0.atsEnabled }
    }
  }

  /// ATC_INV of everything (or one PASID) on each of a master's SIDs, + CMD_SYNC.
  mutating func atcInvalidateMaster(_ m: Master, ssid: UInt32) {
    atcInvalidate(sids: m.uniqueSIDs, ssid: ssid)
  }

  /// `atcInvalidateMaster` of the master at `mi`.
  mutating func atcInvalidateMaster(_ mi: MasterIndex, ssid: UInt32) {
    atcInvalidate(sids: uniqueSIDs(mi), ssid: ssid)
  }

  /// ATC_INV of everything (or one PASID) on each SID, + CMD_SYNC.
  mutating func atcInvalidate(sids: [UInt32], ssid: UInt32) {
    for sid in sids { issue(.atcInv(sid: sid, ssid: ssid == 0 ? nil : ssid, address: 0, size: 52)) }
    issue(.sync)
  }
}
