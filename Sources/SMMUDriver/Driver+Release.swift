import SMMUModel

extension Driver {
  /// Releases a master (`arm_smmu_release_device`): its PASIDs are removed, its STEs go to
  /// the blocked (abort) configuration, and, per-master, its CD table is freed only after
  /// that, so no STE or cached entry still points at it. The master's name and SIDs become
  /// free again.
  ///
  /// Per-master follows Linux 6.19+ (upstream-2026.md §4.1): the core attaches the release
  /// domain through the normal entry writer, identity for a master with `rmr`
  /// (`require_direct`), else blocked; only then is the CD table freed. Legacy follows 6.1:
  /// the detach writes abort, `rmr` or not.
  package mutating func removeMaster(_ name: String) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      if d.refusedEndpoints.removeValue(forKey: name) != nil { return }
      let m = try d.master(name)
      for pasid in m.pasidDomains.keys.sorted() { try d.removeDevicePASID(m, pasid) }
      switch d.options.design {
      case .legacy:
        if let rid = m.ridDomain { d.note("release \(name): detach from \(rid)") }
        if m.rmr {
          d.note("release \(name): Linux 6.1 blocks it too, its direct-mapped region notwithstanding")
        }
        d.legacyDetach(name)
      case .perMaster:
        // early-free: the CD table goes while the STE still points at it.
        let early = d.masters[name]?.cdTable != nil && d.applying(.earlyFree) ? d.masters[name]?.cdTable : nil
        if let table = early {
          for a in table.allocations { try? d.smmu.free(a.base) }
          d.note("free CD table of \(name): \(table.occupiedBytes) bytes")
        }
        if let mi = d.masters.index(forKey: name) {
          d.note("release \(name): the core attaches \(m.rmr ? "identity (require_direct)" : "blocked")")
          let rid = d.inPlace(master: mi) { $0.ridDomain }
          d.attachDomainSTE(mi, identity: m.rmr, oldDomain: d.listOwnerIndex(rid))
          d.inPlace(master: mi) { $0.ridDomain = nil }
        }
        if early == nil, let table = d.masters[name]?.cdTable {
          for a in table.allocations { try? d.smmu.free(a.base) }
          d.note("free CD table of \(name): \(table.occupiedBytes) bytes")
        }
      }
      d.dropVDevices(of: name)
      for sid in m.sids { d.sidOwners[sid] = nil }
      d.masters[name] = nil
      d.recentMasters.forget()
      d.masterOrder.removeAll { $0 == name }
    }
  }
}
