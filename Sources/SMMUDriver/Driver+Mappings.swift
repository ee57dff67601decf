import SMMUModel

extension Driver {
  /// The most one `map`/`unmap` covers: 1 GiB (one block store when 1 GiB aligned, up to
  /// 262 144 page stores when IOVA and PA share no 2 MiB alignment).
  package static let maxMapBytes: UInt64 = 1 << 30
  /// IOVAs, IPAs and PAs of the fixed translation regime are below 2^48 (48-bit input,
  /// T0SZ = 16; 48-bit output).
  package static let addressLimit: UInt64 = 1 << UInt64(PageTableFormat.inputBits)

  /// Checks a map/unmap range against the input range, the size limit and (for map) the
  /// output address size.
  static func checkRange(iova: UInt64, size: UInt64, pa: UInt64?) throws(DriverError) {
    guard iova.addingReportingOverflow(max(size, 1)).overflow == false else {
      throw DriverError(.einval, "\(hex(iova))+\(hex(size)) wraps past the end of the address space")
    }
    guard size <= maxMapBytes else {
      throw DriverError(
        .einval, "size \(hex(size)) is over the limit of \(hex(maxMapBytes)) (1 GiB) per call")
    }
    guard iova + max(size, 1) <= addressLimit else {
      throw DriverError(
        .einval, "\(hex(iova))+\(hex(size)) is outside the input range [0, \(hex(addressLimit)))")
    }
    if let pa, pa >= addressLimit || pa + max(size, 1) > addressLimit {
      throw DriverError(.einval, "PA \(hex(pa)) is beyond the output address size (\(hex(addressLimit)))")
    }
  }

  /// True when the domain at `di` has a page table to map into (its own, or an SVA domain's
  /// mm's), found without copying it.
  mutating func hasPageTable(_ di: DomainIndex) -> Bool {
    let (kind, mm, own) = inPlace(domain: di) { d -> (DomainKind, String?, Bool) in
      if case .some = d.pageTable { return (d.kind, d.mm, true) }
      return (d.kind, d.mm, false)
    }
    if kind == .sva { return mm.flatMap { addressSpaces.index(forKey: $0) } != nil }
    return own
  }

  /// Edits (or reads without a copy) the page table the mappings of the domain at `di` live
  /// in, in place; nil when it has none. No copy of the domain may be held meanwhile: it would share the table's
  /// storage, and the edit would then copy the whole mapping list.
  mutating func editPageTable<R, E: Error>(
    _ di: DomainIndex, _ body: (inout IOPageTable, inout SMMU) throws(E) -> R
  ) throws(E) -> R? {
    // Fields read in place: `domains.values[di].kind` would copy the whole domain out first.
    // (`$0.pageTable != nil` would copy the table out to compare it.)
    let (kind, mm, hasTable) = inPlace(domain: di) { d -> (DomainKind, String?, Bool) in
      if case .some = d.pageTable { return (d.kind, d.mm, true) }
      return (d.kind, d.mm, false)
    }
    if kind == .sva {
      guard let mm, let ai = addressSpaces.index(forKey: mm) else { return nil }
      return try body(&addressSpaces.values[ai].pageTable, &smmu)
    }
    guard hasTable else { return nil }
    return try body(&domains.values[di].pageTable!, &smmu)
  }

  /// Maps [iova, iova+size) to [pa, pa+size) in 4 KiB pages. No invalidation is needed
  /// (nothing caches an absent translation). An unfinalised paging domain is finalised.
  package mutating func map(
    domain: String, iova: UInt64, size: UInt64 = 4096, pa: UInt64? = nil, writable: Bool = true
  )
    -> OperationTrace
  {
    operation { (d: inout Driver) throws(DriverError) in
      // Fields are read in place: a copy of the domain would share its table (see editPageTable).
      let di = try d.domainIndex(domain)
      let (kind, hasTable, nestParent) = d.inPlace(domain: di) {
        ($0.kind, $0.pageTable != nil, $0.nestParent)
      }
      try Self.checkRange(iova: iova, size: size, pa: pa)
      guard kind == .paging || kind == .s2 || kind == .sva else {
        throw DriverError(.einval, "\(domain) is \(kind.rawValue): it has no page table")
      }
      if kind != .sva, !hasTable {
        let table = IOPageTable(stage2: kind == .s2, owner: domain, memory: &d.smmu)
        d.inPlace(domain: di) { $0.pageTable = table }
      }
      guard d.hasPageTable(di) else { return }
      // The default output is 0x80000000 + IOVA within the 48-bit output size (never a
      // silently truncated address).
      let base = pa ?? ((0x8000_0000 + iova) & (Self.addressLimit - 1))
      if nestParent { try d.placeGuestRAM(parent: domain, pa: base, size: size) }
      // The core splits the range into the largest leaves IOVA/PA alignment and the length
      // allow (iommu_pgsize: 1 GiB, 2 MiB, 4 KiB); an SVA mm's table is the CPU's (pages).
      let chunks = Self.chunks(
        iova: iova & ~0xFFF, pa: base & ~0xFFF, size: max(size, 1), blocks: kind != .sva)
      // (The table is read in place: a copy kept over the edits below would make each of
      // them copy the mapping list.)
      let emptyTables =
        try d.editPageTable(di) { (t, smmu) throws(DriverError) in
          try Self.emptyTables(under: chunks, in: t, smmu: smmu, domain: domain)
        } ?? []
      let early = d.mutated(.earlyFree)
      for c in chunks {
        if emptyTables.contains(c.iova) {
          if early { _ = d.applying(.earlyFree) }
          // arm_lpae_init_pte: the old (empty) table is unmapped and freed first, with a
          // walk-cache flush (TLBI leaf=0 per 4 KiB + sync, then ATC).
          d.trace.pageTableWrites +=
            d.editPageTable(di) { t, smmu in
              t.removeTable(iova: c.iova, size: c.size, memory: &smmu, freeFirst: early)
            }
            ?? 0
          d.flushWalk(di, iova: c.iova, size: c.size)
        }
        d.trace.pageTableWrites +=
          d.editPageTable(di) { t, smmu in
            t.map(iova: c.iova, pa: c.pa, writable: writable, size: c.size, memory: &smmu)
          } ?? 0
      }
      d.note(.map(iova: iova, size: size, pa: base, domain: domain))
    }
  }

  /// The chunks of a map that land where an (empty) table sits, which io-pgtable frees before
  /// writing the block. io-pgtable refuses to replace a valid leaf (arm_lpae_init_pte:
  /// -EEXIST); mapping over a live page without unmap + TLBI would leave stale TLB/ATC
  /// entries. (A block over a table that still maps pages is refused too: Linux would drop
  /// those pages silently.)
  static func emptyTables(
    under chunks: MapChunks, in table: IOPageTable, smmu: SMMU,
    domain: String
  ) throws(DriverError) -> Set<UInt64> {
    var out: Set<UInt64> = []
    for c in chunks {
      switch table.slot(iova: c.iova, size: c.size, memory: smmu) {
      case .leaf(let at, _):
        throw DriverError(.eexist, "\(hex(max(at, c.iova))) is already mapped in \(domain)")
      case .table:
        if let live = table.mappings.keys.filter({ $0 >= c.iova && $0 - c.iova < c.size }).min() {
          throw DriverError(.eexist, "\(hex(live)) is already mapped in \(domain)")
        }
        out.insert(c.iova)
      case .empty: break
      }
    }
    return out
  }

  /// Unmaps and invalidates: TLBI by VA (ASID for S1/SVA, IPA for S2) per leaf (page or
  /// block) + sync, then ATC invalidation of the attached ATS masters (legacy: every ATS master of the domain,
  /// no SSV; per-master: each attachment with its own SSID).
  package mutating func unmap(domain: String, iova: UInt64, size: UInt64 = 4096) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      try d.unmapPages(domain, iova: iova, size: size)
    }
  }

  mutating func unmapPages(_ domain: String, iova: UInt64, size: UInt64) throws(DriverError) {
    // One lookup; only the kind is kept while the table is edited (see editPageTable).
    let di = try domainIndex(domain)
    let kind = inPlace(domain: di) { $0.kind }
    try Self.checkRange(iova: iova, size: size, pa: nil)
    guard hasPageTable(di) else {
      throw DriverError(.einval, "\(domain) has no page table")
    }
    // The core's chunks; each run of equal-size leaves is one gather (io-pgtable adds each
    // leaf; a change of size syncs the gather first).
    var runs: [(size: UInt64, leaves: [UInt64])] = []
    var refused: (iova: UInt64, block: UInt64)?
    for c in Self.chunks(iova: iova & ~0xFFF, pa: iova & ~0xFFF, size: max(size, 1), blocks: kind != .sva) {
      trace.pageTableWrites += 1
      var done = false
      switch editPageTable(di, { t, smmu in t.slot(iova: c.iova, size: c.size, memory: smmu) }) ?? .empty {
      case .leaf(let at, let bytes) where bytes > c.size:
        // io-pgtable no longer splits a block (v6.13, 33729a5fc0ca): it unmaps nothing and
        // the core stops there.
        refused = (at, bytes)
      case .leaf:
        done =
          editPageTable(di) { t, smmu in t.unmap(iova: c.iova, size: c.size, memory: &smmu) } ?? false
      case .table:
        // A table under a block-sized unmap: cleared and freed whole, its walks flushed.
        let early = applying(.earlyFree)
        _ = editPageTable(di) { t, smmu in
          t.removeTable(iova: c.iova, size: c.size, memory: &smmu, freeFirst: early)
        }
        flushWalk(di, iova: c.iova, size: c.size)
        done = true
      case .empty: break
      }
      if refused != nil { break }
      if done {
        if runs.last?.size == c.size {
          runs[runs.count - 1].leaves.append(c.iova)
        } else {
          runs.append((c.size, [c.iova]))
        }
      }
    }
    for run in runs {
      // One gather: its ATC span is the request's (as before blocks) unless sizes changed.
      let whole = runs.count == 1 && refused == nil
      let first = run.leaves[0]
      let span = Self.atcSpan(
        iova: whole ? iova : first, size: whole ? size : run.leaves.last! + run.size - first)
      if options.invs {
        invalidateRange(di, run.leaves, granule: run.size, leaf: true, atc: span)
      } else {
        if applying(.atcBeforeTLBI) { invalidateATC(of: di, address: span.address, size: span.size) }
        invalidateTLB(di, run.leaves, leaf: true)
        if !mutated(.atcBeforeTLBI) { invalidateATC(of: di, address: span.address, size: span.size) }
      }
    }
    if let refused {
      let unmapped = runs.reduce(0) { $0 + UInt64($1.leaves.count) * $1.size }
      throw DriverError(
        .einval,
        "unmap of part of the \(hex(refused.block)) block at \(hex(refused.iova)): io-pgtable does not split "
          + "blocks, so only \(hex(unmapped)) of \(hex(size)) bytes were unmapped")
    }
  }

  /// The core's split of a range into leaves (iommu_pgsize; see `MapChunks`).
  static func chunks(iova: UInt64, pa: UInt64, size: UInt64, blocks: Bool) -> MapChunks {
    MapChunks(iova: iova, pa: pa, size: size, blocks: blocks)
  }

  /// io-pgtable's walk flush of a removed table (arm_smmu_tlb_inv_walk): TLBI leaf=0 per
  /// 4 KiB + sync, then ATC invalidation.
  mutating func flushWalk(_ di: DomainIndex, iova: UInt64, size: UInt64) {
    let span = Self.atcSpan(iova: iova, size: size)
    invalidateRange(
      di, stride(from: iova, to: iova + size, by: 4096).map { $0 }, granule: 4096, leaf: false, atc: span)
  }

  /// TLBI_NH_VA (S1, SVA) or TLBI_S2_IPA (S2) of each address of the domain at `di`, then
  /// CMD_SYNC.
  mutating func invalidateTLB(_ di: DomainIndex, _ addresses: [UInt64], leaf: Bool) {
    // Read in place: a copy of the domain would retain (and release) everything it holds.
    let (kind, asid, vmid, mm, finalised, nestParent) = inPlace(domain: di) {
      ($0.kind, $0.asid, $0.vmid, $0.mm, $0.finalised, $0.nestParent)
    }
    switch kind {
    case .s2:
      if let vmid {
        for a in addresses { issue(.tlbiS2IPA(vmid: vmid, address: a, leaf: leaf, range: nil)) }
        issue(.sync)
        // A nest parent's change reaches every guest stage-1 entry over it (§1.5, I6).
        if nestParent { issue([.tlbiNHAll(vmid: vmid), .sync]) }
      }
    default:
      if let asid = asid ?? mm.flatMap({ addressSpaces[$0]?.cpuASID }), finalised {
        for a in addresses { issue(.tlbiNHVA(vmid: 0, asid: asid, address: a, leaf: leaf, range: nil)) }
        issue(.sync)
      }
    }
  }

  /// ATC invalidation after a change of the translations of the domain at `di`.
  mutating func invalidateATC(of di: DomainIndex, address: UInt64, size: Int) {
    // Read in place (see `invalidateTLB`).
    let (kind, mm, nestParent, devices) = inPlace(domain: di) { ($0.kind, $0.mm, $0.nestParent, $0.devices) }
    var cmds: [Command] = []
    switch options.design {
    case .legacy:
      if kind == .sva, let mm {
        // Every domain whose table holds the mm's CD: its ATS masters, SSV = PASID.
        let pasid = addressSpaces[mm]?.pasid ?? 0
        for other in domainOrder.compactMap({ domains[$0] }) where other.legacySVABinds[mm] != nil {
          for md in atsAttachments(other.devices) where md.ssid == 0 {
            for sid in masters[md.master]?.uniqueSIDs ?? [] {
              cmds.append(.atcInv(sid: sid, ssid: pasid, address: address, size: size))
            }
          }
        }
      } else {
        for md in atsAttachments(devices) where md.ssid == 0 {
          for sid in masters[md.master]?.uniqueSIDs ?? [] {
            cmds.append(.atcInv(sid: sid, ssid: nil, address: address, size: size))
          }
        }
      }
    case .perMaster:
      // Each attachment's master is looked up once (`atsAttachments` and the loop in one).
      for md in devices {
        guard let mi = masterIndexIfAny(md.master) else { continue }
        // (Whether ATS is on first: most attachments have it off.)
        guard inPlace(master: mi, { $0.atsEnabled }) else { continue }
        let (ridDomain, sids) = inPlace(master: mi) { ($0.ridDomain, $0.uniqueSIDs) }
        // A nested master's ATC holds guest IOVAs: an S2 change flushes all of it (§1.5).
        let full = nestParent && md.ssid == 0 && domains[ridDomain ?? ""]?.nested?.enableATS == true
        for sid in sids {
          cmds.append(
            .atcInv(
              sid: sid, ssid: md.ssid == 0 ? nil : md.ssid, address: full ? 0 : address,
              size: full ? 52 : size))
        }
      }
    }
    guard !cmds.isEmpty else { return }
    cmds.append(.sync)
    issue(cmds)
  }

  /// The smallest aligned ATC_INV span (4 KiB * 2^size) covering [iova, iova+len).
  static func atcSpan(iova: UInt64, size len: UInt64) -> (address: UInt64, size: Int) {
    let end = iova + max(len, 1) - 1
    var s = 0
    while s < 52 && (iova >> UInt64(12 + s)) != (end >> UInt64(12 + s)) { s += 1 }
    return (iova & ~((UInt64(4096) << UInt64(s)) - 1), s)
  }

  /// Forces a domain onto a new ASID. Legacy: one word-0 store in the domain's table (the
  /// share_asid path), 1 sync fanned out to all its masters. Per-master: every CD holding
  /// the ASID, found through the domain's attachments, rewritten hitlessly (1 sync each).
  /// Then TLBI_NH_ASID of the old ASID.
  package mutating func changeASID(domain: String, to newASID: UInt16) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let dom = try d.domain(domain)
      guard dom.kind == .paging || (dom.kind == .sva && d.options.design == .perMaster) else {
        throw DriverError(.einval, "\(domain) has no ASID of its own")
      }
      guard let old = dom.asid else { throw DriverError(.einval, "\(domain) is not finalised (no ASID yet)") }
      guard newASID != 0, Int(newASID) < 1 << d.asidBits else {
        throw DriverError(.einval, "ASID \(newASID) out of range")
      }
      if let holder = d.asids[newASID], holder != domain {
        throw DriverError(.ebusy, "ASID \(newASID) is in use by \(holder)")
      }
      d.freeASID(old)
      d.asids[newASID] = domain
      d.domains[domain]?.asid = newASID
      d.domains[domain]?.invs.renameASID(old, to: newASID)
      let fresh = d.domains[domain]!
      switch d.options.design {
      case .legacy:
        try d.legacyWriteCD(domain, 0, .install(d.legacyS1CD(fresh)))
      case .perMaster:
        for md in fresh.devices {
          guard let m = d.masters[md.master] else { continue }
          let cd =
            fresh.kind == .sva
            ? d.svaCD(
              for: fresh, master: m, released: fresh.mm.flatMap { d.addressSpaces[$0]?.released } ?? false)
            : d.s1CD(for: fresh, master: m)
          d.writeCDEntry(md.master, md.ssid, cd)
        }
      }
      d.invalidateFreedASID(old)
    }
  }

  /// Frees a domain. It must not be attached. Pages still mapped are unmapped first (as the
  /// domain's owner must before freeing), then tables, ASID/VMID are released.
  package mutating func free(domain: String) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let dom = try d.domain(domain)
      let users = d.masterOrder.filter { d.masters[$0]?.ridDomain == domain }
      let pasidUsers = dom.devices.filter { $0.ssid != 0 }
      if let v = d.viommus.values.first(where: { $0.parent == domain }) {
        throw DriverError(.ebusy, "\(domain) is the parent of viommu \(v.name)")
      }
      guard users.isEmpty && pasidUsers.isEmpty else {
        throw DriverError(
          .ebusy,
          "\(domain) is attached to \((users + pasidUsers.map { "\($0.master)@\($0.ssid)" }).joined(separator: ", "))"
        )
      }
      if dom.kind != .sva, let table = dom.pageTable {
        for page in table.mappings.keys.sorted() {
          try d.unmapPages(domain, iova: page, size: table.mappings[page]?.size ?? 4096)
        }
      }
      if let t = d.domains[domain]?.legacyCDTable {
        for a in t.allocations { try? d.smmu.free(a.base) }
        d.note("free CD table of \(domain): \(t.occupiedBytes) bytes")
      }
      if dom.kind == .sva && d.options.design == .perMaster, let asid = dom.asid {
        d.invalidateFreedASID(asid)
      }
      if let asid = dom.asid, d.asids[asid] == domain { d.freeASID(asid) }
      if let vmid = dom.vmid { d.freeVMID(vmid) }
      if dom.kind != .sva { d.domains[domain]?.pageTable?.free(memory: &d.smmu) }
      d.domains[domain] = nil
      d.recentDomains.forget()
      d.domainOrder.removeAll { $0 == domain }
    }
  }

  /// The process exits with SVA binds active. Legacy: the quiet CD (EPD0) in each domain's
  /// table, TLBI by the CPU ASID, ATC_INV of the PASID. Per-master: each attachment's CD
  /// becomes the released SVA CD (hitless), then TLBI by the domain's ASID and ATC_INV.
  package mutating func release(mm name: String) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard let mm = d.addressSpaces[name] else { throw DriverError(.enodev, "no mm \(name)") }
      guard !mm.released else { throw DriverError(.einval, "mm \(name) already exited") }
      d.addressSpaces[name]?.released = true
      let svaDomains = d.domainOrder.compactMap { d.domains[$0] }.filter { $0.kind == .sva && $0.mm == name }
      switch d.options.design {
      case .legacy:
        let pasid = mm.pasid ?? 0
        for dom in d.domainOrder.compactMap({ d.domains[$0] }) where dom.legacySVABinds[name] != nil {
          try d.legacyWriteCD(dom.name, pasid, .quiet)
          d.issue([.tlbiNHASID(vmid: 0, asid: mm.cpuASID), .sync])
          d.legacyATCInvalidateDomain(dom.name, ssid: pasid)
        }
      case .perMaster:
        for dom in svaDomains {
          for md in dom.devices {
            guard let m = d.masters[md.master] else { continue }
            d.writeCDEntry(md.master, md.ssid, d.svaCD(for: dom, master: m, released: true))
          }
          if d.options.invs {
            d.issue(dom.invs.commands(for: .everything))
            continue
          }
          if let asid = dom.asid { d.issue([.tlbiNHASID(vmid: 0, asid: asid), .sync]) }
          if let di = d.domains.index(forKey: dom.name) { d.invalidateATC(of: di, address: 0, size: 52) }
        }
      }
    }
  }
}
