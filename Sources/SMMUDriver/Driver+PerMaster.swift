import SMMUModel

/// The per-master design (Linux 6.7+, with 6.11+ PASID behaviour).
extension Driver {
  // MARK: Entry writes, all through the entry writer

  /// Installs an STE for each of the master's SIDs through the hitless writer, then
  /// PREFETCH_CFG (`arm_smmu_install_ste_for_dev`).
  mutating func installSTE(_ name: String, _ target: StreamTableEntry) {
    // One lookup by name (the index stays valid: nothing here adds or removes masters).
    guard let mi = masters.index(forKey: name) else { return }
    let cdTableInSTE = target.isValid && target.configValue == .s1Translate
    let steATSEnabled = target[StreamTableEntry.eats] == StreamTableEntry.eatsTrans
    let sids = inPlace(master: mi) { m in
      m.cdTableInSTE = cdTableInSTE
      m.steATSEnabled = steATSEnabled
      return m.uniqueSIDs
    }
    for sid in sids {
      guard let base = streamTable.steAddress(sid) else { continue }
      var entry = steQwords(sid)
      insideWriter = true
      barrier()
      let writer = EntryWriter(kind: .ste, breaks: !mutated(.noBreak), safeBits: !mutated(.noUpdateSafe))
      // no-update-safe changes what the driver does only where the safe bits avoid a break.
      if !writer.safeBits, writer.analyse(current: entry, target: target.qwords).diff.nonzeroBitCount > 1,
        EntryWriter(kind: .ste).analyse(current: entry, target: target.qwords).diff.nonzeroBitCount <= 1
      {
        _ = applying(.noUpdateSafe)
      }
      let path = writer.update(
        entry: &entry, target: target.qwords,
        store: { i, v in store(base + UInt64(i * 8), v, target: .ste, sid: sid, qword: i) },
        sync: {
          issue(.cfgiSTE(sid: sid, leaf: true))
          syncEntries()
        })
      insideWriter = false
      if path == .breaking { _ = applying(.noBreak) }
      if options.prefetch { issue(.prefetchConfig(sid: sid, ssid: nil)) }
    }
  }

  /// CFGI_CD for each of the master's SIDs + one CMD_SYNC (`arm_smmu_sync_cd`).
  mutating func syncCD(_ m: Master, ssid: UInt32, leaf: Bool) {
    syncCD(sids: m.uniqueSIDs, ssid: ssid, leaf: leaf)
  }

  /// `syncCD` for a master's unique SIDs.
  mutating func syncCD(sids: [UInt32], ssid: UInt32, leaf: Bool) {
    for sid in sids { issue(.cfgiCD(sid: sid, ssid: ssid, leaf: leaf)) }
    syncEntries()
  }

  /// Allocates the master's CD table if needed and the leaf holding `ssid`
  /// (`arm_smmu_alloc_cd_ptr`).
  mutating func allocCDPointer(_ name: String, _ ssid: UInt32) -> UInt64? {
    // In place, through one lookup (the index stays valid: no master is added or removed).
    guard let mi = masters.index(forKey: name) else { return nil }
    allocCDTable(mi)
    let leaf = masters.values[mi].cdTable!.ensureLeaf(for: ssid, memory: &smmu)
    let (owner, address) = inPlace(master: mi) { ($0.cdTable!.owner, $0.cdTable!.cdAddress(ssid)) }
    if let leaf {
      note("allocate CD leaf of \(name) for SSID \(ssid): 64 KiB")
      barrier()
      store(leaf.descriptorAddress, leaf.descriptor, target: .l1cd, ssid: ssid, table: owner, qword: 0)
      syncCD(sids: inPlace(master: mi) { $0.uniqueSIDs }, ssid: ssid, leaf: false)
    }
    return address
  }

  /// Allocates the CD table of the master at index `mi` if it has none
  /// (`arm_smmu_alloc_cd_tables`): no leaf yet.
  mutating func allocCDTable(_ mi: [String: Master].Index) {
    guard let ssidBits = inPlace(master: mi, { $0.cdTable == nil ? $0.cdTableSSIDBits : nil }) else { return }
    let name = masters.keys[mi]
    let table = CDTable(
      ssidBits: ssidBits, twoLevelSupported: smmu.features.twoLevelCDTable,
      compact: options.compactCDTables, owner: "cd-table of \(name)", memory: &smmu)
    inPlace(master: mi) { $0.cdTable = table }
    note("allocate \(table.format.rawValue) CD table for \(name): \(table.occupiedBytes) bytes")
  }

  /// Writes a CD through the entry writer, keeping `used_ssids` (`arm_smmu_write_cd_entry`).
  mutating func writeCDEntry(_ name: String, _ ssid: UInt32, _ target: ContextDescriptor) {
    guard let mi = masters.index(forKey: name),
      let slot = inPlace(
        master: mi,
        { m -> (owner: String, base: UInt64)? in
          guard let base = m.cdTable?.cdAddress(ssid), let owner = m.cdTable?.owner else { return nil }
          return (owner, base)
        })
    else { return }
    let base = slot.base
    let owner = slot.owner
    var entry = (try? smmu.memory.readEntry(base)) ?? EntryQwords()
    let wasValid = ContextDescriptor(qwords: entry).isValid
    let sids = inPlace(master: mi) { m in
      if ssid != 0 && wasValid != target.isValid { m.usedSSIDs += target.isValid ? 1 : -1 }
      return m.uniqueSIDs
    }
    insideWriter = true
    barrier()
    let path = EntryWriter(kind: .cd, breaks: !mutated(.noBreak)).update(
      entry: &entry, target: target.qwords,
      store: { i, v in store(base + UInt64(i * 8), v, target: .cd, ssid: ssid, table: owner, qword: i) },
      sync: { syncCD(sids: sids, ssid: ssid, leaf: true) })
    insideWriter = false
    if path == .breaking { _ = applying(.noBreak) }
  }

  /// Writes an all-zero CD if the table exists (`arm_smmu_clear_cd`).
  mutating func clearCD(_ name: String, _ ssid: UInt32) {
    guard let mi = masters.index(forKey: name), inPlace(master: mi, { $0.cdTable?.cdAddress(ssid) != nil })
    else { return }
    writeCDEntry(name, ssid, ContextDescriptor())
  }

  // MARK: Attach and commit

  /// `arm_smmu_attach_commit`: ATC maintenance for the ATS change, then drop the master from
  /// the old domain's list.
  mutating func commit(_ name: String, ats: Bool, ssid: UInt32, oldDomain: String?) {
    guard let mi = masters.index(forKey: name) else { return }
    let wasATS = inPlace(master: mi) { $0.atsEnabled }
    if ats || wasATS { atcMaintenance(name, ats: ats, ssid: ssid) }
    // The index stays valid: ATC maintenance adds and removes no master.
    inPlace(master: mi) { $0.atsEnabled = ats }
    if let old = oldDomain, let di = domains.index(forKey: old) {
      let removed = inPlace(domain: di) { d in
        if let i = d.devices.firstIndex(of: MasterDomain(master: name, ssid: ssid)) {
          d.devices.remove(at: i)
          return true
        }
        return false
      }
      if removed { unrefInvs(domain: old, master: name, ssid: ssid, ats: wasATS) }
    }
  }

  /// The ATC side of `commit`: enable ATS (after invalidating), or invalidate what the
  /// change leaves stale.
  mutating func atcMaintenance(_ name: String, ats: Bool, ssid: UInt32) {
    guard let m = masters[name] else { return }
    if ats && !m.atsEnabled {
      atcInvalidateMaster(m, ssid: 0)
      for sid in m.uniqueSIDs { smmu.setEndpointATS(sid: sid, enabled: true) }
      note("pci_enable_ats \(name)")
    } else if ats && m.atsEnabled {
      atcInvalidateMaster(m, ssid: ssid)
    } else if !ats && m.atsEnabled {
      atcInvalidateMaster(m, ssid: 0)
    }
  }

  /// `arm_smmu_attach_prepare`: decide ATS, add the attachment to the new domain's list
  /// before any hardware change, and turn ATS off first if it is going off.
  mutating func prepare(_ name: String, domain: String?, ssid: UInt32, cdNeedsATS: Bool) -> Bool {
    guard let mi = masters.index(forKey: name) else { return false }
    let di = domain.flatMap { domains.index(forKey: $0) }
    let tracks = di.map { inPlace(domain: $0) { $0.isTranslating } } ?? false
    let (supported, enabled) = inPlace(master: mi) { ($0.atsSupported, $0.atsEnabled) }
    let ats = (tracks || cdNeedsATS) && supported
    if let di, tracks {
      inPlace(domain: di) { $0.devices.append(MasterDomain(master: name, ssid: ssid)) }
    }
    if enabled && !ats {
      for sid in inPlace(master: mi, { $0.uniqueSIDs }) { smmu.setEndpointATS(sid: sid, enabled: false) }
      note("pci_disable_ats \(name)")
    }
    return ats
  }

  mutating func perMasterAttach(_ dom: Domain, _ m: Master) throws(DriverError) {
    let old = m.ridDomain
    switch dom.kind {
    case .identity, .blocked:
      attachDomainSTE(m.name, identity: dom.kind == .identity, oldDomain: listOwner(old))
      update(master: m.name) { $0.ridDomain = dom.kind == .identity ? dom.name : nil }
      return
    case .sva:
      throw DriverError(.einval, "an SVA domain attaches only at a PASID")
    case .nested:
      return try nestedAttach(dom, m)
    case .paging, .s2: break
    }
    if dom.kind == .s2 && m.usedSSIDs > 0 {
      throw DriverError(.ebusy, "\(m.name) has PASIDs in use: an S2 STE has no CD table")
    }
    try finalise(dom.name, firstMaster: m)
    if old == dom.name { return }
    if dom.kind == .paging { _ = allocCDPointer(m.name, 0) }
    let ats = prepare(m.name, domain: dom.name, ssid: 0, cdNeedsATS: false)
    mergeInvs(domain: dom.name, master: m.name, ssid: 0, ats: ats)
    guard let fresh = domains[dom.name], let master = masters[m.name] else { return }
    if dom.kind == .paging {
      let table = master.cdTable!
      let ste = cdTableSTE(master, table: table, ats: ats, s1dss: .ssid0)
      if applying(.steBeforeCD) { installSTE(m.name, ste) }
      writeCDEntry(m.name, 0, s1CD(for: fresh, master: master))
      if !mutated(.steBeforeCD) { installSTE(m.name, ste) }
    } else {
      installSTE(
        m.name,
        EntryBuilder.s2STE(
          vttbr: fresh.pageTable?.root.base ?? 0, vtcr: stage2Control, vmid: fresh.vmid ?? 0, ats: ats,
          masterStall: master.stallEnabled, attributeTypesOverride: smmu.features.attributeTypesOverride))
      clearCD(m.name, 0)
    }
    commit(m.name, ats: ats, ssid: 0, oldDomain: listOwner(old))
    update(master: m.name) { $0.ridDomain = dom.name }
  }

  func cdTableSTE(_ m: Master, table: CDTable, ats: Bool, s1dss: StreamTableEntry.S1DSS) -> StreamTableEntry {
    EntryBuilder.cdTableSTE(
      cdTable: table.root.base, s1cdmax: UInt64(table.s1cdmax), s1fmt: table.s1fmt, ats: ats,
      s1dss: s1dss, smmuStalls: smmu.features.stallModel == .stallOrTerminate,
      masterStall: m.stallEnabled, attributeTypesOverride: smmu.features.attributeTypesOverride)
  }

  /// IDENTITY / BLOCKED at the RID (`arm_smmu_attach_dev_ste`): a plain bypass/abort STE,
  /// or, while PASIDs are in use, a CD-table STE with S1DSS bypass/terminate. Identity on a
  /// master with ATS always on is that CD-table STE too, PASIDs or not (upstream-2026.md
  /// §4.2). Then CD 0 is cleared.
  mutating func attachDomainSTE(_ name: String, identity: Bool, oldDomain: String?) {
    guard let m = masters[name] else { return }
    let cdSTE = m.usedSSIDs > 0 || (identity && m.atsAlwaysOn)
    let ats = prepare(name, domain: nil, ssid: 0, cdNeedsATS: cdSTE)
    let ste: StreamTableEntry
    if cdSTE, let table = m.cdTable {
      ste = cdTableSTE(m, table: table, ats: ats, s1dss: identity ? .bypass : .terminate)
    } else if identity {
      ste = EntryBuilder.bypassSTE(attributeTypesOverride: smmu.features.attributeTypesOverride)
    } else {
      ste = EntryBuilder.abortSTE()
    }
    installSTE(name, ste)
    commit(name, ats: ats, ssid: 0, oldDomain: oldDomain)
    clearCD(name, 0)
  }

  // MARK: PASIDs

  mutating func perMasterSetPASID(_ dom: Domain, _ m: Master, _ pasid: UInt32) throws(DriverError) {
    guard dom.kind == .paging || dom.kind == .sva else {
      throw DriverError(.einval, "set_dev_pasid takes S1 paging and SVA domains, not \(dom.kind.rawValue)")
    }
    guard m.ssidBits > 0 else { throw DriverError(.einval, "\(m.name) has no PASID support") }
    let rid = ridKind(m)
    guard m.cdTableInSTE || rid == .identity || rid == .blocked else {
      throw DriverError(.einval, "\(m.name)'s RID domain is \(rid.rawValue): no CD table in its STE")
    }
    try finalise(dom.name, firstMaster: m)
    _ = allocCDPointer(m.name, pasid)
    let ats = prepare(m.name, domain: dom.name, ssid: pasid, cdNeedsATS: false)
    mergeInvs(domain: dom.name, master: m.name, ssid: pasid, ats: ats)
    guard let fresh = domains[dom.name], let master = masters[m.name] else { return }
    let cd =
      fresh.kind == .sva
      ? svaCD(for: fresh, master: master, released: false) : s1CD(for: fresh, master: master)
    writeCDEntry(m.name, pasid, cd)
    // arm_smmu_update_ste: make the STE a CD-table STE if it is not one (or ATS differs).
    if let after = masters[m.name], !(after.cdTableInSTE && after.steATSEnabled == ats),
      let table = after.cdTable
    {
      let s1dss: StreamTableEntry.S1DSS = rid == .identity ? .bypass : rid == .paging ? .ssid0 : .terminate
      installSTE(m.name, cdTableSTE(after, table: table, ats: ats, s1dss: s1dss))
    }
    commit(m.name, ats: ats, ssid: pasid, oldDomain: nil)
    update(master: m.name) { $0.pasidDomains[pasid] = dom.name }
  }

  mutating func perMasterRemovePASID(_ m: Master, _ pasid: UInt32) throws(DriverError) {
    guard let domName = m.pasidDomains[pasid] else { return }
    clearCD(m.name, pasid)
    if m.atsEnabled { atcInvalidateMaster(m, ssid: pasid) }
    let device = MasterDomain(master: m.name, ssid: pasid)
    if let di = domains.index(forKey: domName),
      inPlace(
        domain: di,
        { d -> Bool in
          guard let i = d.devices.firstIndex(of: device) else { return false }
          d.devices.remove(at: i)
          return true
        })
    {
      unrefInvs(domain: domName, master: m.name, ssid: pasid, ats: m.atsEnabled)
    }
    update(master: m.name) { $0.pasidDomains[pasid] = nil }
    let rid = ridKind(m)
    if rid == .identity || rid == .blocked, let mi = masters.index(forKey: m.name),
      inPlace(master: mi, { $0.usedSSIDs == 0 })
    {
      let ridDomain = inPlace(master: mi) { $0.ridDomain }
      note("no PASIDs left: re-attach \(rid.rawValue) to \(m.name)")
      attachDomainSTE(m.name, identity: rid == .identity, oldDomain: ridDomain)
    }
  }
}
