/// The written qwords of `PhysicalMemory`, by 4 KiB page: each page is a block of
/// `MemoryPage.blockWords` words (values, presence bits, owner: see `MemoryPage`) in one flat
/// array, found through an open-addressing index (linear probing, a multiplicative hash: no
/// per-access hasher). Blocks of pages that become empty are reused.
struct PageStore: Sendable {
  /// Every block, back to back.
  var words: [UInt64] = []
  /// Offsets (in words) of blocks no page holds; they are all zero.
  private var freeBlocks: [Int] = []
  /// Page numbers by index slot (`empty` when the slot is free).
  private var keys = [UInt64](repeating: PageStore.empty, count: 64)
  /// Block offsets, parallel to `keys`.
  private var blocks = [Int](repeating: 0, count: 64)
  /// 64 - log2(index size).
  private var shift = 58
  /// Pages held.
  private(set) var count = 0

  /// No page number is this large (page numbers are addresses >> 12).
  private static let empty = UInt64.max

  @inline(__always)
  private func home(_ page: UInt64) -> Int {
    Int(truncatingIfNeeded: (page &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
  }

  /// The offset of the block holding `page`, if any (inlined: every load and store asks).
  @inline(__always)
  func block(of page: UInt64) -> Int? {
    let mask = keys.count - 1
    var i = home(page)
    // Unchecked reads: `i` stays below the index size, which both arrays have.
    return keys.withUnsafeBufferPointer { k in
      while true {
        let key = k[i]
        if key == page { return blocks.withUnsafeBufferPointer { $0[i] } }
        if key == Self.empty { return nil }
        i = (i + 1) & mask
      }
    }
  }

  /// Adds a zeroed block for `page` (which must not be held); returns its offset.
  mutating func addBlock(for page: UInt64) -> Int {
    if (count + 1) * 2 > keys.count { grow() }
    let offset: Int
    if let reused = freeBlocks.popLast() {
      offset = reused
    } else {
      offset = words.count
      words.append(contentsOf: repeatElement(0, count: MemoryPage.blockWords))
    }
    insert(page, offset)
    count += 1
    return offset
  }

  private mutating func insert(_ page: UInt64, _ offset: Int) {
    let mask = keys.count - 1
    var i = home(page)
    while keys[i] != Self.empty { i = (i + 1) & mask }
    keys[i] = page
    blocks[i] = offset
  }

  private mutating func grow() {
    let oldKeys = keys
    let oldBlocks = blocks
    keys = [UInt64](repeating: Self.empty, count: oldKeys.count * 2)
    blocks = [Int](repeating: 0, count: oldKeys.count * 2)
    shift -= 1
    for (i, k) in oldKeys.enumerated() where k != Self.empty { insert(k, oldBlocks[i]) }
  }

  /// Forgets `page`; its block (which must be all zero) is kept for reuse.
  mutating func removeBlock(of page: UInt64) {
    let mask = keys.count - 1
    var i = home(page)
    while keys[i] != page {
      if keys[i] == Self.empty { return }
      i = (i + 1) & mask
    }
    freeBlocks.append(blocks[i])
    count -= 1
    // Backward-shift deletion: move later entries of the probe run into the hole.
    var hole = i
    var j = i
    while true {
      j = (j + 1) & mask
      let k = keys[j]
      if k == Self.empty { break }
      let h = home(k)
      let movable = j > hole ? (h <= hole || h > j) : (h <= hole && h > j)
      if movable {
        keys[hole] = k
        blocks[hole] = blocks[j]
        hole = j
      }
    }
    keys[hole] = Self.empty
  }

  /// The page numbers held, in no particular order.
  var pageNumbers: [UInt64] { keys.filter { $0 != Self.empty } }
}
