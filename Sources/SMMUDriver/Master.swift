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
  package var group: String? { rare?.value.group }
  /// The device has a direct-mapped reserved region (IOMMU_RESV_DIRECT, an IORT RMR): the
  /// core's `require_direct`, so its release domain is identity instead of blocked.
  package let rmr: Bool
  /// `master->ats_always_on` (Linux 7.2, upstream-2026.md §4.2): the device requires ATS, so
  /// its CD table exists from probe to release and identity is a CD-table STE with
  /// S1DSS=bypass and ATS on. Set at probe by the per-master design only.
  package let atsAlwaysOn: Bool

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
  package internal(set) var vmaster: VMaster? {
    get { rare?.value.vmaster }
    set { OutOfLine.update(&rare, empty: Rare()) { $0.vmaster = newValue } }
  }

  /// The fields few masters set (a shared iommu group, a nested vmaster), out of line: the
  /// driver's table of masters holds every master inline, 262 144 slots at 100 000 masters.
  /// Nil while both are unset.
  private var rare: OutOfLine<Rare>?

  /// The fields of `rare`.
  private struct Rare: Sendable, Hashable {
    var group: String?
    var vmaster: VMaster?
  }

  package init(
    name: String, sids: [UInt32], ssidBits: Int, ats: Bool, stall: Bool, group: String?, rmr: Bool = false,
    atsAlwaysOn: Bool = false
  ) {
    self.name = name
    self.sids = sids
    self.ssidBits = ssidBits
    self.atsSupported = ats
    self.stallEnabled = stall
    rare = group.map { OutOfLine(Rare(group: $0)) }
    self.rmr = rmr
    self.atsAlwaysOn = atsAlwaysOn
  }

  /// The SSID bits its CD table is sized for: `max(ssid_bits, 1)` with ATS always on, so
  /// S1CDMax is not 0 and the SMMU honours S1DSS.
  package var cdTableSSIDBits: Int { atsAlwaysOn ? max(ssidBits, 1) : ssidBits }

  /// SIDs without duplicates, in order (bridged devices may alias).
  package var uniqueSIDs: [UInt32] {
    if sids.count < 2 { return sids }
    var seen = Set<UInt32>()
    return sids.filter { seen.insert($0).inserted }
  }
}
