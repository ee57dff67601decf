import SMMUModel

/// A device behind the SMMU (`struct arm_smmu_master`), with the state each design keeps.
public struct Master: Sendable, Hashable {
  public let name: String
  public let sids: [UInt32]
  /// Substream (PASID) bits the device supports: 0-20.
  public let ssidBits: Int
  /// The device supports ATS.
  public let atsSupported: Bool
  /// The device requires stall (stall_enabled).
  public let stallEnabled: Bool
  /// The iommu group it belongs to, if it shares one with other masters.
  public let group: String?

  /// The domain attached to the RID (the core's view; nil = blocked at probe).
  public internal(set) var ridDomain: String?
  /// PASID attachments: pasid -> domain.
  public internal(set) var pasidDomains: [UInt32: String] = [:]
  /// ATS currently enabled at the endpoint.
  public internal(set) var atsEnabled = false

  // Per-master design state (`master->cd_table`).
  /// The master's own CD table, allocated on first need and kept until the master goes.
  public internal(set) var cdTable: CDTable?
  /// Valid CDs at SSID != 0.
  public internal(set) var usedSSIDs = 0
  /// The installed STE is a CD-table STE pointing at `cdTable`.
  public internal(set) var cdTableInSTE = false
  /// The installed STE has EATS = TRANS.
  public internal(set) var steATSEnabled = false

  public init(name: String, sids: [UInt32], ssidBits: Int, ats: Bool, stall: Bool, group: String?) {
    self.name = name
    self.sids = sids
    self.ssidBits = ssidBits
    self.atsSupported = ats
    self.stallEnabled = stall
    self.group = group
  }

  /// SIDs without duplicates, in order (bridged devices may alias).
  public var uniqueSIDs: [UInt32] {
    if sids.count < 2 { return sids }
    var seen = Set<UInt32>()
    return sids.filter { seen.insert($0).inserted }
  }
}
