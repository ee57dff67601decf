import SMMUModel

/// The guest's arm-smmu-v3 driver (per-master design) against its vSMMU: paging domains with
/// their own ASIDs and stage-1 tables in guest RAM, a CD table per vSID written with the
/// entry writer (syncs are guest CFGI_CDs through the vSMMU), unmaps invalidated with guest
/// TLBIs, and vSTE changes forwarded as a VMM does: a new nested domain from the vSTE,
/// attached to the master (upstream-2026.md §1.3-§1.7).
extension Driver {
  /// `guest V domain NAME paging`: an ASID (the guest's own, from 1) and a page table.
  package mutating func guestDomain(viommu: String, name: String) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      _ = try d.guestStage2(viommu)
      var g = d.guests[viommu, default: Guest()]
      guard g.domains[name] == nil else {
        throw DriverError(.eexist, "guest domain \(name) exists on \(viommu)")
      }
      guard let asid = g.freeASID(bits: d.asidBits) else { throw DriverError(.enospc, "no free guest ASID") }
      let table = try d.withGuestMemory(viommu) { (mem: inout GuestMemory) throws(DriverError) in
        try IOPageTable(stage2: false, owner: "guest \(name)", memory: &mem)
      }
      g = d.guests[viommu]!
      g.asids[asid] = name
      g.domains[name] = GuestDomain(name: name, asid: asid, pageTable: table)
      d.guests[viommu] = g
      d.note("guest \(viommu): domain \(name), ASID \(asid), page table at IPA \(hex(table.root.base))")
    }
  }

  /// The guest domain `name`, or -ENODEV.
  func guestDomain(_ viommu: String, _ name: String) throws(DriverError) -> GuestDomain {
    guard let dom = guests[viommu]?.domains[name] else {
      throw DriverError(.enodev, "no guest domain \(name) on \(viommu)")
    }
    return dom
  }

  /// `guest V map NAME IOVA [size N] [pa IPA]`: maps IOVA to IPA in the guest's table (no
  /// invalidation). Without `pa` the IPA range is allocated from guest RAM.
  package mutating func guestMap(
    viommu: String, domain name: String, iova: UInt64, size: UInt64, ipa: UInt64?
  )
    -> OperationTrace
  {
    operation { (d: inout Driver) throws(DriverError) in
      try Self.checkRange(iova: iova, size: size, pa: ipa)
      var table = try d.guestDomain(viommu, name).pageTable
      var base = ipa ?? 0
      if let ipa {
        try d.withGuestMemory(viommu) { (mem: inout GuestMemory) throws(DriverError) in
          mem.ram.reserve(ipa, bytes: size)
        }
      } else {
        base = try d.withGuestMemory(viommu) { (mem: inout GuestMemory) throws(DriverError) in
          try mem.allocate(bytes: size, purpose: .data, owner: "guest \(name) data").base
        }
      }
      let chunks = Self.chunks(iova: iova & ~0xFFF, pa: base & ~0xFFF, size: max(size, 1), blocks: true)
      let view = try d.guestMemoryView(viommu)
      for c in chunks {
        if case .leaf(let at, _) = table.slot(iova: c.iova, size: c.size, memory: view) {
          throw DriverError(.eexist, "\(hex(max(at, c.iova))) is already mapped in guest domain \(name)")
        }
      }
      var failure: DriverError?
      d.trace.pageTableWrites += try d.withGuestMemory(viommu) {
        (mem: inout GuestMemory) throws(DriverError) in
        var writes = 0
        for c in chunks {
          do throws(DriverError) {
            writes += try table.map(iova: c.iova, pa: c.pa, writable: true, size: c.size, memory: &mem)
          } catch {
            failure = error
            break
          }
        }
        return writes
      }
      d.guests[viommu]?.domains[name]?.pageTable = table
      if let failure { throw failure }
      d.note("guest \(viommu): map \(name) \(hex(iova))+\(hex(max(size, 1))) -> IPA \(hex(base))")
    }
  }

  /// A read-only view of guest RAM (for walks that store nothing).
  func guestMemoryView(_ viommu: String) throws(DriverError) -> GuestMemory {
    GuestMemory(smmu: smmu, stage2: try guestStage2(viommu), ram: GuestRAM(), viommu: viommu)
  }

  /// `guest V unmap NAME IOVA [size N]`: clears the leaves, then the guest invalidates:
  /// TLBI_NH_VA by its ASID per leaf (the vSMMU forces the VMID), then ATC_INV per ATS
  /// attachment (its vSID).
  package mutating func guestUnmap(viommu: String, domain name: String, iova: UInt64, size: UInt64)
    -> OperationTrace
  {
    operation { (d: inout Driver) throws(DriverError) in
      try Self.checkRange(iova: iova, size: size, pa: nil)
      let dom = try d.guestDomain(viommu, name)
      var table = dom.pageTable
      let start = iova & ~0xFFF
      let end = iova + ((max(size, 1) + 0xFFF) & ~0xFFF)
      let leaves = table.mappings.filter { $0.key < end && $0.key + $0.value.size > start }
        .map { (iova: $0.key, size: $0.value.size) }.sorted { $0.iova < $1.iova }
      guard !leaves.isEmpty else {
        throw DriverError(.enoent, "nothing mapped at \(hex(iova)) in guest domain \(name)")
      }
      if let split = leaves.first(where: { $0.iova < start || $0.iova + $0.size > end }) {
        throw DriverError(.einval, "unmap would split the \(hex(split.size)) block at \(hex(split.iova))")
      }
      try d.withGuestMemory(viommu) { (mem: inout GuestMemory) throws(DriverError) in
        for l in leaves { table.unmap(iova: l.iova, size: l.size, memory: &mem) }
      }
      d.guests[viommu]?.domains[name]?.pageTable = table
      d.note("guest \(viommu): unmap \(name) \(hex(start))-\(hex(end - 1)): \(leaves.count) leaves")
      try d.issueGuestCommands(
        viommu,
        leaves.map { .tlbiNHVA(vmid: 0, asid: dom.asid, address: $0.iova, leaf: true, range: nil) })
      let ats = dom.attachments.sorted { ($0.vsid, $0.ssid) < ($1.vsid, $1.ssid) }.filter {
        d.guests[viommu]?.vstes[$0.vsid]?.ats == true
      }
      guard !ats.isEmpty else { return }
      let span = Self.atcSpan(iova: start, size: end - start)
      try d.issueGuestCommands(
        viommu,
        ats.map {
          .atcInv(sid: $0.vsid, ssid: $0.ssid == 0 ? nil : $0.ssid, address: span.address, size: span.size)
        })
    }
  }

  /// `guest V attach NAME VSID [pasid P]`: the CD (allocating the vSID's CD table), then the
  /// vSTE if it changes.
  package mutating func guestAttach(viommu: String, domain name: String, vsid: UInt32, pasid: UInt32)
    -> OperationTrace
  {
    operation { (d: inout Driver) throws(DriverError) in
      let dom = try d.guestDomain(viommu, name)
      let m = try d.guestMaster(viommu, vsid)
      let bits = min(m.ssidBits, GuestCDTable.maxSSIDBits)
      guard pasid < 1 << UInt32(bits) || pasid == 0 else {
        throw DriverError(.einval, "PASID \(pasid) beyond the \(bits) SSID bits of vSID \(vsid)")
      }
      let old = d.guests[viommu]?.cdTables[vsid]?.domains[pasid]
      if pasid != 0, let old {
        throw DriverError(.ebusy, "PASID \(pasid) of vSID \(vsid) is in use by \(old)")
      }
      if d.guests[viommu]?.cdTables[vsid] == nil {
        let a = try d.withGuestMemory(viommu) { (mem: inout GuestMemory) throws(DriverError) in
          try mem.allocate(
            bytes: 64 << UInt64(bits), purpose: .cdTable, owner: "guest cd-table of vSID \(vsid)")
        }
        d.guests[viommu]?.cdTables[vsid] = GuestCDTable(ipa: a.base, ssidBits: bits)
        d.note("guest \(viommu): CD table of vSID \(vsid) at IPA \(hex(a.base)), \(1 << bits) CDs")
      }
      let cd = EntryBuilder.s1CD(
        asid: dom.asid, ttbr: dom.pageTable.root.base, tcr: d.stage1Control, mair: EntryBuilder.ioPgtableMAIR,
        masterStall: m.stallEnabled)
      try d.writeGuestCD(viommu, vsid: vsid, ssid: pasid, cd)
      if let old {
        d.guests[viommu]?.domains[old]?.attachments.remove(GuestAttachment(vsid: vsid, ssid: pasid))
      }
      d.guests[viommu]?.cdTables[vsid]?.domains[pasid] = name
      d.guests[viommu]?.domains[name]?.attachments.insert(GuestAttachment(vsid: vsid, ssid: pasid))
      try d.installGuestSTE(viommu, vsid: vsid, m)
    }
  }

  /// `guest V detach VSID [pasid P]`: the RID goes to the guest's blocked domain (the vSTE
  /// first: abort, or S1DSS terminate while PASIDs remain; then CD 0 cleared), or a PASID's
  /// CD is cleared (and the vSTE follows).
  package mutating func guestDetach(viommu: String, vsid: UInt32, pasid: UInt32) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let m = try d.guestMaster(viommu, vsid)
      guard let name = d.guests[viommu]?.cdTables[vsid]?.domains[pasid] else {
        throw DriverError(.einval, "nothing attached at vSID \(vsid) PASID \(pasid) of \(viommu)")
      }
      d.guests[viommu]?.cdTables[vsid]?.domains[pasid] = nil
      d.guests[viommu]?.domains[name]?.attachments.remove(GuestAttachment(vsid: vsid, ssid: pasid))
      if pasid == 0 { try d.installGuestSTE(viommu, vsid: vsid, m) }
      try d.writeGuestCD(viommu, vsid: vsid, ssid: pasid, ContextDescriptor())
      if pasid != 0 { try d.installGuestSTE(viommu, vsid: vsid, m) }
    }
  }

  /// The master behind a guest's vSID (-ENODEV: the guest has no such device).
  func guestMaster(_ viommu: String, _ vsid: UInt32) throws(DriverError) -> Master {
    _ = try guestStage2(viommu)
    guard let name = viommus[viommu]?.vdevices[vsid] else {
      throw DriverError(.enodev, "vSID \(vsid) is no vDEVICE of \(viommu)")
    }
    return try master(name)
  }

  /// The vSTE the guest's per-master driver wants for a vSID: stage 1 over its CD table
  /// (S1DSS SSID0 with a RID domain, terminate with PASIDs only; EATS 01 on an ATS master),
  /// or abort with nothing attached. Only the bits a vSTE may hold are kept.
  func guestVSTE(_ viommu: String, vsid: UInt32, _ m: Master) -> (q0: UInt64, q1: UInt64) {
    guard let t = guests[viommu]?.cdTables[vsid], !t.domains.isEmpty else {
      return (StreamTableEntry.v.mask, 0)
    }
    let ste = EntryBuilder.cdTableSTE(
      cdTable: t.ipa, s1cdmax: UInt64(t.ssidBits), s1fmt: 0, ats: m.atsSupported,
      s1dss: t.domains[0] == nil ? .terminate : .ssid0,
      smmuStalls: smmu.features.stallModel == .stallOrTerminate, masterStall: m.stallEnabled,
      attributeTypesOverride: false)
    return (ste.qwords[0] & NestedSTE.allowed.0, ste.qwords[1] & NestedSTE.allowed.1)
  }

  /// The guest's per-master driver writes the vSID's STE in its own stream table (guest RAM)
  /// with the entry writer; each sync is a guest CFGI_STE, which the vSMMU does not pass on
  /// (§1.7): the VMM traps it, reads the vSTE back from guest memory and, when it changed,
  /// makes a nested domain from it and attaches it to the master through the host path; the
  /// previous one is destroyed.
  mutating func installGuestSTE(_ viommu: String, vsid: UInt32, _ m: Master) throws(DriverError) {
    let (q0, q1) = guestVSTE(viommu, vsid: vsid, m)
    let base = try guestStreamTable(viommu)
    guard vsid < 1 << Guest.streamTableSIDBits else {
      throw DriverError(
        .erange, "vSID \(vsid) is beyond the guest's \(Guest.streamTableSIDBits)-bit stream table")
    }
    let pa = try guestPA(viommu, base + UInt64(vsid) * 64)
    var entry = (try? smmu.memory.readEntry(pa)) ?? EntryQwords()
    var target = EntryQwords()
    target[0] = q0
    target[1] = q1
    var failure: DriverError?
    let owner = "guest \(viommu) stream table"
    insideWriter = true
    EntryWriter(kind: .ste).update(
      entry: &entry, target: target,
      store: { i, v in store(pa + UInt64(i * 8), v, target: .ste, sid: vsid, table: owner, qword: i) },
      sync: {
        guard failure == nil else { return }
        do throws(DriverError) { try vmmTrapsCFGISTE(viommu, vsid: vsid, m, at: pa) } catch {
          failure = error
        }
      })
    insideWriter = false
    if let failure { throw failure }
  }

  /// The guest's stream table, allocated in its RAM at the first vSTE.
  mutating func guestStreamTable(_ viommu: String) throws(DriverError) -> UInt64 {
    if let t = guests[viommu]?.streamTable { return t }
    let a = try withGuestMemory(viommu) { (mem: inout GuestMemory) throws(DriverError) in
      try mem.allocate(
        bytes: 64 << UInt64(Guest.streamTableSIDBits), purpose: .streamTable, owner: "guest stream table")
    }
    guests[viommu]?.streamTable = a.base
    note("guest \(viommu): stream table at IPA \(hex(a.base)), \(1 << Guest.streamTableSIDBits) STEs")
    return a.base
  }

  /// A guest CFGI_STE, trapped by the VMM: the vSTE read from guest memory; forwarded as a
  /// new nested domain when what it asks for changed (an invalid vSTE asks for abort).
  mutating func vmmTrapsCFGISTE(_ viommu: String, vsid: UInt32, _ m: Master, at pa: UInt64)
    throws(DriverError)
  {
    let q = (try? smmu.memory.readEntry(pa)) ?? EntryQwords()
    let vste = try NestedSTE(viommu: viommu, q0: q[0], q1: q[1])
    let previous = guests[viommu]?.vstes[vsid]
    // Before any forward, the slot is zeroed guest RAM: an invalid vSTE, which asks for abort.
    let before = try? NestedSTE(viommu: viommu, q0: previous?.q0 ?? 0, q1: previous?.q1 ?? 0)
    note("VMM: guest \(viommu) CFGI_STE vSID \(vsid) trapped; vSTE \(hex(q[0])) \(hex(q[1]))")
    guard vste.effect != before?.effect else { return }
    guests[viommu]?.nestedSerial += 1
    let name = "\(viommu)-vsid\(vsid)-\(guests[viommu]?.nestedSerial ?? 0)"
    var dom = Domain(name: name, kind: .nested, mm: nil)
    dom.nested = vste
    dom.finalised = true
    domains[name] = dom
    recentDomains.forget()
    domainOrder.append(name)
    note("VMM: nested domain \(name) from the vSTE, attached to \(m.name)")
    try attachRID(dom, m)
    guests[viommu]?.vstes[vsid] = GuestSTE(q0: q[0], q1: q[1], domain: name)
    if let old = previous?.domain, masters[m.name]?.ridDomain != old {
      domains[old] = nil
      recentDomains.forget()
      domainOrder.removeAll { $0 == old }
    }
  }
}
