/// One region handed out by the allocator.
package struct Allocation: Sendable, Hashable {
  /// First byte address.
  package let base: UInt64
  /// Bytes the caller asked for.
  package let requested: UInt64
  /// Bytes the region really occupies (a page multiple unless allocated exactly).
  package let occupied: UInt64
  package let purpose: MemoryPurpose
  /// Who asked for it (for display), e.g. "cd-table of nvme0".
  package let owner: String
  /// Index of the first entry the region holds (the first SID of a stream-table L2 table,
  /// the first SSID of a CD-table leaf); 0 otherwise.
  package let firstIndex: UInt64

  /// A region handed out by another allocator (a guest's, over its IPA space).
  package init(
    base: UInt64, requested: UInt64, occupied: UInt64, purpose: MemoryPurpose, owner: String,
    firstIndex: UInt64 = 0
  ) {
    self.base = base
    self.requested = requested
    self.occupied = occupied
    self.purpose = purpose
    self.owner = owner
    self.firstIndex = firstIndex
  }

  /// True when `address` lies inside the region.
  package func contains(_ address: UInt64) -> Bool { address >= base && address < base + occupied }
}

/// How an allocation is sized.
package enum AllocationGranularity: Sendable, Hashable {
  /// Rounded up to whole 4 KiB pages, as the kernel's coherent DMA allocator does.
  case page
  /// Exactly the requested size (a sub-page allocator), aligned to `align`.
  case exact
}

/// One 64-bit store to simulated memory, as logged.
package struct QwordWrite: Sendable, Hashable {
  package let address: UInt64
  package let old: UInt64
  package let new: UInt64
  /// Who wrote it, e.g. "driver" or "pgtable".
  package let writer: MemoryWriter
}

/// Who made a store ("driver", "pgtable", "smmu-msi", ...), returned with it: always
/// a literal, kept as static text, so a store copies and drops no reference-counted
/// string.
package struct MemoryWriter: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
  @usableFromInline let text: StaticString

  @inlinable package init(stringLiteral value: StaticString) { text = value }

  package var description: String { text.description }

  package static func == (a: MemoryWriter, b: MemoryWriter) -> Bool { a.description == b.description }

  package func hash(into h: inout Hasher) { h.combine(description) }
}

/// Errors of the simulated memory.
package enum MemoryError: Error, Sendable, Equatable {
  case unalignedAccess(UInt64)
  case unmapped(UInt64)
  case doubleFree(UInt64)
  case badAlignment(UInt64)
  /// A fixed-address allocation would overlap a live region (its base is given).
  case overlap(UInt64)
  /// A fixed-address allocation would end past the top of the address space (its base).
  case outOfRange(UInt64)
}

/// Something that hands out simulated memory (the memory itself, or the SMMU that owns it).
package protocol MemoryAllocator {
  mutating func allocate(
    bytes: UInt64, align: UInt64, purpose: MemoryPurpose, owner: String,
    granularity: AllocationGranularity, firstIndex: UInt64
  ) -> Allocation
}

/// Simulated DMA-coherent physical memory: an allocator plus sparse 64-bit storage.
///
/// Storage is sparse (only qwords ever written hold space), so a 2^20-SSID CD table or a
/// 2^16-SID stream table costs host memory in proportion to what is used, while the byte
/// accounting reports what the kernel would have allocated. Reads of allocated but never
/// written memory return zero (coherent allocations are zeroed). Accesses outside any live
/// allocation are external aborts, reported to the caller.
package struct PhysicalMemory: Sendable, MemoryAllocator {
  package static let pageSize: UInt64 = 4096
  /// Allocations start here, so address 0 is never valid.
  package static let baseAddress: UInt64 = 0x4000_0000

  /// Written qwords, by 4 KiB page number: `MemoryPage.slots` values, presence bits, then
  /// the page's owner (see `MemoryPage`).
  private var pages = PageStore()
  /// Qwords that hold a value.
  private var stored = 0
  package private(set) var allocations: [UInt64: Allocation] = [:]
  /// Bases of live allocations in increasing order, with each one's end and purpose.
  private var sortedBases: [UInt64] = []
  private var ends: [UInt64] = []
  private var purposes: [MemoryPurpose] = []
  private var nextFree: UInt64 = PhysicalMemory.baseAddress
  /// Values reads return instead of memory's, by qword address: stores an observer does not
  /// see yet (a checker exploring the orders the SMMU may observe stores in). Empty normally.
  package var unseen: [UInt64: UInt64] = [:] { didSet { generation &+= 1 } }
  /// Changes whenever what a read returns may change (a store, an allocation, a free, a new
  /// `unseen`): equal generations of one memory value read alike.
  package private(set) var generation: UInt64 = 0

  package init() {}

  /// Allocates a zeroed region. `align` must be a power of two.
  package mutating func allocate(
    bytes: UInt64, align: UInt64 = 64, purpose: MemoryPurpose, owner: String,
    granularity: AllocationGranularity = .page, firstIndex: UInt64 = 0
  ) -> Allocation {
    precondition(bytes > 0, "zero-byte allocation")
    generation &+= 1
    precondition(align.nonzeroBitCount == 1, "alignment must be a power of two")
    let occupied: UInt64
    let alignment: UInt64
    switch granularity {
    case .page:
      occupied = (bytes + Self.pageSize - 1) / Self.pageSize * Self.pageSize
      alignment = Swift.max(align, Self.pageSize)
    case .exact:
      occupied = (bytes + 7) / 8 * 8
      alignment = align
    }
    let base = (nextFree + alignment - 1) / alignment * alignment
    nextFree = base + occupied
    let region = Allocation(
      base: base, requested: bytes, occupied: occupied, purpose: purpose, owner: owner,
      firstIndex: firstIndex)
    allocations[base] = region
    sortedBases.append(base)
    ends.append(base + occupied)
    purposes.append(purpose)
    return region
  }

  /// Allocates a zeroed region at a fixed physical address, for importing memory dumped from
  /// a real system (see `Scenario`'s trace importer). The region occupies exactly `bytes`
  /// rounded up to 8; `base` must be 8-byte aligned and the region must not overlap a live
  /// allocation. Later `allocate(bytes:...)` calls continue above the highest region.
  package mutating func allocate(
    at base: UInt64, bytes: UInt64, purpose: MemoryPurpose, owner: String, firstIndex: UInt64 = 0
  ) throws(MemoryError) -> Allocation {
    guard bytes > 0, base % 8 == 0 else { throw .badAlignment(base) }
    generation &+= 1
    guard bytes <= UInt64.max - 7 else { throw .outOfRange(base) }
    let occupied = (bytes + 7) / 8 * 8
    guard base.addingReportingOverflow(occupied).overflow == false else { throw .outOfRange(base) }
    let i = index(ofBaseAtOrBelow: base + occupied - 1)
    if let i, let below = allocations[sortedBases[i]], below.base + below.occupied > base {
      throw .overlap(below.base)
    }
    let region = Allocation(
      base: base, requested: bytes, occupied: occupied, purpose: purpose, owner: owner,
      firstIndex: firstIndex)
    allocations[base] = region
    let at = i.map { $0 + 1 } ?? 0
    sortedBases.insert(base, at: at)
    ends.insert(base + occupied, at: at)
    purposes.insert(purpose, at: at)
    nextFree = Swift.max(nextFree, base + occupied)
    return region
  }

  /// Frees a region: its contents are forgotten and later accesses abort.
  package mutating func free(_ base: UInt64) throws(MemoryError) {
    guard let region = allocations.removeValue(forKey: base) else { throw .doubleFree(base) }
    generation &+= 1
    if let i = index(ofBaseAtOrBelow: base), sortedBases[i] == base {
      sortedBases.remove(at: i)
      ends.remove(at: i)
      purposes.remove(at: i)
    }
    let first = region.base >> 12
    let last = (region.base + region.occupied - 1) >> 12
    if last - first + 1 > UInt64(pages.count) {
      for page in pages.pageNumbers.filter({ $0 >= first && $0 <= last }) { forget(region, inPage: page) }
    } else {
      for page in first...last { forget(region, inPage: page) }
    }
  }

  /// Drops the stored qwords of `region` that lie in one page.
  private mutating func forget(_ region: Allocation, inPage page: UInt64) {
    guard let b = pages.block(of: page) else { return }
    if owner(ofBlock: b).base == region.base { setOwner(.none, ofBlock: b) }
    let start = Swift.max(region.base, page << 12)
    let end = Swift.min(region.base + region.occupied, (page + 1) << 12)
    let bits = b + MemoryPage.slots
    var a = start
    while a < end {
      let slot = Int((a & 4095) >> 3)
      let bit = UInt64(1) << UInt64(slot & 63)
      if pages.words[bits + slot >> 6] & bit != 0 {
        pages.words[bits + slot >> 6] &= ~bit
        pages.words[b + slot] = 0
        stored -= 1
      }
      a += 8
    }
    if pages.words[bits..<(bits + MemoryPage.presenceWords)].allSatisfy({ $0 == 0 }) {
      setOwner(.none, ofBlock: b)  // A free block is all zero.
      pages.removeBlock(of: page)
    }
  }

  /// The owner block `b` records for its page (see `MemoryPage`).
  @inline(__always)
  private func owner(ofBlock b: Int) -> PageOwner {
    let o = b + MemoryPage.ownerOffset
    return PageOwner(
      base: pages.words[o], end: pages.words[o + 1], purpose: MemoryPurpose(ordinal: pages.words[o + 2]))
  }

  /// True when the owner block `b` records for its page contains `address` (its purpose
  /// left unread).
  @inline(__always)
  private func ownerContains(_ address: UInt64, block b: Int) -> Bool {
    let o = b + MemoryPage.ownerOffset
    return address >= pages.words[o] && address < pages.words[o + 1]
  }

  /// Records `owner` as block `b`'s page owner.
  private mutating func setOwner(_ owner: PageOwner, ofBlock b: Int) {
    let o = b + MemoryPage.ownerOffset
    pages.words[o] = owner.base
    pages.words[o + 1] = owner.end
    pages.words[o + 2] = owner.purpose.ordinal
  }

  private func index(ofBaseAtOrBelow address: UInt64) -> Int? {
    var lo = 0
    var hi = sortedBases.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sortedBases[mid] <= address { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? nil : lo - 1
  }

  /// The live allocation containing `address`, if any.
  package func allocation(containing address: UInt64) -> Allocation? {
    guard let i = allocationIndex(containing: address) else { return nil }
    return allocations[sortedBases[i]]
  }

  /// The purpose of the live allocation containing `address`, if any (no copy of the
  /// allocation's owner text).
  package func purpose(containing address: UInt64) -> MemoryPurpose? {
    if let b = pages.block(of: address >> 12), ownerContains(address, block: b) {
      return MemoryPurpose(ordinal: pages.words[b + MemoryPage.ownerOffset + 2])
    }
    return allocationIndex(containing: address).map { purposes[$0] }
  }

  /// The index in `sortedBases` of the live allocation containing `address`.
  func allocationIndex(containing address: UInt64) -> Int? {
    guard let i = index(ofBaseAtOrBelow: address), address < ends[i] else { return nil }
    return i
  }

  /// A single-copy-atomic 64-bit read.
  package func read(_ address: UInt64) throws(MemoryError) -> UInt64 {
    guard address % 8 == 0 else { throw .unalignedAccess(address) }
    if !unseen.isEmpty, let v = unseen[address] { return v }
    let slot = Int((address & 4095) >> 3)
    if let b = pages.block(of: address >> 12) {
      // Unchecked reads: a block holds its values and presence bits.
      let value: UInt64? = pages.words.withUnsafeBufferPointer { w in
        w[b + MemoryPage.slots + slot >> 6] & (UInt64(1) << UInt64(slot & 63)) != 0 ? w[b + slot] : nil
      }
      if let value { return value }
    }
    guard allocationIndex(containing: address) != nil else { throw .unmapped(address) }
    return 0
  }

  /// A single-copy-atomic 64-bit write, logged with its old value and writer.
  @discardableResult
  package mutating func write(_ address: UInt64, _ value: UInt64, writer: MemoryWriter) throws(MemoryError)
    -> QwordWrite
  {
    guard address % 8 == 0 else { throw .unalignedAccess(address) }
    generation &+= 1
    let slot = Int((address & 4095) >> 3)
    let bit = UInt64(1) << UInt64(slot & 63)
    let old: UInt64
    if let b = pages.block(of: address >> 12) {
      let bits = b + MemoryPage.slots + slot >> 6
      // Unchecked accesses: a block holds its values and presence bits.
      let fresh = pages.words.withUnsafeBufferPointer { $0[bits] & bit == 0 }
      if fresh {
        guard allocationIndex(containing: address) != nil else { throw .unmapped(address) }
        stored += 1
      }
      old = pages.words.withUnsafeMutableBufferPointer { w in
        let old = fresh ? 0 : w[b + slot]
        w[bits] |= bit
        w[b + slot] = value
        return old
      }
    } else {
      guard let i = allocationIndex(containing: address) else { throw .unmapped(address) }
      old = 0
      let b = pages.addBlock(for: address >> 12)
      setOwner(PageOwner(base: sortedBases[i], end: ends[i], purpose: purposes[i]), ofBlock: b)
      pages.words[b + slot] = value
      pages.words[b + MemoryPage.slots + slot >> 6] = bit
      stored += 1
    }
    return QwordWrite(address: address, old: old, new: value, writer: writer)
  }

  /// Reads the 8 qwords of a 64-byte structure.
  package func readEntry(_ address: UInt64) throws(MemoryError) -> EntryQwords {
    if !unseen.isEmpty, unseen.keys.contains(where: { $0 >= address && $0 < address &+ 64 }) {
      var q = EntryQwords()
      for i in 0..<8 { q[i] = try read(address + UInt64(i * 8)) }
      return q
    }
    // Fast path: an aligned entry lies in one page; qwords never written read as zero when
    // one live allocation holds the whole entry.
    if address % 64 == 0, let b = pages.block(of: address >> 12) {
      let slot = Int((address & 4095) >> 3)
      let present = (pages.words[b + MemoryPage.slots + slot >> 6] >> UInt64(slot & 63)) & 0xFF
      if present == 0xFF
        || (ownerContains(address, block: b) && address + 56 < pages.words[b + MemoryPage.ownerOffset + 1])
        || allocationIndex(containing: address).map({ address + 56 < ends[$0] }) == true
      {
        var q = EntryQwords()
        pages.words.withUnsafeBufferPointer { p in
          for k in 0..<8 { q[k] = p[b + slot + k] }
        }
        return q
      }
    }
    var q = EntryQwords()
    for i in 0..<8 { q[i] = try read(address + UInt64(i * 8)) }
    return q
  }

  /// Bytes occupied per purpose by live allocations.
  package func occupiedBytes(_ purpose: MemoryPurpose) -> UInt64 {
    allocations.values.filter { $0.purpose == purpose }.reduce(0) { $0 + $1.occupied }
  }

  /// Bytes requested per purpose by live allocations.
  package func requestedBytes(_ purpose: MemoryPurpose) -> UInt64 {
    allocations.values.filter { $0.purpose == purpose }.reduce(0) { $0 + $1.requested }
  }

  /// Number of qwords that hold a value (host-side cost of the sparse storage).
  package var storedQwords: Int { stored }
}

/// The layout of one page of `PhysicalMemory`'s storage: 512 qword values, 8 words of bits
/// saying which were written, then the page's owner (3 words: base, end and purpose ordinal
/// of a live allocation holding part of the page, all zero when none is known). The owner is
/// set when the page's first store creates the block and cleared when that allocation is
/// freed, so a read or a purpose lookup inside it skips the search of the allocations.
enum MemoryPage {
  static let slots = 512
  /// Words of presence bits.
  static let presenceWords = slots / 64
  /// Where the owner's words start in a block.
  static let ownerOffset = slots + presenceWords
  /// Words per page block: the values, the presence bits, then the owner.
  static let blockWords = ownerOffset + 3
}

/// A live allocation's bounds and purpose, as a page block records it (`MemoryPage`).
struct PageOwner: Sendable {
  let base: UInt64
  /// One past the allocation's last byte (0: no owner).
  let end: UInt64
  let purpose: MemoryPurpose

  /// No allocation: contains no address.
  static let none = PageOwner(base: 0, end: 0, purpose: MemoryPurpose(ordinal: 0))

  /// True when `address` lies inside the allocation.
  func contains(_ address: UInt64) -> Bool { address >= base && address < end }
}

extension MemoryPurpose {
  /// Every purpose, in `allCases` order: a page block stores a purpose as its position here.
  private static let ordered = allCases

  /// The purpose's position in `allCases`, as a page block stores it.
  fileprivate var ordinal: UInt64 { UInt64(Self.ordered.firstIndex(of: self)!) }

  /// The purpose at `ordinal` (`.data` for a value no purpose has).
  fileprivate init(ordinal: UInt64) {
    self = ordinal < Self.ordered.count ? Self.ordered[Int(ordinal)] : .data
  }
}
