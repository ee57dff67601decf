/// The stream table's layout in simulated memory: linear, or 2-level with STRTAB_SPLIT 8
/// (256 STEs, 16 KiB, per lazily allocated L2 table) and L1 descriptors carrying SPAN.
///
/// This is the memory the driver owns and the SMMU walks through STRTAB_BASE/_CFG. It
/// allocates; all qword stores into it go through the caller (the driver), so they are
/// logged and visible to the hardware model exactly when written.
package struct StreamTable: Sendable {
  package enum Format: String, Sendable { case linear, twoLevel = "2lvl" }

  package static let split = 8
  package static let steBytes: UInt64 = 64
  /// Linux caps the L1 at 2^17 descriptors, so a 2-level table covers at most 25 SID bits.
  package static let maxL1Entries = 1 << 17
  /// SPAN written into L1 descriptors: STRTAB_SPLIT + 1.
  package static let l1Span: UInt64 = UInt64(split + 1)
  package static let l1Span_ = BitField("SPAN", word: 0, 4, 0)
  package static let l1L2Ptr = BitField("L2Ptr", word: 0, 51, 6)

  package let format: Format
  package let sidBits: Int
  /// STRTAB_BASE_CFG.LOG2SIZE.
  package let log2Size: Int
  package let l1Entries: Int
  /// The linear table, or the L1 table.
  package let root: Allocation
  /// L2 tables by L1 index.
  package private(set) var leaves: [Int: Allocation] = [:]

  /// Allocates the linear table or the L1 table. Linear tables are limited to 16 SID bits.
  package init(sidBits: Int, format: Format, memory: inout some MemoryAllocator) {
    precondition(sidBits >= 0 && sidBits <= 32, "SID width 0...32")
    // The driver forces linear when sid_bits <= STRTAB_SPLIT.
    let fmt: Format = sidBits <= Self.split ? .linear : format
    precondition(fmt == .twoLevel || sidBits <= 16, "a linear stream table is limited to 16 SID bits")
    self.format = fmt
    self.sidBits = sidBits
    switch fmt {
    case .linear:
      log2Size = sidBits
      l1Entries = 0
      root = memory.allocate(
        bytes: Self.steBytes << UInt64(sidBits), align: Self.steBytes << UInt64(sidBits),
        purpose: .streamTable, owner: "stream table", granularity: .page, firstIndex: 0)
    case .twoLevel:
      l1Entries = Swift.min(Self.maxL1Entries, 1 << (sidBits - Self.split))
      log2Size = l1Entries.trailingZeroBitCount + Self.split
      root = memory.allocate(
        bytes: UInt64(l1Entries * 8), align: Swift.max(64, UInt64(l1Entries * 8)),
        purpose: .streamTableL1, owner: "stream table L1", granularity: .page, firstIndex: 0)
    }
  }

  /// Largest SID the table can hold, plus one.
  package var sidLimit: UInt64 { UInt64(1) << UInt64(log2Size) }

  /// STRTAB_BASE_CFG as the driver would program it: FMT 17:16, SPLIT 10:6, LOG2SIZE 5:0.
  package var baseConfigRegister: UInt64 {
    let fmt: UInt64 = format == .twoLevel ? 1 : 0
    let split: UInt64 = format == .twoLevel ? UInt64(Self.split) : 0
    return fmt << 16 | split << 6 | UInt64(log2Size)
  }

  /// Address of the STE for `sid`, or nil when its L2 table is not allocated yet.
  package func steAddress(_ sid: UInt32) -> UInt64? {
    guard UInt64(sid) < sidLimit else { return nil }
    switch format {
    case .linear: return root.base + UInt64(sid) * Self.steBytes
    case .twoLevel:
      guard let leaf = leaves[Int(sid) >> Self.split] else { return nil }
      return leaf.base + UInt64(Int(sid) & ((1 << Self.split) - 1)) * Self.steBytes
    }
  }

  /// A newly allocated L2 table and the L1 descriptor the caller must write to publish it.
  package struct NewLeaf: Sendable {
    package let leaf: Allocation
    package let descriptorAddress: UInt64
    package let descriptor: UInt64
  }

  /// Allocates the 16 KiB L2 table covering `sid` if missing. The caller initialises its STEs
  /// and then writes the L1 descriptor (the order the driver uses).
  package mutating func ensureLeaf(for sid: UInt32, memory: inout some MemoryAllocator) -> NewLeaf? {
    guard format == .twoLevel, UInt64(sid) < sidLimit else { return nil }
    let index = Int(sid) >> Self.split
    if leaves[index] != nil { return nil }
    let bytes = Self.steBytes << UInt64(Self.split)
    let leaf = memory.allocate(
      bytes: bytes, align: bytes, purpose: .streamTable,
      owner: "stream table L2[\(index)]", granularity: .page, firstIndex: UInt64(index << Self.split))
    leaves[index] = leaf
    let desc = Self.l1L2Ptr.set(0, leaf.base >> 6) | Self.l1Span
    return NewLeaf(
      leaf: leaf, descriptorAddress: root.base + UInt64(index * 8), descriptor: desc)
  }

  /// Every STE address that is backed by memory, in SID order.
  package var backedSIDs: [UInt32] {
    switch format {
    case .linear: return (0..<UInt32(sidLimit)).map { $0 }
    case .twoLevel:
      return leaves.keys.sorted().flatMap { i in
        (0..<UInt32(1 << Self.split)).map { UInt32(i << Self.split) + $0 }
      }
    }
  }
}

extension StreamTable {
  /// The stream table an SMMU is programmed with (STRTAB_BASE/_CFG), read back from its
  /// memory: for viewing tables someone else built (an imported run).
  package init?(adoptingTableOf smmu: SMMU) {
    guard let root = smmu.memory.allocation(containing: smmu.streamTableBase) else { return nil }
    let cfg = smmu.streamTableBaseConfig
    let twoLevel = (cfg >> 16) & 3 == 1
    let log2 = Int(cfg & 0x3F)
    self.format = twoLevel ? .twoLevel : .linear
    self.sidBits = log2
    self.log2Size = log2
    self.root = root
    self.l1Entries = twoLevel ? 1 << max(0, log2 - Self.split) : 0
    guard twoLevel else { return }
    for i in 0..<l1Entries {
      guard let d = try? smmu.read(smmu.streamTableBase + UInt64(i * 8)), d & 0x1F != 0,
        let leaf = smmu.memory.allocation(containing: d & Self.l1L2Ptr.mask)
      else { continue }
      leaves[i] = leaf
    }
  }
}
