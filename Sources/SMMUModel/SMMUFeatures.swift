/// What the modelled SMMU implements (the subset of IDR0/IDR1/CR2 the model needs) and how
/// big its caches are.
package struct SMMUFeatures: Sendable, Hashable {
  /// STALL_MODEL: 00 stall and terminate, 01 terminate only, 10 stall forced.
  package enum StallModel: Sendable, Hashable { case stallOrTerminate, terminateOnly, stallForced }

  /// IDR1.SIDSIZE.
  package var sidBits = 16
  /// IDR1.SSIDSIZE (0 = no substreams).
  package var ssidBits = 20
  /// IDR0.ST_LEVEL: 2-level stream tables.
  package var twoLevelStreamTable = true
  /// IDR0.CD2L.
  package var twoLevelCDTable = true
  package var ats = true
  package var stage1 = true
  package var stage2 = true
  package var stallModel = StallModel.stallOrTerminate
  package var asid16 = true
  /// ARM_SMMU_FEAT_ATTR_TYPES_OVR: the driver sets SHCFG=incoming in bypass-like STEs.
  package var attributeTypesOverride = true
  /// IDR5.OAS in bits (one of `AddressSize.bits`; QEMU's SMMUv3 has 44): caps the CD's IPS
  /// and the STE's S2PS (the ILLEGAL checks bound table addresses by min(IPS/S2PS, OAS)); also
  /// the input size (IAS) of an address that bypasses stage 1.
  package var oas = 48
  /// CR2.RECINVSID: record C_BAD_STREAMID.
  package var recordInvalidSID = true
  /// IDR0.Hyp: EL2 StreamWorlds and the EL2 TLBIs exist (the driver issues TLBI_EL2_ALL at
  /// reset, as Linux does with ARM_SMMU_FEAT_HYP).
  package var hyp = false
  /// GBPA.ABORT as firmware left it: with SMMUEN=0, incoming traffic aborts (true) or
  /// bypasses (false). The driver model never changes it (Linux does only in bypass mode).
  package var gbpaAbort = true
  /// Event queue entries (2^EVENTQ_BASE.LOG2SIZE): records beyond it are lost until consumed.
  package var eventQueueEntries = 64

  /// Configuration-cache capacity (STEs, CDs, L1 descriptors together).
  package var configCacheEntries = 64
  package var tlbEntries = 256
  /// ATC capacity of each ATS endpoint.
  package var atcEntries = 32
  /// Architecture mode: STEs/CDs seen invalid are cached too. Off: QEMU's mode, where only
  /// successful configuration lookups are cached.
  package var cachesInvalidEntries = true

  package init() {}
}
