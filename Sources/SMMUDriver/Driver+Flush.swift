import SMMUModel

extension Driver {
  /// `iommu_flush_iotlb_all` on a domain, as the core calls it after installing a default
  /// domain's direct mappings: the driver's whole-context TLB invalidation (TLBI_NH_ASID of
  /// a stage-1 domain's ASID, TLBI_S12_VMALL of a stage-2 domain's VMID, each with a sync),
  /// then ATC invalidation of the domain's ATS masters. A domain not yet finalised (legacy:
  /// never attached) has no ASID or VMID, and the driver issues nothing. Identity, blocked
  /// and SVA domains have no IOTLB to flush.
  package mutating func flushIOTLB(domain: String) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let dom = try d.domain(domain)
      if d.options.invs && (dom.kind == .paging || dom.kind == .s2) && dom.finalised {
        // arm_smmu_domain_inv: everything, from the array (nothing while unattached).
        return d.issue(dom.invs.commands(for: .everything))
      }
      switch dom.kind {
      case .paging:
        guard let asid = dom.asid else { return d.note("\(domain) is not finalised: nothing to flush") }
        d.issue([.tlbiNHASID(vmid: 0, asid: asid), .sync])
      case .s2:
        guard let vmid = dom.vmid else { return d.note("\(domain) is not finalised: nothing to flush") }
        d.issue([.tlbiS12VMAll(vmid: vmid), .sync])
      case .identity, .blocked, .sva, .nested:
        return d.note("\(dom.kind.rawValue) domain \(domain) has no IOTLB to flush")
      }
      d.invalidateATC(of: try d.domainIndex(domain), address: 0, size: 52)
    }
  }
}
