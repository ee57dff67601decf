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

  /// Deliberate changes to the driver's steps (`inject NAME`), for showing what the checker
  /// and the hazard detector catch. Empty: the driver does what Linux does.
  package var mutations: Set<DriverMutation>

  package init(
    design: DriverDesign = .perMaster, compactCDTables: Bool = false, prefetch: Bool = true,
    mutations: Set<DriverMutation> = [], invs: Bool = false
  ) {
    self.invs = invs && design == .perMaster
    self.design = design
    self.compactCDTables = compactCDTables
    self.prefetch = prefetch
    self.mutations = mutations
  }

  /// "legacy", "per-master", "per-master+compact", "per-master+invs".
  package var label: String { design.rawValue + (compactCDTables ? "+compact" : "") + (invs ? "+invs" : "") }

  /// Why `invs` cannot go with a design (nil when it can).
  package static func invsRefusal(_ design: DriverDesign) -> String? {
    design == .legacy ? "invs (the invalidation array) needs the per-master design, not legacy" : nil
  }
}
