/// The core's split of a range into leaves (iommu_pgsize): at each step the largest of
/// 1 GiB, 2 MiB and 4 KiB that IOVA and PA are aligned to and that fits (4 KiB only without
/// `blocks`). A sequence computed as it is walked: most maps and unmaps are one page, and an
/// array of chunks would be allocated and freed for each.
struct MapChunks: Sequence, IteratorProtocol {
  private var iova: UInt64
  private var pa: UInt64
  private let end: UInt64
  private let blocks: Bool

  /// The chunks of `size` bytes (rounded up to 4 KiB) from `iova` and `pa`.
  init(iova: UInt64, pa: UInt64, size: UInt64, blocks: Bool) {
    self.iova = iova
    self.pa = pa
    end = iova + ((size + 0xFFF) & ~0xFFF)
    self.blocks = blocks
  }

  mutating func next() -> (iova: UInt64, pa: UInt64, size: UInt64)? {
    guard iova < end else { return nil }
    let n = IOPageTable.chunkSize(iova: iova, pa: pa, remaining: end - iova, blocks: blocks)
    defer {
      iova += n
      pa &+= n
    }
    return (iova, pa, n)
  }
}
