import SMMUModel

/// The driver's io-pgtable: a 4-level, 4 KiB-granule table in simulated memory that map and
/// unmap edit with logged stores ("pgtable"), and that the hardware model walks.
package struct IOPageTable: Sendable, Hashable {
  package let stage2: Bool
  package let owner: String
  package private(set) var root: Allocation
  /// Every table page (root included).
  package private(set) var tables: [Allocation]
  /// Mapped pages: input page address -> (output page address, writable).
  package private(set) var mappings: [UInt64: Mapping] = [:]

  /// One mapped page.
  package struct Mapping: Sendable, Hashable {
    package let pa: UInt64
    package let writable: Bool
  }

  package init(stage2: Bool, owner: String, smmu: inout SMMU) {
    self.stage2 = stage2
    self.owner = owner
    root = smmu.allocate(
      bytes: PageTableFormat.granule, align: PageTableFormat.granule, purpose: .pageTable,
      owner: "page table of \(owner)")
    tables = [root]
  }

  /// Maps one 4 KiB page, allocating intermediate tables as needed. Returns the stores made.
  @discardableResult
  package mutating func map(iova: UInt64, pa: UInt64, writable: Bool, smmu: inout SMMU) -> Int {
    var stores = 0
    var table = root.base
    for level in 0..<(PageTableFormat.levels - 1) {
      let slot = table + UInt64(PageTableFormat.index(iova, level: level) * 8)
      let desc = (try? smmu.read(slot)) ?? 0
      if desc & PageTableFormat.validTable == PageTableFormat.validTable {
        table = desc & PageTableFormat.addressMask
        continue
      }
      let next = smmu.allocate(
        bytes: PageTableFormat.granule, align: PageTableFormat.granule, purpose: .pageTable,
        owner: "page table of \(owner)")
      tables.append(next)
      _ = try? smmu.write(slot, PageTableFormat.table(next.base), writer: "pgtable")
      stores += 1
      table = next.base
    }
    let leaf = table + UInt64(PageTableFormat.index(iova, level: 3) * 8)
    let pte =
      stage2
      ? PageTableFormat.s2Page(pa, writable: writable) : PageTableFormat.s1Page(pa, writable: writable)
    _ = try? smmu.write(leaf, pte, writer: "pgtable")
    mappings[iova & ~(PageTableFormat.granule - 1)] = Mapping(
      pa: pa & ~(PageTableFormat.granule - 1), writable: writable)
    return stores + 1
  }

  /// Unmaps one page (clears its leaf descriptor). Returns false if it was not mapped.
  @discardableResult
  package mutating func unmap(iova: UInt64, smmu: inout SMMU) -> Bool {
    let page = iova & ~(PageTableFormat.granule - 1)
    guard mappings.removeValue(forKey: page) != nil else { return false }
    var table = root.base
    for level in 0..<(PageTableFormat.levels - 1) {
      let slot = table + UInt64(PageTableFormat.index(iova, level: level) * 8)
      guard let desc = try? smmu.read(slot), desc & 3 == 3 else { return false }
      table = desc & PageTableFormat.addressMask
    }
    _ = try? smmu.write(table + UInt64(PageTableFormat.index(iova, level: 3) * 8), 0, writer: "pgtable")
    return true
  }

  /// Frees every table page (the caller has unmapped and invalidated first).
  package func free(smmu: inout SMMU) {
    for t in tables { try? smmu.free(t.base) }
  }

  /// Bytes of table pages.
  package var bytes: UInt64 { tables.reduce(0) { $0 + $1.occupied } }
}
