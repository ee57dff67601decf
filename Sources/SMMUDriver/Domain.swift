import SMMUModel

/// The kinds of iommu_domain the model has.
package enum DomainKind: String, Sendable, Hashable, CaseIterable {
  case blocked, identity
  /// A paging domain translated at stage 1 (ASID).
  case paging
  /// A paging domain translated at stage 2 (VMID), as VFIO uses.
  case s2
  /// Shared virtual addressing: bound to a process address space.
  case sva
  /// An iommufd nested domain: a guest's vSTE on a vSMMU, over the vSMMU's S2 parent.
  case nested
}

/// One (master, ssid) attachment on a domain's device list (`arm_smmu_master_domain`).
package struct MasterDomain: Sendable, Hashable {
  package let master: String
  /// 0 for the RID, else the PASID.
  package let ssid: UInt32
}

/// An iommu domain (`struct arm_smmu_domain`) with the state each design keeps.
package struct Domain: Sendable, Hashable {
  package let name: String
  package let kind: DomainKind
  /// The process address space an SVA domain is bound to.
  package let mm: String?
  package internal(set) var asid: UInt16?
  package internal(set) var vmid: UInt16?
  /// The domain's translation table (paging and S2 domains; SVA domains use their mm's).
  package internal(set) var pageTable: IOPageTable?
  /// Attachments. Legacy: one entry per attached master (ssid 0) plus SVA binds through
  /// it; per-master: one entry per (master, ssid).
  package internal(set) var devices: [MasterDomain] = []
  /// True once finalised (ASID/VMID and, in legacy, the CD table allocated).
  package internal(set) var finalised = false
  /// The invalidation array (with `DriverOptions.invs`; empty otherwise).
  package internal(set) var invs = InvalidationArray()
  /// An S2 domain allocated with IOMMU_HWPT_ALLOC_NEST_PARENT (vSMMUs sit on it).
  package internal(set) var nestParent = false
  /// A nested domain's vSMMU and validated vSTE.
  package internal(set) var nested: NestedSTE? {
    get { rare?.value.nested }
    set { updateRare { $0.nested = newValue } }
  }

  // Legacy design state.
  /// The domain-owned CD table (legacy S1 domains).
  package internal(set) var legacyCDTable: CDTable? {
    get { rare?.value.legacyCDTable }
    set { updateRare { $0.legacyCDTable = newValue } }
  }
  /// s1cdmax fixed by the first master (legacy).
  package internal(set) var legacyS1CDMax: Int? {
    get { rare?.value.legacyS1CDMax }
    set { updateRare { $0.legacyS1CDMax = newValue } }
  }
  /// stall_enabled copied from the first master (legacy).
  package internal(set) var legacyStall: Bool {
    get { rare?.value.legacyStall ?? false }
    set { updateRare { $0.legacyStall = newValue } }
  }
  /// Legacy SVA notifiers on this domain: mm -> bind count.
  package internal(set) var legacySVABinds: [String: Int] {
    get { rare?.value.legacySVABinds ?? [:] }
    set { updateRare { $0.legacySVABinds = newValue } }
  }

  /// The state only some domains have (a nested vSTE; the legacy design's CD table, its
  /// shape and SVA binds), out of line: inline it made a domain 352 bytes, and the driver's
  /// table of domains 48 MB at 50 000 domains. Nil while every field has its default.
  private var rare: OutOfLine<Rare>?

  /// The fields of `rare`.
  private struct Rare: Sendable, Hashable {
    var nested: NestedSTE?
    var legacyCDTable: CDTable?
    var legacyS1CDMax: Int?
    var legacyStall = false
    var legacySVABinds: [String: Int] = [:]
  }

  /// Applies `change` to the rare fields (see `OutOfLine.update`).
  private mutating func updateRare(_ change: (inout Rare) -> Void) {
    OutOfLine.update(&rare, empty: Rare(), change)
  }

  package init(name: String, kind: DomainKind, mm: String?) {
    self.name = name
    self.kind = kind
    self.mm = mm
  }

  /// True for domains that hold a translation and track devices (paging, S2, SVA).
  package var isTranslating: Bool { kind == .paging || kind == .s2 || kind == .sva }
}

/// A process address space that SVA domains bind to.
package struct AddressSpace: Sendable, Hashable {
  package let name: String
  /// The mm's PASID (global, fixed by its first bind).
  package internal(set) var pasid: UInt32?
  /// The CPU ASID the legacy design shares with the SMMU.
  package let cpuASID: UInt16
  /// The CPU page table (the "pgd").
  package internal(set) var pageTable: IOPageTable
  package internal(set) var released = false
}
