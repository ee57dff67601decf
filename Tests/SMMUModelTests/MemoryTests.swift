import SMMUModel
import Testing

/// The simulated physical memory: allocator, sparse storage, write log, faults.
@Suite struct MemoryTests {
  @Test func allocationsArePageRoundedAndAligned() {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 100, purpose: .data, owner: "a")
    #expect(a.base == PhysicalMemory.baseAddress)
    #expect(a.requested == 100 && a.occupied == 4096)
    let b = memory.allocate(bytes: 16384, align: 16384, purpose: .streamTable, owner: "b")
    #expect(b.base % 16384 == 0 && b.base >= a.base + a.occupied)
    let c = memory.allocate(bytes: 20, align: 64, purpose: .cdTable, owner: "c", granularity: .exact)
    #expect(c.occupied == 24)
    #expect(c.base % 64 == 0)
    #expect(memory.allocation(containing: b.base + 100) == b)
    #expect(memory.allocation(containing: a.base + 4095) == a)
    #expect(memory.allocation(containing: Fixture.unmapped) == nil)
    #expect(a.contains(a.base) && !a.contains(a.base + a.occupied))
  }

  @Test func readsWritesAndFaults() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 4096, purpose: .data, owner: "a")
    // Coherent allocations read as zero.
    #expect(try memory.read(a.base + 8) == 0)
    let w = try memory.write(a.base + 8, 0x1234, writer: "t")
    #expect(w.old == 0 && w.new == 0x1234 && w.address == a.base + 8 && w.writer == "t")
    #expect(try memory.write(a.base + 8, 0x5678, writer: "t").old == 0x1234)
    #expect(try memory.read(a.base + 8) == 0x5678)
    #expect(throws: MemoryError.unalignedAccess(a.base + 4)) { try memory.read(a.base + 4) }
    #expect(throws: MemoryError.unmapped(Fixture.unmapped)) { try memory.read(Fixture.unmapped) }
    #expect(throws: MemoryError.unmapped(a.base + 4096)) {
      try memory.write(a.base + 4096, 1, writer: "t")
    }
    let entry = try memory.readEntry(a.base)
    #expect(entry == [0, 0x5678, 0, 0, 0, 0, 0, 0])
  }

  @Test func freeForgetsContents() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 4096, purpose: .data, owner: "a")
    try memory.write(a.base, 7, writer: "t")
    #expect(memory.storedQwords == 1)
    try memory.free(a.base)
    #expect(memory.storedQwords == 0)
    #expect(throws: MemoryError.unmapped(a.base)) { try memory.read(a.base) }
    #expect(throws: MemoryError.doubleFree(a.base)) { try memory.free(a.base) }
    #expect(memory.occupiedBytes(.data) == 0)
    // A new allocation never reuses the address.
    let b = memory.allocate(bytes: 4096, purpose: .data, owner: "b")
    #expect(b.base > a.base)
  }

  /// The SMMU copies its memory value on many calls; past 128 bytes each copy is a memcpy call.
  @Test func memoryValueIsAtMost128Bytes() {
    #expect(MemoryLayout<PhysicalMemory>.size <= 128)
  }

  /// A writer is static text: equal by its characters, shown as written.
  @Test func writersCompareByText() {
    let a: MemoryWriter = "driver"
    let b: MemoryWriter = "driver"
    let c: MemoryWriter = "t"
    #expect(a == b && a.hashValue == b.hashValue)
    #expect(a != c)
    #expect(a.description == "driver" && c.description == "t")
    #expect(MemoryLayout<QwordWrite>.size <= 48)
  }

  @Test func purposesThatAreCDTables() {
    #expect(MemoryPurpose.allCases.filter(\.isCDTable) == [.cdTable, .cdTableL1, .cdTableLeaf])
  }
}
