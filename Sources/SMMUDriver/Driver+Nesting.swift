import SMMUModel

/// The host side of iommufd nesting (Linux 6.13+, upstream-2026.md §1): nest-parent S2
/// domains, vSMMUs on them, vDEVICEs (vSID -> master), nested domains from a guest's vSTE,
/// and their attach. Per-master design only.
extension Driver {
  /// The legacy driver (before 6.7) has no nested domains.
  func requirePerMasterForNesting(_ what: String) throws(DriverError) {
    guard options.design == .perMaster else {
      throw DriverError(
        .eopnotsupp, "\(what): iommufd nesting needs the per-master driver (Linux 6.13+), not legacy")
    }
  }

  /// ARM_SMMU_FEAT_NESTING: stage 1 and stage 2 both implemented.
  var nestingSupported: Bool { smmu.features.stage1 && smmu.features.stage2 }

  /// `IOMMU_HWPT_ALLOC` with IOMMU_HWPT_ALLOC_NEST_PARENT: an S2 domain, finalised (VMID,
  /// page table) at once; -EOPNOTSUPP without FEAT_NESTING (§1.2.1).
  package mutating func addNestParent(name: String) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      try d.requirePerMasterForNesting("nest-parent \(name)")
      guard d.domains[name] == nil else { throw DriverError(.eexist, "domain \(name) exists") }
      guard d.nestingSupported else {
        throw DriverError(.eopnotsupp, "nest-parent \(name): the SMMU lacks FEAT_NESTING (S1P and S2P)")
      }
      var dom = Domain(name: name, kind: .s2, mm: nil)
      dom.nestParent = true
      d.domains[name] = dom
      d.recentDomains.forget()
      d.domainOrder.append(name)
      try d.finalise(name, firstMaster: nil)
      d.note("nest parent \(name): VMID \(d.domains[name]?.vmid ?? 0)")
    }
  }

  /// `IOMMU_VIOMMU_ALLOC` on a nest parent (§1.2.2): -EINVAL if the HWPT is not a nest parent,
  /// -EOPNOTSUPP without FEAT_NESTING. The vSMMU takes the parent's VMID (§1.9).
  package mutating func addVIOMMU(name: String, parent: String) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      try d.requirePerMasterForNesting("viommu \(name)")
      guard d.viommus[name] == nil else { throw DriverError(.eexist, "viommu \(name) exists") }
      let p = try d.domain(parent)
      guard p.nestParent, let vmid = p.vmid else {
        throw DriverError(.einval, "\(parent) is not a nest parent (domain NAME s2 nest-parent)")
      }
      guard d.nestingSupported else { throw DriverError(.eopnotsupp, "the SMMU lacks FEAT_NESTING") }
      d.viommus[name] = VSMMU(name: name, parent: parent, vmid: vmid)
      d.note("viommu \(name) on \(parent): VMID \(vmid)")
    }
  }

  /// `IOMMU_VDEVICE_ALLOC`: the guest's stream ID for a master (§1.2.3). -EOPNOTSUPP for a
  /// master with more than one stream; -EEXIST for a vSID or a master already bound.
  package mutating func addVDevice(viommu: String, master: String, vsid: UInt32) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      try d.requirePerMasterForNesting("vdevice on \(viommu)")
      guard let v = d.viommus[viommu] else { throw DriverError(.enodev, "no viommu \(viommu)") }
      let m = try d.master(master)
      guard m.uniqueSIDs.count == 1 else {
        throw DriverError(.eopnotsupp, "\(master) has \(m.uniqueSIDs.count) streams: a vDEVICE takes one")
      }
      if let other = v.vdevices[vsid] { throw DriverError(.eexist, "vSID \(vsid) of \(viommu) is \(other)") }
      if let bound = v.vsid(of: master) {
        throw DriverError(.eexist, "\(master) already has vSID \(bound) on \(viommu)")
      }
      d.viommus[viommu]?.vdevices[vsid] = master
      d.note("vdevice \(viommu): vSID \(vsid) -> \(master) (SID \(hex(UInt64(m.sids[0]))))")
    }
  }

  /// `alloc_domain_nested`: a nested domain on a vSMMU from the guest's vSTE, validated
  /// (§1.3: -EIO).
  package mutating func addNestedDomain(name: String, viommu: String, q0: UInt64, q1: UInt64)
    -> OperationTrace
  {
    operation { (d: inout Driver) throws(DriverError) in
      try d.requirePerMasterForNesting("nested domain \(name)")
      guard d.domains[name] == nil else { throw DriverError(.eexist, "domain \(name) exists") }
      guard d.viommus[viommu] != nil else { throw DriverError(.enodev, "no viommu \(viommu)") }
      var dom = Domain(name: name, kind: .nested, mm: nil)
      dom.nested = try NestedSTE(viommu: viommu, q0: q0, q1: q1)
      dom.finalised = true
      d.domains[name] = dom
      d.recentDomains.forget()
      d.domainOrder.append(name)
      d.note("nested domain \(name) on \(viommu): vSTE \(dom.nested!.config.name)")
    }
  }

  /// Where the domain whose device list holds a master attached to `name` is in `domains`:
  /// a nested domain's attachment sits on its S2 parent's list (§1.1). Nil when there is no
  /// such domain; one lookup and no copy for a domain that is not nested.
  mutating func listOwnerIndex(_ name: String?) -> DomainIndex? {
    guard let name, let di = domainIndexIfAny(name) else { return nil }
    guard let viommu = inPlace(domain: di, { $0.nested?.viommu }) else { return di }
    guard let parent = viommus[viommu]?.parent else { return nil }
    return domainIndexIfAny(parent)
  }

  /// `arm_smmu_attach_dev_nested` (§1.2.5, §1.4, §1.5): -EBUSY while PASIDs are in use; a
  /// stage-1 vSTE needs a vDEVICE (-ENOENT, the vSID lookup's error). The master joins the
  /// parent's list; its STE is the nested STE, the parent's S2 STE (bypass vSTE) or abort.
  mutating func nestedAttach(_ dom: Domain, _ m: Master) throws(DriverError) {
    guard let ns = dom.nested, let v = viommus[ns.viommu], let parent = domains[v.parent] else {
      throw DriverError(.einval, "\(dom.name) is not a nested domain on a live vSMMU")
    }
    guard m.usedSSIDs == 0 else {
      throw DriverError(.ebusy, "\(m.name) has PASIDs in use: a nested STE has no host CD table")
    }
    var vmaster: VMaster?
    if ns.config == .s1Translate {
      guard let vsid = v.vsid(of: m.name) else {
        throw DriverError(.enoent, "\(m.name) has no vDEVICE on \(v.name): a stage-1 vSTE needs its vSID")
      }
      vmaster = VMaster(viommu: v.name, vsid: vsid)
    }
    let old = m.ridDomain
    // v7.0+: the guest's EATS decides for a stage-1 vSTE; abort and bypass follow the host.
    let ats = (ns.config == .s1Translate ? ns.enableATS : true) && m.atsSupported
    domains[v.parent]?.devices.append(MasterDomain(master: m.name, ssid: 0))
    // The attachment's entries go to the parent's array (§2.4: S2_VMID, S2_VMID_S1_CLEAR and,
    // with ATS, ATS_FULL per SID), published before the STE write (§2.5).
    mergeInvs(domain: v.parent, master: m.name, ssid: 0, ats: ats)
    if m.atsEnabled && !ats {
      for sid in m.uniqueSIDs { smmu.setEndpointATS(sid: sid, enabled: false) }
      note("pci_disable_ats \(m.name)")
    }
    let s2 = EntryBuilder.s2STE(
      vttbr: parent.pageTable?.root.base ?? 0, vtcr: stage2Control, vmid: parent.vmid ?? 0, ats: ats,
      masterStall: m.stallEnabled, attributeTypesOverride: smmu.features.attributeTypesOverride)
    let ste: StreamTableEntry
    switch ns.config {
    case .s1Translate: ste = EntryBuilder.nestedSTE(vste: ns, s2STE: s2)
    case .bypass: ste = s2
    default: ste = EntryBuilder.abortSTE()
    }
    // The index stays valid: installing and committing add and remove no master.
    guard let mi = masters.index(forKey: m.name) else { return }
    installSTE(mi, ste)
    commit(mi, ats: ats, ssid: 0, oldDomain: listOwnerIndex(old))
    inPlace(master: mi) {
      $0.ridDomain = dom.name
      $0.vmaster = vmaster
    }
  }

  /// The vSTE of the nested domain a master is attached to, if any.
  package func attachedNestedSTE(of master: String) -> NestedSTE? {
    masters[master]?.ridDomain.flatMap { domains[$0]?.nested }
  }

  /// A master that goes away takes its vDEVICEs with it (iommufd destroys them with the
  /// device's binding).
  mutating func dropVDevices(of master: String) {
    for name in viommus.keys {
      guard let vsid = viommus[name]?.vsid(of: master) else { continue }
      viommus[name]?.vdevices[vsid] = nil
      note("vdevice \(name): vSID \(vsid) of \(master) destroyed")
    }
  }

  /// A map on a nest parent maps guest RAM: the PA range becomes allocated memory (purpose
  /// data) so `write mem` can place the guest's CD tables and page tables there. A range
  /// inside one allocation is left as it is; one overlapping other memory is -EINVAL.
  mutating func placeGuestRAM(parent: String, pa: UInt64, size: UInt64) throws(DriverError) {
    let base = pa & ~0xFFF
    let end = (pa + max(size, 1) + 0xFFF) & ~0xFFF
    if let a = smmu.memory.allocation(containing: base), a.contains(end - 1) { return }
    do {
      _ = try smmu.allocate(at: base, bytes: end - base, purpose: .data, owner: "guest RAM of \(parent)")
      note("guest RAM of \(parent): \(hex(base))-\(hex(end - 1))")
    } catch {
      throw DriverError(.einval, "guest RAM \(hex(base))-\(hex(end - 1)) overlaps memory in use (\(error))")
    }
  }

  /// Event IDs `arm_smmu_handle_event` handles (§1.8); others are only logged.
  static let forwardableEvents: Set<EventType> = [
    .cBadSTE, .fStreamDisabled, .cBadSubstreamID, .cBadCD, .fTranslation, .fAddrSize, .fAccess,
    .fPermission,
  ]

  /// Sends the events recorded since `first` that belong to a guest to its vEVENTQ: those of a
  /// master with a vmaster, S2 clear, not stalled, of a handled type, SID replaced by the vSID.
  mutating func forwardGuestEvents(from first: Int) {
    guard !viommus.isEmpty, smmu.events.count > first else { return }
    for e in smmu.events[first...] where !e.stage2 && !e.stall && Self.forwardableEvents.contains(e.type) {
      guard let owner = sidOwners[e.sid], let vm = masters[owner]?.vmaster else { continue }
      let guest = Event(
        type: e.type, sid: vm.vsid, ssid: e.ssid, address: e.address,
        fetchAddress: e.fetchAddress, stage2: false, read: e.read, eventClass: e.eventClass, ipa: e.ipa)
      viommus[vm.viommu]?.events.append(guest)
      note("vEVENTQ \(vm.viommu): \(guest.description)")
    }
  }
}
