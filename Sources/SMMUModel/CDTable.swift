/// A context-descriptor table's layout in simulated memory: linear (up to 1024 CDs), or
/// 2-level 64K_L2 (an L1 of 8-byte descriptors, V + L2Ptr, and 1024-entry 64 KiB leaves
/// allocated on demand). SSID width up to 20 bits.
///
/// The table allocates; the caller (the driver) writes the CDs and L1 descriptors, so every
/// store is logged and seen by the hardware model.
package struct CDTable: Sendable, Hashable {
  package enum Format: String, Sendable {
    case linear
    case twoLevel = "64K_L2"
  }

  package static let cdBytes: UInt64 = 64
  package static let leafEntries = 1024
  package static let l1Valid = BitField("V", word: 0, 0, 0)
  package static let l1L2Ptr = BitField("L2Ptr", word: 0, 51, 12)

  package let format: Format
  /// log2 of the number of CDs (the STE's S1CDMax).
  package let s1cdmax: Int
  /// What never changes after allocation, in one shared object: a table is held inline by
  /// every master (and legacy domain), and inline these made it 104 bytes.
  private let fixed: Fixed
  /// Leaves by L1 index.
  package private(set) var leaves: [Int: Allocation] = [:]

  /// Number of CDs if linear, of L1 descriptors if 2-level.
  package var rootEntries: Int { fixed.rootEntries }
  /// The linear table or the L1 table.
  package var root: Allocation { fixed.root }
  /// Who owns the table, e.g. "cd-table of nvme0".
  package var owner: String { fixed.owner }

  /// The fields of `fixed` (immutable, so sharing it keeps value semantics).
  private final class Fixed: Sendable, Hashable {
    let rootEntries: Int
    let root: Allocation
    let owner: String

    init(rootEntries: Int, root: Allocation, owner: String) {
      self.rootEntries = rootEntries
      self.root = root
      self.owner = owner
    }

    static func == (a: Fixed, b: Fixed) -> Bool {
      a === b || (a.rootEntries == b.rootEntries && a.root == b.root && a.owner == b.owner)
    }

    func hash(into h: inout Hasher) {
      h.combine(rootEntries)
      h.combine(root)
      h.combine(owner)
    }
  }

  /// Allocates the table for a master (or, in the legacy design, a domain) with
  /// `ssidBits`. Linear when the SMMU lacks 2-level CD tables or 2^ssidBits <= 1024; a
  /// one-entry table is allocated as exactly 64 bytes when `compact` is set.
  package init(
    ssidBits: Int, twoLevelSupported: Bool, compact: Bool, owner: String,
    memory: inout some MemoryAllocator
  ) {
    precondition(ssidBits >= 0 && ssidBits <= 20, "SSID width 0...20")
    s1cdmax = ssidBits
    let maxContexts = 1 << ssidBits
    if !twoLevelSupported || maxContexts <= Self.leafEntries {
      precondition(maxContexts <= Self.leafEntries, "linear CD tables hold at most 1024 CDs")
      format = .linear
      let root = memory.allocate(
        bytes: UInt64(maxContexts) * Self.cdBytes, align: 64, purpose: .cdTable, owner: owner,
        granularity: compact && maxContexts == 1 ? .exact : .page, firstIndex: 0)
      fixed = Fixed(rootEntries: maxContexts, root: root, owner: owner)
    } else {
      format = .twoLevel
      let rootEntries = (maxContexts + Self.leafEntries - 1) / Self.leafEntries
      let root = memory.allocate(
        bytes: UInt64(rootEntries * 8), align: 64, purpose: .cdTableL1, owner: owner + " L1",
        granularity: .page, firstIndex: 0)
      fixed = Fixed(rootEntries: rootEntries, root: root, owner: owner)
    }
  }

  /// Number of CDs the table can index.
  package var capacity: Int { 1 << s1cdmax }

  /// STE.S1Fmt for this table.
  package var s1fmt: UInt64 {
    format == .linear ? StreamTableEntry.s1fmtLinear : StreamTableEntry.s1fmt64KL2
  }

  /// Address of CD `ssid`, or nil when out of range or its leaf is not allocated.
  package func cdAddress(_ ssid: UInt32) -> UInt64? {
    guard Int(ssid) < capacity else { return nil }
    switch format {
    case .linear: return root.base + UInt64(ssid) * Self.cdBytes
    case .twoLevel:
      guard let leaf = leaves[Int(ssid) / Self.leafEntries] else { return nil }
      return leaf.base + UInt64(Int(ssid) % Self.leafEntries) * Self.cdBytes
    }
  }

  /// A newly allocated leaf and the L1 descriptor the caller must write (then sync, leaf=0).
  package struct NewLeaf: Sendable, Hashable {
    package let leaf: Allocation
    package let descriptorAddress: UInt64
    package let descriptor: UInt64
  }

  /// Allocates the 64 KiB leaf holding `ssid` if it is missing.
  package mutating func ensureLeaf(for ssid: UInt32, memory: inout some MemoryAllocator) -> NewLeaf? {
    guard format == .twoLevel, Int(ssid) < capacity else { return nil }
    let index = Int(ssid) / Self.leafEntries
    if leaves[index] != nil { return nil }
    let leaf = memory.allocate(
      bytes: UInt64(Self.leafEntries) * Self.cdBytes, align: 4096, purpose: .cdTableLeaf,
      owner: owner + " leaf[\(index)]", granularity: .page,
      firstIndex: UInt64(index * Self.leafEntries))
    leaves[index] = leaf
    let desc = Self.l1L2Ptr.set(0, leaf.base >> 12) | 1
    return NewLeaf(leaf: leaf, descriptorAddress: root.base + UInt64(index * 8), descriptor: desc)
  }

  /// Every allocation of the table (root first, then leaves by index).
  package var allocations: [Allocation] {
    [root] + leaves.keys.sorted().compactMap { leaves[$0] }
  }

  /// Bytes the table occupies in memory.
  package var occupiedBytes: UInt64 { allocations.reduce(0) { $0 + $1.occupied } }

  /// Every SSID whose CD slot is backed by memory.
  package var backedSSIDs: [UInt32] {
    switch format {
    case .linear: return (0..<UInt32(capacity)).map { $0 }
    case .twoLevel:
      return leaves.keys.sorted().flatMap { i in
        (0..<UInt32(Self.leafEntries)).map { UInt32(i * Self.leafEntries) + $0 }
      }
    }
  }
}

extension CDTable {
  /// The CD table an STE points at, read back from memory (linear or 64K_L2): for viewing
  /// tables someone else built (an imported run). Nil when the pointer is not in memory.
  package init?(adoptingFrom ste: StreamTableEntry, in memory: PhysicalMemory, owner: String) {
    let ptr = ste.contextPointer
    guard let root = memory.allocation(containing: ptr) else { return nil }
    s1cdmax = Int(ste[StreamTableEntry.s1cdmax])
    if ste[StreamTableEntry.s1fmt] == StreamTableEntry.s1fmt64KL2 && s1cdmax > 10 {
      format = .twoLevel
      let rootEntries = ((1 << s1cdmax) + Self.leafEntries - 1) / Self.leafEntries
      fixed = Fixed(rootEntries: rootEntries, root: root, owner: owner)
      for i in 0..<rootEntries {
        guard let d = try? memory.read(ptr + UInt64(i * 8)), d & 1 == 1,
          let leaf = memory.allocation(containing: d & Self.l1L2Ptr.mask)
        else { continue }
        leaves[i] = leaf
      }
    } else {
      format = .linear
      fixed = Fixed(rootEntries: 1 << s1cdmax, root: root, owner: owner)
    }
  }
}
