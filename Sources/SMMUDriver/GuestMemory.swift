import SMMUModel

/// A guest's RAM as a `TableMemory`: addresses are IPAs, translated by the nest parent's
/// stage 2 (the driver's record of its mappings) to PAs in the SMMU's memory; table pages
/// come from the guest's allocator. Holds the SMMU for the duration of one edit
/// (`Driver.withGuestMemory`).
struct GuestMemory: TableMemory {
  typealias Failure = DriverError
  var smmu: SMMU
  /// The parent's stage-2 table.
  let stage2: IOPageTable
  var ram: GuestRAM
  /// The vSMMU (for messages).
  let viommu: String

  /// The PA behind an IPA; -EFAULT when the parent does not map it.
  func pa(_ ipa: UInt64) throws(DriverError) -> UInt64 {
    guard let pa = stage2.translate(ipa) else {
      throw DriverError(
        .efault, "IPA \(hex(ipa)) is not guest RAM of \(viommu): its nest parent does not map it")
    }
    return pa
  }

  func readTable(_ address: UInt64) -> UInt64 {
    guard let pa = try? pa(address) else { return 0 }
    return (try? smmu.read(pa)) ?? 0
  }

  mutating func storeTable(_ address: UInt64, _ value: UInt64) {
    guard let pa = try? pa(address) else { return }
    _ = try? smmu.write(pa, value, writer: "guest pgtable")
  }

  /// `bytes` of zeroed guest RAM; -ENOMEM when the parent's mapped IPA space has no room.
  mutating func allocate(bytes: UInt64, purpose: MemoryPurpose, owner: String) throws(DriverError)
    -> Allocation
  {
    guard let ipa = ram.allocate(bytes: bytes, in: GuestRAM.ranges(of: stage2)) else {
      throw DriverError(
        .enomem,
        "guest RAM of \(viommu) exhausted: no \(bytes) free bytes in the IPA ranges its nest parent maps")
    }
    let size = ram.regions[ipa] ?? bytes
    for a in stride(from: ipa, to: ipa + size, by: 8) where readTable(a) != 0 { storeTable(a, 0) }
    return Allocation(base: ipa, requested: bytes, occupied: size, purpose: purpose, owner: owner)
  }

  mutating func allocateTable(owner: String) throws(DriverError) -> Allocation {
    try allocate(bytes: PageTableFormat.granule, purpose: .pageTable, owner: owner)
  }

  mutating func freeTable(_ address: UInt64) { ram.free(address) }
}
