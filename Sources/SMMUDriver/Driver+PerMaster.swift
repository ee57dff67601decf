import SMMUModel

/// The per-master design (Linux 6.7+, with 6.11+ PASID behaviour).
extension Driver {
  // MARK: Entry writes, all through the entry writer

  /// Installs an STE for each of the master's SIDs through the hitless writer, then
  /// PREFETCH_CFG (`arm_smmu_install_ste_for_dev`).
  mutating func installSTE(_ mi: MasterIndex, _ target: StreamTableEntry) {
    let cdTableInSTE = target.isValid && target.configValue == .s1Translate
    let steATSEnabled = target[StreamTableEntry.eats] == StreamTableEntry.eatsTrans
    let sids = inPlace(master: mi) { m in
      m.cdTableInSTE = cdTableInSTE
      m.steATSEnabled = steATSEnabled
      return m.uniqueSIDs
    }
    for sid in sids {
      guard let base = streamTable.steAddress(sid) else { continue }
      // (`steQwords(sid)`, without finding the address again.)
      var entry = (try? smmu.memory.readEntry(base)) ?? EntryQwords()
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

  /// The SIDs of the master at `mi`, without duplicates (read in place).
  mutating func uniqueSIDs(_ mi: MasterIndex) -> [UInt32] { inPlace(master: mi) { $0.uniqueSIDs } }

  /// Allocates the master's CD table if needed and the leaf holding `ssid`
  /// (`arm_smmu_alloc_cd_ptr`).
  mutating func allocCDPointer(_ mi: MasterIndex, _ ssid: UInt32) -> UInt64? {
    allocCDTable(mi)
    let leaf = masters.values[mi].cdTable!.ensureLeaf(for: ssid, memory: &smmu)
    let (owner, address) = inPlace(master: mi) { ($0.cdTable!.owner, $0.cdTable!.cdAddress(ssid)) }
    if let leaf {
      note("allocate CD leaf of \(masters.keys[mi]) for SSID \(ssid): 64 KiB")
      barrier()
      store(leaf.descriptorAddress, leaf.descriptor, target: .l1cd, ssid: ssid, table: owner, qword: 0)
      syncCD(sids: uniqueSIDs(mi), ssid: ssid, leaf: false)
    }
    return address
  }

  /// Allocates the CD table of the master at index `mi` if it has none
  /// (`arm_smmu_alloc_cd_tables`): no leaf yet.
  mutating func allocCDTable(_ mi: MasterIndex) {
    // (`cdTable == nil` would copy the table out to compare it.)
    guard
      let ssidBits = inPlace(
        master: mi,
        { m -> Int? in
          if case .some = m.cdTable { return nil }
          return m.cdTableSSIDBits
        })
    else { return }
    let name = masters.keys[mi]
    let table = CDTable(
      ssidBits: ssidBits, twoLevelSupported: smmu.features.twoLevelCDTable,
      compact: options.compactCDTables, owner: "cd-table of \(name)", memory: &smmu)
    inPlace(master: mi) { $0.cdTable = table }
    note("allocate \(table.format.rawValue) CD table for \(name): \(table.occupiedBytes) bytes")
  }

  /// Writes a CD through the entry writer, keeping `used_ssids` (`arm_smmu_write_cd_entry`).
  mutating func writeCDEntry(_ mi: MasterIndex, _ ssid: UInt32, _ target: ContextDescriptor) {
    guard
      let slot = inPlace(
        master: mi,
        { m -> (owner: String, base: UInt64)? in
          guard case .some(let table) = m.cdTable, let base = table.cdAddress(ssid) else { return nil }
          return (table.owner, base)
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

  /// `writeCDEntry` of the named master, if there is one.
  mutating func writeCDEntry(_ name: String, _ ssid: UInt32, _ target: ContextDescriptor) {
    guard let mi = masters.index(forKey: name) else { return }
    writeCDEntry(mi, ssid, target)
  }

  /// Writes an all-zero CD if the table exists (`arm_smmu_clear_cd`).
  mutating func clearCD(_ mi: MasterIndex, _ ssid: UInt32) {
    // (Bound once: `cdTable?.cdAddress` copies the table out.)
    guard
      inPlace(
        master: mi,
        { m in
          guard case .some(let table) = m.cdTable else { return false }
          return table.cdAddress(ssid) != nil
        })
    else { return }
    writeCDEntry(mi, ssid, ContextDescriptor())
  }

  // MARK: Attach and commit

  /// `arm_smmu_attach_commit`: ATC maintenance for the ATS change, then drop the master from
  /// the old domain's list (`oldDomain`: where the list is, see `listOwnerIndex`).
  mutating func commit(_ mi: MasterIndex, ats: Bool, ssid: UInt32, oldDomain: DomainIndex?) {
    let wasATS = inPlace(master: mi) { $0.atsEnabled }
    if ats || wasATS { atcMaintenance(mi, ats: ats, ssid: ssid) }
    // The index stays valid: ATC maintenance adds and removes no master.
    inPlace(master: mi) { $0.atsEnabled = ats }
    if let di = oldDomain {
      let device = MasterDomain(master: masters.keys[mi], ssid: ssid)
      let removed = inPlace(domain: di) { d in
        if let i = d.devices.firstIndex(of: device) {
          d.devices.remove(at: i)
          return true
        }
        return false
      }
      if removed { unrefInvs(domain: domains.keys[di], master: device.master, ssid: ssid, ats: wasATS) }
    }
  }

  /// The ATC side of `commit`: enable ATS (after invalidating), or invalidate what the
  /// change leaves stale.
  mutating func atcMaintenance(_ mi: MasterIndex, ats: Bool, ssid: UInt32) {
    let enabled = inPlace(master: mi) { $0.atsEnabled }
    if ats && !enabled {
      atcInvalidateMaster(mi, ssid: 0)
      for sid in uniqueSIDs(mi) { smmu.setEndpointATS(sid: sid, enabled: true) }
      note("pci_enable_ats \(masters.keys[mi])")
    } else if ats && enabled {
      atcInvalidateMaster(mi, ssid: ssid)
    } else if !ats && enabled {
      atcInvalidateMaster(mi, ssid: 0)
    }
  }

  /// `arm_smmu_attach_prepare`: decide ATS, add the attachment to the new domain's list
  /// before any hardware change, and turn ATS off first if it is going off.
  mutating func prepare(_ mi: MasterIndex, domain di: DomainIndex?, ssid: UInt32, cdNeedsATS: Bool) -> Bool {
    let tracks = di.map { inPlace(domain: $0) { $0.isTranslating } } ?? false
    let (supported, enabled) = inPlace(master: mi) { ($0.atsSupported, $0.atsEnabled) }
    let ats = (tracks || cdNeedsATS) && supported
    if let di, tracks {
      let device = MasterDomain(master: masters.keys[mi], ssid: ssid)
      inPlace(domain: di) { $0.devices.append(device) }
    }
    if enabled && !ats {
      for sid in uniqueSIDs(mi) { smmu.setEndpointATS(sid: sid, enabled: false) }
      note("pci_disable_ats \(masters.keys[mi])")
    }
    return ats
  }

  /// Attaches domain `name` of `kind` (at `di` in `domains`; the core's blocked domain has no
  /// entry) to the RID of the master at `mi`.
  mutating func perMasterAttach(
    _ name: String, _ kind: DomainKind, _ di: DomainIndex?, _ mi: MasterIndex
  ) throws(DriverError) {
    let (old, usedSSIDs, stall) = inPlace(master: mi) { ($0.ridDomain, $0.usedSSIDs, $0.stallEnabled) }
    switch kind {
    case .identity, .blocked:
      attachDomainSTE(mi, identity: kind == .identity, oldDomain: listOwnerIndex(old))
      inPlace(master: mi) { $0.ridDomain = kind == .identity ? name : nil }
      return
    case .sva:
      throw DriverError(.einval, "an SVA domain attaches only at a PASID")
    case .nested:
      guard let di else { return }
      return try nestedAttach(domains.values[di], masters.values[mi])
    case .paging, .s2: break
    }
    if kind == .s2 && usedSSIDs > 0 {
      throw DriverError(.ebusy, "\(masters.keys[mi]) has PASIDs in use: an S2 STE has no CD table")
    }
    // Every paging and S2 domain a master attaches is in `domains`.
    guard let di else { return }
    try finalise(di, firstMaster: nil)
    if old == name { return }
    if kind == .paging { _ = allocCDPointer(mi, 0) }
    let ats = prepare(mi, domain: di, ssid: 0, cdNeedsATS: false)
    mergeInvs(domain: name, master: masters.keys[mi], ssid: 0, ats: ats)
    if kind == .paging {
      let ste = cdTableSTE(mi, ats: ats, s1dss: .ssid0)!
      let cd = s1CD(di, masterStall: stall)
      if applying(.steBeforeCD) { installSTE(mi, ste) }
      writeCDEntry(mi, 0, cd)
      if !mutated(.steBeforeCD) { installSTE(mi, ste) }
    } else {
      let (vttbr, vmid) = inPlace(domain: di) { ($0.pageTable?.root.base ?? 0, $0.vmid ?? 0) }
      installSTE(
        mi,
        EntryBuilder.s2STE(
          vttbr: vttbr, vtcr: stage2Control, vmid: vmid, ats: ats, masterStall: stall,
          attributeTypesOverride: smmu.features.attributeTypesOverride))
      clearCD(mi, 0)
    }
    commit(mi, ats: ats, ssid: 0, oldDomain: listOwnerIndex(old))
    inPlace(master: mi) { $0.ridDomain = name }
  }

  /// The CD-table STE of the master at `mi` (nil while it has no CD table).
  mutating func cdTableSTE(_ mi: MasterIndex, ats: Bool, s1dss: StreamTableEntry.S1DSS) -> StreamTableEntry? {
    guard
      let (base, s1cdmax, s1fmt, stall) = inPlace(
        master: mi,
        { m -> (UInt64, Int, UInt64, Bool)? in
          guard let t = m.cdTable else { return nil }
          return (t.root.base, t.s1cdmax, t.s1fmt, m.stallEnabled)
        })
    else { return nil }
    return entryMemo.cdTableSTE(
      cdTable: base, s1cdmax: UInt64(s1cdmax), s1fmt: s1fmt, ats: ats,
      s1dss: s1dss, smmuStalls: smmu.features.stallModel == .stallOrTerminate,
      masterStall: stall, attributeTypesOverride: smmu.features.attributeTypesOverride)
  }

  /// IDENTITY / BLOCKED at the RID (`arm_smmu_attach_dev_ste`): a plain bypass/abort STE,
  /// or, while PASIDs are in use, a CD-table STE with S1DSS bypass/terminate. Identity on a
  /// master with ATS always on is that CD-table STE too, PASIDs or not (upstream-2026.md
  /// §4.2). Then CD 0 is cleared.
  mutating func attachDomainSTE(_ mi: MasterIndex, identity: Bool, oldDomain: DomainIndex?) {
    let (usedSSIDs, alwaysOn) = inPlace(master: mi) { ($0.usedSSIDs, $0.atsAlwaysOn) }
    let cdSTE = usedSSIDs > 0 || (identity && alwaysOn)
    let ats = prepare(mi, domain: nil, ssid: 0, cdNeedsATS: cdSTE)
    let ste: StreamTableEntry
    if cdSTE, let tableSTE = cdTableSTE(mi, ats: ats, s1dss: identity ? .bypass : .terminate) {
      ste = tableSTE
    } else if identity {
      ste = EntryBuilder.bypassSTE(attributeTypesOverride: smmu.features.attributeTypesOverride)
    } else {
      ste = EntryBuilder.abortSTE()
    }
    installSTE(mi, ste)
    commit(mi, ats: ats, ssid: 0, oldDomain: oldDomain)
    clearCD(mi, 0)
  }

  // MARK: PASIDs

  mutating func perMasterSetPASID(_ di: DomainIndex, _ mi: MasterIndex, _ pasid: UInt32) throws(DriverError) {
    let (kind, domainName) = inPlace(domain: di) { ($0.kind, $0.name) }
    guard kind == .paging || kind == .sva else {
      throw DriverError(.einval, "set_dev_pasid takes S1 paging and SVA domains, not \(kind.rawValue)")
    }
    let name = masters.keys[mi]
    let (ssidBits, cdTableInSTE, ridDomain, stall) = inPlace(master: mi) {
      ($0.ssidBits, $0.cdTableInSTE, $0.ridDomain, $0.stallEnabled)
    }
    guard ssidBits > 0 else { throw DriverError(.einval, "\(name) has no PASID support") }
    let rid = ridKind(ridDomain)
    guard cdTableInSTE || rid == .identity || rid == .blocked else {
      throw DriverError(.einval, "\(name)'s RID domain is \(rid.rawValue): no CD table in its STE")
    }
    try finalise(di, firstMaster: nil)
    _ = allocCDPointer(mi, pasid)
    let ats = prepare(mi, domain: di, ssid: pasid, cdNeedsATS: false)
    mergeInvs(domain: domainName, master: name, ssid: pasid, ats: ats)
    let cd = kind == .sva ? svaCD(di, masterStall: stall, released: false) : s1CD(di, masterStall: stall)
    writeCDEntry(mi, pasid, cd)
    // arm_smmu_update_ste: make the STE a CD-table STE if it is not one (or ATS differs).
    if !inPlace(master: mi, { $0.cdTableInSTE && $0.steATSEnabled == ats }) {
      let s1dss: StreamTableEntry.S1DSS = rid == .identity ? .bypass : rid == .paging ? .ssid0 : .terminate
      if let ste = cdTableSTE(mi, ats: ats, s1dss: s1dss) { installSTE(mi, ste) }
    }
    commit(mi, ats: ats, ssid: pasid, oldDomain: nil)
    inPlace(master: mi) { $0.pasidDomains[pasid] = domainName }
  }

  /// remove_dev_pasid on the master at `mi`, whose ATS state and RID domain are as the caller
  /// read them.
  mutating func perMasterRemovePASID(
    _ mi: MasterIndex, _ pasid: UInt32, atsEnabled: Bool, ridDomain: String?
  ) throws(DriverError) {
    guard let domName = inPlace(master: mi, { $0.pasidDomains[pasid] }) else { return }
    clearCD(mi, pasid)
    if atsEnabled { atcInvalidateMaster(mi, ssid: pasid) }
    let device = MasterDomain(master: masters.keys[mi], ssid: pasid)
    if let di = domainIndexIfAny(domName),
      inPlace(
        domain: di,
        { d -> Bool in
          guard let i = d.devices.firstIndex(of: device) else { return false }
          d.devices.remove(at: i)
          return true
        })
    {
      unrefInvs(domain: domName, master: device.master, ssid: pasid, ats: atsEnabled)
    }
    inPlace(master: mi) { $0.pasidDomains[pasid] = nil }
    let rid = ridKind(ridDomain)
    if rid == .identity || rid == .blocked, inPlace(master: mi, { $0.usedSSIDs == 0 }) {
      let ridNow = inPlace(master: mi) { $0.ridDomain }
      note("no PASIDs left: re-attach \(rid.rawValue) to \(device.master)")
      let oldDomain = ridNow.flatMap { domainIndexIfAny($0) }
      attachDomainSTE(mi, identity: rid == .identity, oldDomain: oldDomain)
    }
  }
}
