import SMMUModel

/// A device behind the SMMU (`struct arm_smmu_master`), with the state each design keeps.
package struct Master: Sendable, Hashable {
  package let name: String
  package let sids: [UInt32]
  /// Substream (PASID) bits the device supports: 0-20.
  package let ssidBits: Int
  /// The device supports ATS.
  package let atsSupported: Bool
  /// The device requires stall (stall_enabled).
  package let stallEnabled: Bool
  /// The iommu group it belongs to, if it shares one with other masters.
  package let group: String?

  /// The domain attached to the RID (the core's view; nil = blocked at probe).
  package internal(set) var ridDomain: String?
  /// PASID attachments: pasid -> domain.
  package internal(set) var pasidDomains: [UInt32: String] = [:]
  /// ATS currently enabled at the endpoint.
  package internal(set) var atsEnabled = false

  // Per-master design state (`master->cd_table`).
  /// The master's own CD table, allocated on first need and kept until the master goes.
  package internal(set) var cdTable: CDTable?
  /// Valid CDs at SSID != 0.
  package internal(set) var usedSSIDs = 0
  /// The installed STE is a CD-table STE pointing at `cdTable`.
  package internal(set) var cdTableInSTE = false
  /// The installed STE has EATS = TRANS.
  package internal(set) var steATSEnabled = false
  /// `master->vmaster`: the vSMMU and vSID of a nested attach with a stage-1 vSTE (nil after
  /// any other attach); events without S2 go to that vSMMU.
  package internal(set) var vmaster: VMaster?

  package init(name: String, sids: [UInt32], ssidBits: Int, ats: Bool, stall: Bool, group: String?) {
    self.name = name
    self.sids = sids
    self.ssidBits = ssidBits
    self.atsSupported = ats
    self.stallEnabled = stall
    self.group = group
  }

  /// SIDs without duplicates, in order (bridged devices may alias).
  package var uniqueSIDs: [UInt32] {
    if sids.count < 2 { return sids }
    var seen = Set<UInt32>()
    return sids.filter { seen.insert($0).inserted }
  }
}
