/// What the modelled SMMU implements (the subset of IDR0/IDR1/CR2 the model needs) and how
/// big its caches are.
public struct SMMUFeatures: Sendable, Hashable {
  /// STALL_MODEL: 00 stall and terminate, 01 terminate only, 10 stall forced.
  public enum StallModel: Sendable, Hashable { case stallOrTerminate, terminateOnly, stallForced }

  /// IDR1.SIDSIZE.
  public var sidBits = 16
  /// IDR1.SSIDSIZE (0 = no substreams).
  public var ssidBits = 20
  /// IDR0.ST_LEVEL: 2-level stream tables.
  public var twoLevelStreamTable = true
  /// IDR0.CD2L.
  public var twoLevelCDTable = true
  public var ats = true
  public var stage1 = true
  public var stage2 = true
  public var stallModel = StallModel.stallOrTerminate
  public var asid16 = true
  /// ARM_SMMU_FEAT_ATTR_TYPES_OVR: the driver sets SHCFG=incoming in bypass-like STEs.
  public var attributeTypesOverride = true
  /// CR2.RECINVSID: record C_BAD_STREAMID.
  public var recordInvalidSID = true

  /// Configuration-cache capacity (STEs, CDs, L1 descriptors together).
  public var configCacheEntries = 64
  public var tlbEntries = 256
  /// ATC capacity of each ATS endpoint.
  public var atcEntries = 32
  /// Architecture mode: STEs/CDs seen invalid are cached too. Off: QEMU's mode, where only
  /// successful configuration lookups are cached.
  public var cachesInvalidEntries = true

  public init() {}
}
