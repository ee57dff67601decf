import SMMUModel

/// The per-domain invalidation array (`DriverOptions.invs`, Linux 7.1): kept on attach and
/// detach (upstream-2026 §2.5), read by every invalidation of the domain (§2.7).
extension Driver {
  /// What an attachment of `master` at `ssid` adds to `domain`'s array.
  func invsContribution(_ dom: Domain, master name: String, ssid: UInt32, ats: Bool) -> [Invalidation] {
    InvalidationArray.contribution(
      kind: dom.kind, asid: dom.asid, vmid: dom.vmid, nestParent: dom.nestParent,
      sids: masters[name]?.uniqueSIDs ?? [], ats: ats, ssid: ssid)
  }

  /// `arm_smmu_attach_prepare_invs`, new side: the attachment's entries merged into a new
  /// array, published before any entry write.
  mutating func mergeInvs(domain: String, master name: String, ssid: UInt32, ats: Bool) {
    guard options.invs, let dom = domains[domain], dom.isTranslating else { return }
    let add = invsContribution(dom, master: name, ssid: ssid, ats: ats)
    guard !add.isEmpty else { return }
    let merged = dom.invs.merging(add)
    update(domain: domain) { $0.invs = merged }
    note(
      "invs of \(domain): merge \(add.map(\.description).joined(separator: ", ")) -> \(merged.description)")
  }

  /// `arm_smmu_install_old_domain_invs`: the attachment's entries (built with the master's
  /// ATS state before the change) unreferenced; if the tag (ASID or VMID) lost its last user,
  /// its TLBI + CMD_SYNC now; then the trash purged.
  mutating func unrefInvs(domain: String, master name: String, ssid: UInt32, ats: Bool) {
    guard options.invs, let dom = domains[domain], dom.isTranslating else { return }
    let drop = invsContribution(dom, master: name, ssid: ssid, ats: ats)
    guard let tag = drop.first else { return }
    var array = dom.invs
    let left = array.unref(drop)
    note(
      "invs of \(domain): unref \(drop.map(\.description).joined(separator: ", ")) -> \(array.description)")
    if left.contains(nil) { note("invs of \(domain): unref of an entry not in the array (WARN)") }
    update(domain: domain) { $0.invs = array }
    if left.first == 0 {
      switch tag.kind {
      case .s1ASID: issue([.tlbiNHASID(vmid: 0, asid: UInt16(truncatingIfNeeded: tag.id)), .sync])
      default: issue([.tlbiS12VMAll(vmid: UInt16(truncatingIfNeeded: tag.id)), .sync])
      }
    }
    if let purged = array.purged() {
      update(domain: domain) { $0.invs = purged }
      note("invs of \(domain): purge -> \(purged.description)")
    }
  }

  /// Invalidates a range of the leaves of the domain at `di`: from the array with `invs`, else
  /// the walk of the design (TLBIs + sync, then the ATC of the attached ATS masters).
  mutating func invalidateRange(
    _ di: DomainIndex, _ addresses: [UInt64], granule: UInt64, leaf: Bool, atc: (address: UInt64, size: Int)
  ) {
    if options.invs {
      let request = InvalidationRequest(
        addresses: addresses, granule: granule, leaf: leaf, atcAddress: atc.address, atcSize: atc.size)
      issue(inPlace(domain: di) { $0.invs.commands(for: request) })
      return
    }
    invalidateTLB(di, addresses, leaf: leaf)
    invalidateATC(of: di, address: atc.address, size: atc.size)
  }
}
