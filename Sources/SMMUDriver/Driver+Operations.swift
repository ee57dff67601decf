import SMMUModel

extension Driver {
  /// Attaches a domain to a master's RID (`pasid` 0: attach_dev) or to a PASID
  /// (set_dev_pasid). A master in an iommu group attaches the whole group at the RID; if any
  /// member fails, the members already switched go back (as the core rolls back).
  package mutating func attach(domain: String, master: String, pasid: UInt32 = 0) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      // Each name is resolved once; what follows reads and changes both objects in place.
      let di = try d.domainIndex(domain)
      let mi = try d.masterIndex(master)
      let (ssidBits, group, pasidInUse) = d.inPlace(master: mi) {
        ($0.ssidBits, $0.group, pasid != 0 && $0.pasidDomains[pasid] != nil)
      }
      guard pasid < 1 << UInt32(ssidBits) || pasid == 0 else {
        throw DriverError(.einval, "PASID \(pasid) beyond \(master)'s ssid_bits \(ssidBits)")
      }
      if pasid != 0 {
        guard !pasidInUse else {
          throw DriverError(.ebusy, "PASID \(pasid) of \(master) is in use")
        }
        try d.setDevicePASID(di, mi, pasid)
        return
      }
      guard let group else {
        // A master alone attaches by itself (nothing to roll back).
        try d.attachRID(di, mi)
        return
      }
      let dom = d.domains.values[di]
      let members = d.masterOrder.filter { d.masters[$0]?.group == group }
      var done: [(String, String?)] = []
      for name in members {
        guard let member = d.masters[name] else { continue }
        let previous = member.ridDomain
        if members.count > 1 { d.note("group \(group): attach \(domain) to \(name)") }
        do throws(DriverError) {
          try d.attachRID(dom, member)
          done.append((name, previous))
        } catch {
          for (undo, prev) in done.reversed() {
            d.note("group rollback: \(undo) back to \(prev ?? "blocked")")
            if let mm = d.masters[undo] {
              try? d.attachRID(prev.flatMap { d.domains[$0] } ?? Self.blockedDomain, mm)
            }
          }
          throw error
        }
      }
    }
  }

  /// The blocked domain the core attaches for a detach (it has no entry in `domains`).
  static let blockedDomain = Domain(name: "blocked", kind: .blocked, mm: nil)

  /// Detaches: the RID is attached to the blocked domain (`pasid` 0), or remove_dev_pasid.
  package mutating func detach(master: String, pasid: UInt32 = 0) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let mi = try d.masterIndex(master)
      if pasid == 0 {
        try d.attachRID(nil, mi)
      } else {
        let (inUse, atsEnabled, ridDomain) = d.inPlace(master: mi) {
          ($0.pasidDomains[pasid] != nil, $0.atsEnabled, $0.ridDomain)
        }
        guard inUse else {
          throw DriverError(.einval, "nothing attached at PASID \(pasid) of \(master)")
        }
        switch d.options.design {
        case .legacy: try d.legacyUnbindSVA(d.masters.values[mi], pasid)
        case .perMaster: try d.perMasterRemovePASID(mi, pasid, atsEnabled: atsEnabled, ridDomain: ridDomain)
        }
      }
    }
  }

  /// Attaches `dom` (a copy, as the core holds it) to a master's RID.
  mutating func attachRID(_ dom: Domain, _ m: Master) throws(DriverError) {
    switch options.design {
    case .legacy: try legacyAttach(dom, m)
    case .perMaster:
      if dom.kind == .nested { return try nestedAttach(dom, m) }
      guard let mi = masters.index(forKey: m.name) else { return }
      try perMasterAttachRID(dom.name, dom.kind, domains.index(forKey: dom.name), mi)
    }
  }

  /// Attaches the domain at `di` (nil: the core's blocked domain) to the RID of the master at
  /// `mi`, without copying either on the per-master path.
  mutating func attachRID(_ di: DomainIndex?, _ mi: MasterIndex) throws(DriverError) {
    switch options.design {
    case .legacy:
      try legacyAttach(di.map { domains.values[$0] } ?? Self.blockedDomain, masters.values[mi])
    case .perMaster:
      guard let di else { return try perMasterAttachRID(Self.blockedDomain.name, .blocked, nil, mi) }
      let (name, kind) = inPlace(domain: di) { ($0.name, $0.kind) }
      if kind == .nested { return try nestedAttach(domains.values[di], masters.values[mi]) }
      try perMasterAttachRID(name, kind, di, mi)
    }
  }

  /// The per-master RID attach of a domain that is not nested (both `attachRID`s end here):
  /// every attach but a nested one leaves master->vmaster NULL (§1.1).
  private mutating func perMasterAttachRID(
    _ name: String, _ kind: DomainKind, _ di: DomainIndex?, _ mi: MasterIndex
  ) throws(DriverError) {
    try perMasterAttach(name, kind, di, mi)
    inPlace(master: mi) { $0.vmaster = nil }
  }

  /// set_dev_pasid of the domain at `di` on the master at `mi`.
  mutating func setDevicePASID(_ di: DomainIndex, _ mi: MasterIndex, _ pasid: UInt32) throws(DriverError) {
    let (kind, mmName) = inPlace(domain: di) { ($0.kind, $0.mm) }
    if kind == .sva, let mmName, let mm = addressSpaces[mmName] {
      if let p = mm.pasid, p != pasid {
        throw DriverError(.einval, "SVA uses the mm's PASID: \(mmName) has PASID \(p)")
      }
      if mm.released { throw DriverError(.einval, "mm \(mmName) has exited") }
    }
    switch options.design {
    case .legacy: try legacyBindSVA(domains.values[di], masters.values[mi], pasid)
    case .perMaster: try perMasterSetPASID(di, mi, pasid)
    }
    if kind == .sva, let mmName { addressSpaces[mmName]?.pasid = pasid }
  }

  /// remove_dev_pasid with `m` as the caller read it (a release removes every PASID of one
  /// copy).
  mutating func removeDevicePASID(_ m: Master, _ pasid: UInt32) throws(DriverError) {
    switch options.design {
    case .legacy: try legacyUnbindSVA(m, pasid)
    case .perMaster:
      guard let mi = masters.index(forKey: m.name) else { return }
      try perMasterRemovePASID(mi, pasid, atsEnabled: m.atsEnabled, ridDomain: m.ridDomain)
    }
  }

  /// Sends a DMA transaction from a master (its first SID), or from a device whose probe
  /// failed, through the hardware model; with
  /// `recordWalk`, the trace's translation holds the step-by-step walk.
  package mutating func dma(
    master: String, pasid: UInt32? = nil, iova: UInt64, write: Bool = false, recordWalk: Bool = false
  ) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let sid: UInt32
      if !d.refusedEndpoints.isEmpty, let refused = d.refusedEndpoints[master]?.first {
        sid = refused
      } else {
        let mi = try d.masterIndex(master)
        sid = d.inPlace(master: mi) { $0.sids[0] }
      }
      let r = d.smmu.translate(
        Transaction(sid: sid, ssid: pasid, address: iova, write: write), recordWalk: recordWalk)
      d.trace.translation = r
      d.note(TraceNote(r))
    }
  }
}
