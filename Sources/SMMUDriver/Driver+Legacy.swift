import SMMUModel

/// The legacy design (Linux up to 6.6): the S1 domain owns the CD table; fixed write
/// sequences; translation -> abort -> translation on a domain switch.
extension Driver {
  /// What `arm_smmu_write_ctx_desc` is asked to do.
  enum LegacyCDWrite {
    case install(ContextDescriptor)
    case quiet
    case remove
  }

  /// CFGI_CD for every SID of every master on the domain, + CMD_SYNC (a bare sync when the
  /// domain has no devices yet).
  mutating func legacySyncCD(_ domain: String, ssid: UInt32, leaf: Bool) {
    var cmds: [Command] = []
    var seen = Set<String>()
    for md in domains[domain]?.devices ?? [] where seen.insert(md.master).inserted {
      for sid in masters[md.master]?.uniqueSIDs ?? [] {
        cmds.append(.cfgiCD(sid: sid, ssid: ssid, leaf: leaf))
      }
    }
    issue(cmds)
    syncEntries()
  }

  /// Finalise: s1cdmax and stall from the first master, the domain's CD table, CD 0.
  mutating func legacyFinaliseS1(_ name: String, master m: Master) throws(DriverError) {
    guard var dom = domains[name] else { return }
    dom.legacyS1CDMax = m.ssidBits
    dom.legacyStall = m.stallEnabled
    dom.legacyCDTable = CDTable(
      ssidBits: m.ssidBits, twoLevelSupported: smmu.features.twoLevelCDTable,
      compact: options.compactCDTables, owner: "cd-table of \(name)", memory: &smmu)
    note(
      "allocate \(dom.legacyCDTable!.format.rawValue) CD table for domain \(name) (s1cdmax \(m.ssidBits) from \(m.name))"
    )
    domains[name] = dom
    // ste-before-cd: legacyAttach writes CD 0 once the STE points at the table.
    if !applying(.steBeforeCD) { try legacyWriteCD(name, 0, .install(legacyS1CD(dom))) }
  }

  func legacyS1CD(_ dom: Domain) -> ContextDescriptor {
    EntryBuilder.s1CD(
      asid: dom.asid ?? 0, ttbr: dom.pageTable?.root.base ?? 0, tcr: stage1Control,
      mair: EntryBuilder.ioPgtableMAIR, masterStall: dom.legacyStall)
  }

  /// `arm_smmu_write_ctx_desc` on the domain's table: remove (1 sync), quiesce (1), ASID
  /// update of a live CD (1), or install (words 1-3, sync, word 0, sync).
  mutating func legacyWriteCD(_ domain: String, _ ssid: UInt32, _ op: LegacyCDWrite) throws(DriverError) {
    guard var dom = domains[domain], var table = dom.legacyCDTable else { return }
    guard Int(ssid) < table.capacity else {
      throw DriverError(.e2big, "SSID \(ssid) beyond domain \(domain)'s s1cdmax \(table.s1cdmax)")
    }
    if let leaf = table.ensureLeaf(for: ssid, memory: &smmu) {
      dom.legacyCDTable = table
      domains[domain] = dom
      barrier()
      store(leaf.descriptorAddress, leaf.descriptor, target: .l1cd, ssid: ssid, table: table.owner, qword: 0)
      legacySyncCD(domain, ssid: ssid, leaf: false)
    }
    guard let base = table.cdAddress(ssid) else { return }
    let owner = table.owner
    func put(_ d: inout Driver, _ i: Int, _ v: UInt64) {
      d.store(base + UInt64(i * 8), v, target: .cd, ssid: ssid, table: owner, qword: i)
    }
    var val = (try? smmu.read(base)) ?? 0
    let live = val & ContextDescriptor.v.mask != 0
    switch op {
    case .remove: val = 0
    case .quiet: val |= ContextDescriptor.epd0.mask
    case .install(let cd) where live:
      val = ContextDescriptor.asid.set(val, UInt64(cd.asidValue))
    case .install(let cd):
      put(&self, 1, cd.qwords[1])
      put(&self, 2, 0)
      put(&self, 3, cd.qwords[3])
      legacySyncCD(domain, ssid: ssid, leaf: true)
      val = cd.qwords[0]
    }
    put(&self, 0, val)
    legacySyncCD(domain, ssid: ssid, leaf: true)
  }

  /// `arm_smmu_write_strtab_ent` for each SID, from the master's current domain.
  mutating func legacyInstallSTE(_ m: Master) {
    typealias S = StreamTableEntry
    let dom = m.ridDomain.flatMap { domains[$0] }
    for sid in m.uniqueSIDs {
      guard let base = streamTable.steAddress(sid) else { continue }
      func put(_ d: inout Driver, _ i: Int, _ v: UInt64) {
        d.store(base + UInt64(i * 8), v, target: .ste, sid: sid, qword: i)
      }
      let cur = steQwords(sid)
      guard let dom, dom.kind == .paging || dom.kind == .s2 else {
        // Abort (no domain) or bypass (identity): words 0, 1, 2 then one sync.
        let cfg: S.Config = dom?.kind == .identity ? .bypass : .abort
        put(&self, 0, S.v.mask | S.config.set(0, cfg.rawValue))
        put(&self, 1, S.shcfg.set(0, S.shcfgIncoming))
        put(&self, 2, 0)
        issue(.cfgiSTE(sid: sid, leaf: true))
        syncEntries()
        continue
      }
      var q0 = S.v.mask
      var q1 = cur[1]
      if dom.kind == .paging, let table = dom.legacyCDTable {
        var e = StreamTableEntry()
        e[S.s1dss] = S.S1DSS.ssid0.rawValue
        e[S.s1cir] = S.cacheWBRA
        e[S.s1cor] = S.cacheWBRA
        e[S.s1csh] = S.shareInner
        e[S.strw] = S.strwNSEL1
        if smmu.features.stallModel == .stallOrTerminate && !m.stallEnabled { e[S.s1stalld] = 1 }
        q1 = e.qwords[1]
        q0 |= (table.root.base & S.s1ContextPtr.mask) | S.config.set(0, S.Config.s1Translate.rawValue)
        q0 = S.s1cdmax.set(q0, UInt64(table.s1cdmax))
        q0 = S.s1fmt.set(q0, table.s1fmt)
      } else {
        let s2 = EntryBuilder.s2STE(
          vttbr: dom.pageTable?.root.base ?? 0, vtcr: stage2Control, vmid: dom.vmid ?? 0, ats: false,
          masterStall: false, attributeTypesOverride: false)
        put(&self, 2, s2.qwords[2])
        put(&self, 3, s2.qwords[3])
        q0 |= S.config.set(0, S.Config.s2Translate.rawValue)
      }
      if m.atsEnabled { q1 = S.eats.set(q1, S.eatsTrans) }
      if dom.kind == .paging || q1 != cur[1] { put(&self, 1, q1) }
      issue(.cfgiSTE(sid: sid, leaf: true))
      syncEntries()
      put(&self, 0, q0)
      issue(.cfgiSTE(sid: sid, leaf: true))
      syncEntries()
      if options.prefetch { issue([.prefetchConfig(sid: sid, ssid: nil)]) }
    }
  }

  /// ATC_INV for every SID of every ATS master on the domain (no SSV when ssid is 0), + sync.
  mutating func legacyATCInvalidateDomain(_ domain: String, ssid: UInt32) {
    guard let dom = domains[domain] else { return }
    var cmds: [Command] = []
    var seen = Set<String>()
    for md in atsAttachments(dom.devices) where md.ssid == 0 && seen.insert(md.master).inserted {
      for sid in masters[md.master]?.uniqueSIDs ?? [] {
        cmds.append(.atcInv(sid: sid, ssid: ssid == 0 ? nil : ssid, address: 0, size: 52))
      }
    }
    if !cmds.isEmpty { issue(cmds + [.sync]) }
  }

  /// `arm_smmu_detach_dev`: ATS off, leave the domain's list, abort STE.
  mutating func legacyDetach(_ name: String) {
    guard var m = masters[name], let old = m.ridDomain else { return }
    if m.atsEnabled {
      for sid in m.uniqueSIDs { smmu.setEndpointATS(sid: sid, enabled: false) }
      note("pci_disable_ats \(name)")
      atcInvalidateMaster(m, ssid: 0)
    }
    if var dom = domains[old] {
      dom.devices.removeAll { $0 == MasterDomain(master: name, ssid: 0) }
      domains[old] = dom
    }
    m.ridDomain = nil
    m.atsEnabled = false
    masters[name] = m
    legacyInstallSTE(m)
  }

  mutating func legacyAttach(_ dom: Domain, _ m: Master) throws(DriverError) {
    if !m.pasidDomains.isEmpty {
      throw DriverError(.ebusy, "cannot attach \(m.name) - SVA enabled (PASID binds active)")
    }
    if dom.kind == .sva { throw DriverError(.einval, "an SVA domain attaches only at a PASID") }
    if m.ridDomain == dom.name { return }
    legacyDetach(m.name)
    if dom.kind == .blocked { return }
    let first = !(domains[dom.name]?.finalised ?? false)
    try finalise(dom.name, firstMaster: m)
    if !first, dom.kind == .paging, let fresh = domains[dom.name] {
      if fresh.legacyS1CDMax != m.ssidBits {
        throw DriverError(
          .einval,
          "\(m.name) ssid_bits \(m.ssidBits) differs from \(dom.name)'s s1cdmax \(fresh.legacyS1CDMax ?? 0)")
      }
      if fresh.legacyStall != m.stallEnabled {
        throw DriverError(.einval, "\(m.name) stall setting differs from \(dom.name)'s")
      }
    }
    guard var master = masters[m.name] else { return }
    master.ridDomain = dom.name
    master.atsEnabled = dom.kind != .identity && master.atsSupported
    masters[m.name] = master
    legacyInstallSTE(master)
    // ste-before-cd: CD 0 is written where finalise wrote it, before the master joins the
    // domain's list (its CFGI_CD reach no device), but after the STE points at the table.
    if first, dom.kind == .paging, mutated(.steBeforeCD), let fresh = domains[dom.name] {
      try legacyWriteCD(dom.name, 0, .install(legacyS1CD(fresh)))
    }
    if var d = domains[dom.name] {
      d.devices.append(MasterDomain(master: m.name, ssid: 0))
      domains[dom.name] = d
    }
    if master.atsEnabled {
      legacyATCInvalidateDomain(dom.name, ssid: 0)
      for sid in master.uniqueSIDs { smmu.setEndpointATS(sid: sid, enabled: true) }
      note("pci_enable_ats \(m.name)")
    }
  }

  // MARK: SVA in the legacy design

  mutating func legacyBindSVA(_ sva: Domain, _ m: Master, _ pasid: UInt32) throws(DriverError) {
    guard sva.kind == .sva, let mmName = sva.mm, let mm = addressSpaces[mmName] else {
      throw DriverError(.eopnotsupp, "set_dev_pasid exists only for SVA domains in this design")
    }
    guard let ridName = m.ridDomain, let rid = domains[ridName], rid.kind == .paging else {
      throw DriverError(.einval, "SVA needs \(m.name)'s RID domain to be an S1 paging domain")
    }
    try finalise(sva.name, firstMaster: m)
    if let refs = rid.legacySVABinds[mmName] {
      domains[ridName]?.legacySVABinds[mmName] = refs + 1
      note("notifier for \(mmName) on \(ridName) exists: no CD write")
    } else {
      guard Int(pasid) < 1 << (rid.legacyS1CDMax ?? 0) else {
        throw DriverError(.e2big, "PASID \(pasid) beyond \(ridName)'s s1cdmax \(rid.legacyS1CDMax ?? 0)")
      }
      try legacyShareASID(mm.cpuASID, mm: mmName)
      var cd = EntryBuilder.svaCD(
        asid: mm.cpuASID, pgd: mm.pageTable.root.base, masterStall: rid.legacyStall)
      cd[ContextDescriptor.aset] = 0
      try legacyWriteCD(ridName, pasid, .install(cd))
      domains[ridName]?.legacySVABinds[mmName] = 1
    }
    domains[sva.name]?.devices.append(MasterDomain(master: m.name, ssid: pasid))
    masters[m.name]?.pasidDomains[pasid] = sva.name
  }

  /// `arm_smmu_share_asid`: the CPU ASID must be free for the mm; a private domain holding
  /// it gets a new ASID (CD 0 rewritten, old ASID invalidated).
  mutating func legacyShareASID(_ asid: UInt16, mm: String) throws(DriverError) {
    let owner = "mm:\(mm)"
    if let holder = asids[asid], holder != owner, let dom = domains[holder], dom.kind == .paging {
      let fresh = try allocateASID(for: holder)
      note("share_asid: \(holder) moves from ASID \(asid) to \(fresh)")
      domains[holder]?.asid = fresh
      try legacyWriteCD(holder, 0, .install(legacyS1CD(domains[holder]!)))
      issue([.tlbiNHASID(vmid: 0, asid: asid), .sync])
    }
    asids[asid] = owner
  }

  mutating func legacyUnbindSVA(_ m: Master, _ pasid: UInt32) throws(DriverError) {
    guard let svaName = m.pasidDomains[pasid], let sva = domains[svaName], let mmName = sva.mm,
      let mm = addressSpaces[mmName], let ridName = m.ridDomain, let rid = domains[ridName]
    else { return }
    let refs = (rid.legacySVABinds[mmName] ?? 1) - 1
    if refs > 0 {
      domains[ridName]?.legacySVABinds[mmName] = refs
    } else {
      domains[ridName]?.legacySVABinds[mmName] = nil
      try legacyWriteCD(ridName, pasid, .remove)
      if !mm.released {
        invalidateFreedASID(mm.cpuASID)
        legacyATCInvalidateDomain(ridName, ssid: pasid)
      }
      if !domains.values.contains(where: { $0.legacySVABinds[mmName] != nil }) {
        freeASID(mm.cpuASID)
      }
    }
    domains[svaName]?.devices.removeAll { $0 == MasterDomain(master: m.name, ssid: pasid) }
    masters[m.name]?.pasidDomains[pasid] = nil
  }
}
