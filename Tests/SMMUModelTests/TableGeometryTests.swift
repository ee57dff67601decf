import SMMUModel
import Testing

/// CD-table and stream-table layouts and byte accounting (linux-driver.md §3).
@Suite struct TableGeometryTests {
  // MARK: CD tables

  /// ssid_bits 20 with CD2L: an L1 of ceil(2^20 / 1024) = 1024 descriptors * 8 B = 8 KiB,
  /// plus one 64 KiB leaf for CD 0.
  @Test func twoLevelCDTableCostsL1PlusOneLeaf() throws {
    var memory = PhysicalMemory()
    var table = CDTable(ssidBits: 20, twoLevelSupported: true, compact: false, owner: "cd", memory: &memory)
    #expect(table.format == .twoLevel)
    #expect(table.rootEntries == 1024)
    #expect(table.capacity == 1 << 20)
    #expect(table.s1fmt == StreamTableEntry.s1fmt64KL2)
    #expect(table.root.requested == 8192 && table.root.occupied == 8192)
    #expect(table.root.purpose == .cdTableL1)
    #expect(table.occupiedBytes == 8192)
    #expect(table.cdAddress(0) == nil)  // leaf not allocated yet

    let leaf = try #require(table.ensureLeaf(for: 0, memory: &memory))
    #expect(table.occupiedBytes == 8192 + 65536)
    #expect(leaf.leaf.occupied == 65536 && leaf.leaf.purpose == .cdTableLeaf)
    #expect(leaf.leaf.base % 4096 == 0)
    #expect(memory.occupiedBytes(.cdTableL1) == 8192)
    #expect(memory.occupiedBytes(.cdTableLeaf) == 65536)
    // L1 CD descriptor: V = bit 0, L2Ptr = bits 51:12 holding the leaf address in place.
    #expect(leaf.descriptorAddress == table.root.base)
    #expect(leaf.descriptor & 1 == 1)
    #expect(CDTable.l1L2Ptr.low == 12 && CDTable.l1L2Ptr.high == 51)
    #expect(leaf.descriptor & CDTable.l1L2Ptr.mask == leaf.leaf.base)
    #expect(leaf.descriptor == leaf.leaf.base | 1)
    #expect(table.cdAddress(0) == leaf.leaf.base)
    #expect(table.cdAddress(1023) == leaf.leaf.base + 1023 * 64)
    #expect(table.cdAddress(1024) == nil)
    #expect(table.cdAddress(1 << 20) == nil)
    // The same leaf is not allocated twice.
    #expect(table.ensureLeaf(for: 0, memory: &memory) == nil)
    #expect(table.ensureLeaf(for: 1023, memory: &memory) == nil)
    #expect(table.backedSSIDs.count == 1024)
  }

  @Test func secondLeafUsesTheNextL1Slot() throws {
    var memory = PhysicalMemory()
    var table = CDTable(ssidBits: 20, twoLevelSupported: true, compact: false, owner: "cd", memory: &memory)
    let leaf = try #require(table.ensureLeaf(for: 1024 * 5 + 7, memory: &memory))
    #expect(leaf.descriptorAddress == table.root.base + 5 * 8)
    #expect(leaf.leaf.firstIndex == 5 * 1024)
    #expect(table.cdAddress(1024 * 5 + 7) == leaf.leaf.base + 7 * 64)
    #expect(table.occupiedBytes == 8192 + 65536)
    #expect(table.allocations.count == 2)
  }

  @Test func singleCDTableIsPageBackedUnlessCompact() {
    var memory = PhysicalMemory()
    let paged = CDTable(ssidBits: 0, twoLevelSupported: true, compact: false, owner: "a", memory: &memory)
    #expect(paged.format == .linear)
    #expect(paged.s1fmt == StreamTableEntry.s1fmtLinear)
    #expect(paged.root.requested == 64)
    #expect(paged.root.occupied == 4096)
    #expect(paged.occupiedBytes == 4096)
    let compact = CDTable(ssidBits: 0, twoLevelSupported: true, compact: true, owner: "b", memory: &memory)
    #expect(compact.root.requested == 64)
    #expect(compact.root.occupied == 64)
    #expect(compact.root.base % 64 == 0)
    #expect(memory.requestedBytes(.cdTable) == 128)
    #expect(memory.occupiedBytes(.cdTable) == 4096 + 64)
    #expect(compact.cdAddress(0) == compact.root.base)
    #expect(compact.cdAddress(1) == nil)
  }

  @Test func linearCDTableSizes() {
    var memory = PhysicalMemory()
    // 2^8 CDs * 64 B = 16 KiB.
    let t8 = CDTable(ssidBits: 8, twoLevelSupported: true, compact: true, owner: "a", memory: &memory)
    #expect(t8.format == .linear && t8.rootEntries == 256)
    #expect(t8.root.requested == 16384 && t8.occupiedBytes == 16384)
    #expect(t8.cdAddress(255) == t8.root.base + 255 * 64)
    // 2^10 = 1024 CDs is still linear: 64 KiB.
    let t10 = CDTable(ssidBits: 10, twoLevelSupported: true, compact: false, owner: "b", memory: &memory)
    #expect(t10.format == .linear && t10.root.requested == 65536)
    // Without CD2L the table is linear too.
    let noL2 = CDTable(ssidBits: 10, twoLevelSupported: false, compact: false, owner: "c", memory: &memory)
    #expect(noL2.format == .linear)
    #expect(t10.backedSSIDs.count == 1024)
  }

  @Test func elevenSSIDBitsNeedTwoL1Descriptors() {
    var memory = PhysicalMemory()
    let t = CDTable(ssidBits: 11, twoLevelSupported: true, compact: false, owner: "a", memory: &memory)
    #expect(t.format == .twoLevel)
    #expect(t.rootEntries == 2)
    #expect(t.root.requested == 16)
    #expect(t.root.occupied == 4096)
  }

  // MARK: Stream tables

  /// 2^16 SIDs, 2-level, SPLIT 8: an L1 of 2^8 descriptors * 8 B = 2 KiB (one page), plus 16 KiB
  /// per L2 table actually used.
  @Test func twoLevelStreamTableCostsWhatIsUsed() throws {
    var memory = PhysicalMemory()
    var table = StreamTable(sidBits: 16, format: .twoLevel, memory: &memory)
    #expect(table.format == .twoLevel)
    #expect(table.l1Entries == 256)
    #expect(table.log2Size == 16)
    #expect(table.sidLimit == 65536)
    #expect(table.root.requested == 2048 && table.root.occupied == 4096)
    #expect(table.root.purpose == .streamTableL1)
    // STRTAB_BASE_CFG: FMT 1 at 17:16, SPLIT 8 at 10:6, LOG2SIZE 16 at 5:0.
    #expect(table.baseConfigRegister == (1 << 16 | 8 << 6 | 16))

    // Ten SIDs, each in a different L2 table (L1 index = SID >> 8).
    let sids: [UInt32] = (0..<10).map { UInt32($0) * 0x1700 + 3 }
    #expect(Set(sids.map { $0 >> 8 }).count == 10)
    for sid in sids {
      #expect(table.steAddress(sid) == nil)
      let new = try #require(table.ensureLeaf(for: sid, memory: &memory))
      let index = UInt64(sid >> 8)
      #expect(new.leaf.occupied == 16384)
      #expect(new.leaf.base % 16384 == 0)
      #expect(new.leaf.firstIndex == index << 8)
      #expect(new.descriptorAddress == table.root.base + index * 8)
      // L1 STE descriptor: SPAN (4:0) = SPLIT + 1 = 9; L2Ptr (51:6) holds the leaf in place.
      #expect(new.descriptor & 0x1F == 9)
      #expect(new.descriptor & StreamTable.l1L2Ptr.mask == new.leaf.base)
      #expect(new.descriptor == new.leaf.base | 9)
      #expect(table.steAddress(sid) == new.leaf.base + UInt64(sid & 0xFF) * 64)
      try memory.write(new.descriptorAddress, new.descriptor, writer: "test")
      try memory.write(new.leaf.base + UInt64(sid & 0xFF) * 64, 1, writer: "test")
    }
    #expect(StreamTable.l1Span == 9)
    #expect(StreamTable.l1L2Ptr.low == 6 && StreamTable.l1L2Ptr.high == 51)
    #expect(memory.occupiedBytes(.streamTableL1) == 4096)
    #expect(memory.occupiedBytes(.streamTable) == 10 * 16384)
    #expect(memory.requestedBytes(.streamTableL1) == 2048)
    // Host-side storage holds only what was written: 10 descriptors + 10 STE qwords.
    #expect(memory.storedQwords == 20)
    #expect(table.backedSIDs.count == 10 * 256)
    #expect(table.leaves.count == 10)
    #expect(table.steAddress(65536) == nil)
    #expect(table.ensureLeaf(for: sids[0], memory: &memory) == nil)
  }

  @Test func linearStreamTable() {
    var memory = PhysicalMemory()
    var table = StreamTable(sidBits: 6, format: .linear, memory: &memory)
    #expect(table.format == .linear)
    #expect(table.root.requested == 64 * 64)
    #expect(table.baseConfigRegister == 6)
    #expect(table.steAddress(5) == table.root.base + 5 * 64)
    #expect(table.steAddress(64) == nil)
    #expect(table.backedSIDs.count == 64)
    #expect(table.ensureLeaf(for: 0, memory: &memory) == nil)
  }

  @Test func smallSIDWidthsForceLinear() {
    var memory = PhysicalMemory()
    // The driver forces linear when sid_bits <= STRTAB_SPLIT (8): 2^8 * 64 B = 16 KiB.
    let table = StreamTable(sidBits: 8, format: .twoLevel, memory: &memory)
    #expect(table.format == .linear)
    #expect(table.root.requested == 16384)
    #expect(table.root.base % 16384 == 0)
    #expect(table.root.purpose == .streamTable)
  }

  @Test func l1IsCappedAt2To17Descriptors() {
    var memory = PhysicalMemory()
    let table = StreamTable(sidBits: 32, format: .twoLevel, memory: &memory)
    #expect(table.l1Entries == 1 << 17)
    #expect(table.log2Size == 25)
    #expect(table.root.requested == 1 << 20)
    #expect(table.sidLimit == 1 << 25)
    #expect(memory.storedQwords == 0)
  }
}
