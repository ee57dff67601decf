import SMMUModel

/// The memory an `IOPageTable` lives in: where its descriptors are read and stored, and
/// where its table pages come from. The host's is the SMMU's physical memory; a guest's is
/// its RAM, addressed by IPA (`GuestMemory`).
package protocol TableMemory {
  /// Why a table page cannot be had (`Never` for the host, whose allocator always succeeds).
  associatedtype Failure: Error
  /// The descriptor at `address`, or 0 where nothing can be read.
  func readTable(_ address: UInt64) -> UInt64
  /// One 64-bit store into a table.
  mutating func storeTable(_ address: UInt64, _ value: UInt64)
  /// A zeroed, 4 KiB-aligned table page.
  mutating func allocateTable(owner: String) throws(Failure) -> Allocation
  /// Gives a table page back.
  mutating func freeTable(_ address: UInt64)
}

extension SMMU: TableMemory {
  package typealias Failure = Never

  // (`memory.read`, not `read`: calling the SMMU's own method copied the whole SMMU to the
  // stack first when the SMMU was an `inout` argument.)
  package func readTable(_ address: UInt64) -> UInt64 { (try? memory.read(address)) ?? 0 }

  package mutating func storeTable(_ address: UInt64, _ value: UInt64) {
    _ = try? write(address, value, writer: "pgtable")
  }

  package mutating func allocateTable(owner: String) -> Allocation {
    allocate(
      bytes: PageTableFormat.granule, align: PageTableFormat.granule, purpose: .pageTable, owner: owner)
  }

  package mutating func freeTable(_ address: UInt64) { try? free(address) }
}
