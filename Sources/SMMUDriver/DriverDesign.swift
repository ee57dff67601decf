/// Which CD-table ownership design the driver model follows.
package enum DriverDesign: String, Sendable, Hashable, CaseIterable {
  /// Linux up to 6.6: an S1 domain owns one CD table shared by every master attached to it.
  case legacy
  /// Linux 6.7+ (6.11+ behaviour): every master owns its CD table; attach_dev writes the
  /// domain's CD at SSID 0; set_dev_pasid works for paging and SVA domains.
  case perMaster = "per-master"
}

/// Options of one driver run.
package struct DriverOptions: Sendable, Hashable {
  package var design: DriverDesign
  /// Allocate single-entry CD tables as 64 bytes instead of a page (not upstream: the memory
  /// suggestion of the design discussion, so the saving can be measured).
  package var compactCDTables: Bool
  /// Issue PREFETCH_CFG after an STE write (upstream does unless ARM_SMMU_OPT_SKIP_PREFETCH).
  package var prefetch: Bool
  /// Keep a per-domain invalidation array and build invalidations from it (Linux 7.1,
  /// `arm_smmu_invs`). Per-master only: the legacy design ignores it.
  package var invs: Bool

  /// Deliberate bugs, for showing what the hazard detector catches.
  package var injectedBugs: Set<InjectedBug>

  package init(
    design: DriverDesign = .perMaster, compactCDTables: Bool = false, prefetch: Bool = true,
    injectedBugs: Set<InjectedBug> = [], invs: Bool = false
  ) {
    self.invs = invs && design == .perMaster
    self.design = design
    self.compactCDTables = compactCDTables
    self.prefetch = prefetch
    self.injectedBugs = injectedBugs
  }

  /// "legacy", "per-master", "per-master+compact", "per-master+invs".
  package var label: String { design.rawValue + (compactCDTables ? "+compact" : "") + (invs ? "+invs" : "") }

  /// Why `invs` cannot go with a design (nil when it can).
  package static func invsRefusal(_ design: DriverDesign) -> String? {
    design == .legacy ? "invs (the invalidation array) needs the per-master design, not legacy" : nil
  }
}

/// A deliberate driver bug.
package enum InjectedBug: String, Sendable, Hashable, CaseIterable {
  /// CD syncs send CMD_SYNC without the CFGI_CD commands.
  case skipCFGICD = "skip-cfgi-cd"
  /// ASID changes and domain frees skip the TLBI of the old ASID.
  case skipTLBIASID = "skip-tlbi-asid"
}
