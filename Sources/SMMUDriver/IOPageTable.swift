import SMMUModel

/// The driver's io-pgtable: a 4-level, 4 KiB-granule table in simulated memory that map and
/// unmap edit with logged stores ("pgtable"), and that the hardware model walks. The memory
/// is a `TableMemory`: the SMMU's physical memory for the host, guest RAM for a guest. Like
/// io-pgtable-arm, a leaf is a page (level 3) or a block (2 MiB at level 2, 1 GiB at level 1).
package struct IOPageTable: Sendable, Hashable {
  package let stage2: Bool
  /// The owner and root table, which never change, in one shared object: a table is held
  /// inline by its domain, and inline they made it 96 bytes.
  private let fixed: Fixed
  package var owner: String { fixed.owner }
  package var root: Allocation { fixed.root }
  /// Every table page (root included).
  package private(set) var tables: [Allocation]
  /// Mapped leaves: input address of the page or block -> (output address, writable, size).
  package private(set) var mappings: [UInt64: Mapping] = [:]

  /// One mapped leaf: a 4 KiB page or a 2 MiB / 1 GiB block.
  package struct Mapping: Sendable, Hashable {
    package let pa: UInt64
    package let writable: Bool
    package var size: UInt64 = 4096
  }

  /// The sizes io-pgtable maps with (pgsize_bitmap of a 4 KiB granule), largest first.
  package static let leafSizes: [UInt64] = [1 << 30, 1 << 21, 1 << 12]
  static let format = PageTableFormat.standard

  /// The level a leaf of `size` sits at (1 GiB: 1, 2 MiB: 2, 4 KiB: 3).
  static func level(ofSize size: UInt64) -> Int { size == 1 << 30 ? 1 : size == 1 << 21 ? 2 : 3 }

  /// The core's `iommu_pgsize`: the largest leaf size both addresses are aligned to that fits in
  /// `remaining` (4 KiB when `blocks` is off).
  package static func chunkSize(iova: UInt64, pa: UInt64, remaining: UInt64, blocks: Bool) -> UInt64 {
    guard blocks else { return 4096 }
    return leafSizes.first { (iova | pa) & ($0 - 1) == 0 && $0 <= remaining } ?? 4096
  }

  /// The fields of `fixed` (immutable, so sharing it keeps value semantics).
  private final class Fixed: Sendable, Hashable {
    let owner: String
    let root: Allocation

    init(owner: String, root: Allocation) {
      self.owner = owner
      self.root = root
    }

    static func == (a: Fixed, b: Fixed) -> Bool { a === b || (a.owner == b.owner && a.root == b.root) }

    func hash(into h: inout Hasher) {
      h.combine(owner)
      h.combine(root)
    }
  }

  package init<M: TableMemory>(stage2: Bool, owner: String, memory: inout M) throws(M.Failure) {
    self.stage2 = stage2
    let root = try memory.allocateTable(owner: "page table of \(owner)")
    fixed = Fixed(owner: owner, root: root)
    tables = [root]
  }

  /// What a walk to the slot of a leaf of `size` at `iova` finds.
  package enum Slot: Sendable, Hashable {
    /// A leaf (page or block) covers `iova` at or above the level: mapped already.
    case leaf(iova: UInt64, size: UInt64)
    /// A table sits in the slot (a block would replace it).
    case table(UInt64)
    case empty
  }

  /// Walks towards the slot of a `size` leaf at `iova` without changing anything.
  package func slot<M: TableMemory>(iova: UInt64, size: UInt64, memory: M) -> Slot {
    var table = root.base
    let target = Self.level(ofSize: size)
    for level in 0...target {
      let desc = memory.readTable(table + UInt64(PageTableFormat.index(iova, level: level) * 8))
      guard desc & 1 == 1 else { return .empty }
      let isTable = level < 3 && desc & 3 == 3
      if !isTable {
        let bytes = UInt64(1) << UInt64(Self.format.shift(level: level))
        return .leaf(iova: iova & ~(bytes - 1), size: bytes)
      }
      if level == target { return .table(desc & PageTableFormat.addressMask) }
      table = desc & PageTableFormat.addressMask
    }
    return .empty
  }

  /// Maps one leaf of `size` (4 KiB, 2 MiB or 1 GiB; `iova` and `pa` aligned to it),
  /// allocating intermediate tables as needed. The slot must be empty (see `slot`). Returns
  /// the stores made.
  @discardableResult
  package mutating func map<M: TableMemory>(
    iova: UInt64, pa: UInt64, writable: Bool, size: UInt64 = 4096, memory: inout M
  ) throws(M.Failure) -> Int {
    var stores = 0
    var table = root.base
    let target = Self.level(ofSize: size)
    for level in 0..<target {
      let slot = table + UInt64(PageTableFormat.index(iova, level: level) * 8)
      let desc = memory.readTable(slot)
      if desc & PageTableFormat.validTable == PageTableFormat.validTable {
        table = desc & PageTableFormat.addressMask
        continue
      }
      let next = try memory.allocateTable(owner: "page table of \(owner)")
      tables.append(next)
      memory.storeTable(slot, PageTableFormat.table(next.base))
      stores += 1
      table = next.base
    }
    let leaf = table + UInt64(PageTableFormat.index(iova, level: target) * 8)
    let pte =
      target < 3
      ? PageTableFormat.block(pa, writable: writable, stage2: stage2)
      : stage2
        ? PageTableFormat.s2Page(pa, writable: writable) : PageTableFormat.s1Page(pa, writable: writable)
    memory.storeTable(leaf, pte)
    mappings[iova & ~(size - 1)] = Mapping(pa: pa & ~(size - 1), writable: writable, size: size)
    return stores + 1
  }

  /// Unmaps the leaf of exactly `size` at `iova` (clears its descriptor). Returns false if
  /// no leaf of that size is mapped there.
  @discardableResult
  package mutating func unmap<M: TableMemory>(iova: UInt64, size: UInt64 = 4096, memory: inout M) -> Bool {
    let base = iova & ~(size - 1)
    guard mappings[base]?.size == size else { return false }
    mappings[base] = nil
    var table = root.base
    for level in 0..<Self.level(ofSize: size) {
      let slot = table + UInt64(PageTableFormat.index(iova, level: level) * 8)
      let desc = memory.readTable(slot)
      guard desc & 3 == 3 else { return false }
      table = desc & PageTableFormat.addressMask
    }
    let slot = table + UInt64(PageTableFormat.index(iova, level: Self.level(ofSize: size)) * 8)
    memory.storeTable(slot, 0)
    return true
  }

  /// Clears the table descriptor in the slot of a `size` leaf at `iova` and frees the table
  /// under it and its sub-tables (io-pgtable's unmap of a table, before a block replaces it
  /// or when an unmap covers it whole). Its leaves must be unmapped already. Returns the store.
  /// With `freeFirst` (the `early-free` mutation) the tables are freed before the descriptor
  /// pointing at them is cleared.
  package mutating func removeTable<M: TableMemory>(
    iova: UInt64, size: UInt64, memory: inout M, freeFirst: Bool = false
  ) -> Int {
    var table = root.base
    let target = Self.level(ofSize: size)
    for level in 0..<target {
      table =
        memory.readTable(table + UInt64(PageTableFormat.index(iova, level: level) * 8))
        & PageTableFormat.addressMask
    }
    let slot = table + UInt64(PageTableFormat.index(iova, level: target) * 8)
    var doomed = [memory.readTable(slot) & PageTableFormat.addressMask]
    if !freeFirst { memory.storeTable(slot, 0) }
    var i = 0
    while i < doomed.count {
      for e in 0..<512 {
        let d = memory.readTable(doomed[i] + UInt64(e * 8))
        if d & 3 == 3 && tables.contains(where: { $0.base == d & PageTableFormat.addressMask }) {
          doomed.append(d & PageTableFormat.addressMask)
        }
      }
      i += 1
    }
    for t in doomed { memory.freeTable(t) }
    if freeFirst { memory.storeTable(slot, 0) }
    tables.removeAll { doomed.contains($0.base) }
    let start = iova & ~(size - 1)
    for k in mappings.keys where k >= start && k - start < size { mappings[k] = nil }
    return 1
  }

  /// Frees every table page (the caller has unmapped and invalidated first).
  package func free<M: TableMemory>(memory: inout M) {
    for t in tables { memory.freeTable(t.base) }
  }

  /// The output address of `iova` by the mapped leaves (the driver's own record, no walk);
  /// nil when no leaf covers it.
  package func translate(_ iova: UInt64) -> UInt64? {
    for size in Self.leafSizes {
      if let m = mappings[iova & ~(size - 1)], m.size == size { return m.pa | (iova & (size - 1)) }
    }
    return nil
  }

  /// Bytes of table pages.
  package var bytes: UInt64 { tables.reduce(0) { $0 + $1.occupied } }
}
