import SMMUModel

extension Driver {
  /// Attaches a domain to a master's RID (`pasid` 0: attach_dev) or to a PASID
  /// (set_dev_pasid). A master in an iommu group attaches the whole group at the RID; if any
  /// member fails, the members already switched go back (as the core rolls back).
  package mutating func attach(domain: String, master: String, pasid: UInt32 = 0) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let dom = try d.domain(domain)
      let m = try d.master(master)
      guard pasid < 1 << UInt32(m.ssidBits) || pasid == 0 else {
        throw DriverError(.einval, "PASID \(pasid) beyond \(m.name)'s ssid_bits \(m.ssidBits)")
      }
      if pasid != 0 {
        guard m.pasidDomains[pasid] == nil else {
          throw DriverError(.ebusy, "PASID \(pasid) of \(m.name) is in use")
        }
        try d.setDevicePASID(dom, m, pasid)
        return
      }
      guard let group = m.group else {
        // A master alone attaches by itself (nothing to roll back).
        try d.attachRID(dom, m)
        return
      }
      let members = d.masterOrder.filter { d.masters[$0]?.group == group }
      var done: [(String, String?)] = []
      for name in members {
        guard let member = d.masters[name] else { continue }
        let previous = member.ridDomain
        if members.count > 1 { d.note("group \(m.group ?? ""): attach \(domain) to \(name)") }
        do throws(DriverError) {
          try d.attachRID(dom, member)
          done.append((name, previous))
        } catch {
          for (undo, prev) in done.reversed() {
            d.note("group rollback: \(undo) back to \(prev ?? "blocked")")
            if let mm = d.masters[undo] {
              try? d.attachRID(
                prev.flatMap { d.domains[$0] } ?? Domain(name: "blocked", kind: .blocked, mm: nil), mm)
            }
          }
          throw error
        }
      }
    }
  }

  /// Detaches: the RID is attached to the blocked domain (`pasid` 0), or remove_dev_pasid.
  package mutating func detach(master: String, pasid: UInt32 = 0) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let m = try d.master(master)
      if pasid == 0 {
        try d.attachRID(Domain(name: "blocked", kind: .blocked, mm: nil), m)
      } else {
        guard m.pasidDomains[pasid] != nil else {
          throw DriverError(.einval, "nothing attached at PASID \(pasid) of \(m.name)")
        }
        try d.removeDevicePASID(m, pasid)
      }
    }
  }

  mutating func attachRID(_ dom: Domain, _ m: Master) throws(DriverError) {
    switch options.design {
    case .legacy: try legacyAttach(dom, m)
    case .perMaster:
      try perMasterAttach(dom, m)
      // Every attach but a nested one leaves master->vmaster NULL (§1.1).
      if dom.kind != .nested { update(master: m.name) { $0.vmaster = nil } }
    }
  }

  mutating func setDevicePASID(_ dom: Domain, _ m: Master, _ pasid: UInt32) throws(DriverError) {
    if dom.kind == .sva, let mmName = dom.mm, let mm = addressSpaces[mmName] {
      if let p = mm.pasid, p != pasid {
        throw DriverError(.einval, "SVA uses the mm's PASID: \(mmName) has PASID \(p)")
      }
      if mm.released { throw DriverError(.einval, "mm \(mmName) has exited") }
    }
    switch options.design {
    case .legacy: try legacyBindSVA(dom, m, pasid)
    case .perMaster: try perMasterSetPASID(dom, m, pasid)
    }
    if dom.kind == .sva, let mmName = dom.mm { addressSpaces[mmName]?.pasid = pasid }
  }

  mutating func removeDevicePASID(_ m: Master, _ pasid: UInt32) throws(DriverError) {
    switch options.design {
    case .legacy: try legacyUnbindSVA(m, pasid)
    case .perMaster: try perMasterRemovePASID(m, pasid)
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
