import SMMUModel
import Testing

@testable import SMMUDriver

/// The core's split of a map or unmap into leaves, walked as a sequence: the largest leaf
/// both addresses are aligned to and that fits, at each step.
struct MapChunksTests {
  func split(_ iova: UInt64, _ pa: UInt64, _ size: UInt64, blocks: Bool = true) -> [[UInt64]] {
    MapChunks(iova: iova, pa: pa, size: size, blocks: blocks).map { [$0.iova, $0.pa, $0.size] }
  }

  @Test func onePageIsOneChunk() {
    #expect(split(0x1000, 0x8000_1000, 1) == [[0x1000, 0x8000_1000, 0x1000]])
    #expect(split(0x1000, 0x8000_1000, 0x1000) == [[0x1000, 0x8000_1000, 0x1000]])
  }

  @Test func alignedRangesUseBlocksAndPagesFillTheRest() {
    let mib2: UInt64 = 1 << 21
    #expect(
      split(mib2 - 0x1000, mib2 - 0x1000, mib2 + 0x1000) == [
        [mib2 - 0x1000, mib2 - 0x1000, 0x1000], [mib2, mib2, mib2],
      ])
    // PA not aligned like the IOVA: pages only.
    #expect(split(0, 0x1000, 0x3000).map { $0[2] } == [0x1000, 0x1000, 0x1000])
    // Without blocks (an SVA mm's table): pages only.
    #expect(split(0, 0, mib2, blocks: false).count == 512)
  }

  @Test func theSequenceCanBeWalkedAgain() {
    let chunks = MapChunks(iova: 0, pa: 0, size: 0x2000, blocks: true)
    #expect(Array(chunks).count == 2)
    #expect(Array(chunks).count == 2)
  }
}
