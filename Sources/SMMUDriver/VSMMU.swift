import SMMUModel

/// An iommufd vSMMU (`struct arm_vsmmu`) on a nest parent. Its VMID is the parent's: every
/// vSMMU on one parent shares it (upstream-2026.md §1.9).
package struct VSMMU: Sendable, Hashable {
  package let name: String
  /// The S2 nest-parent domain.
  package let parent: String
  /// The parent's VMID, copied when the vSMMU is made.
  package let vmid: UInt16
  /// vDEVICEs: vSID -> master.
  package internal(set) var vdevices: [UInt32: String] = [:]
  /// The vEVENTQ: records forwarded to the guest, SID replaced by the vSID (§1.8).
  package internal(set) var events: [Event] = []

  package init(name: String, parent: String, vmid: UInt16) {
    self.name = name
    self.parent = parent
    self.vmid = vmid
  }

  /// The vSID bound to a master, if any.
  package func vsid(of master: String) -> UInt32? {
    vdevices.first { $0.value == master }?.key
  }
}

/// `struct arm_smmu_vmaster`: set on a master by a nested attach with a stage-1 vSTE.
package struct VMaster: Sendable, Hashable {
  package let viommu: String
  package let vsid: UInt32
}
