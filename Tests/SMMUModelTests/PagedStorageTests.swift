import SMMUModel
import Testing

/// The page-keyed sparse storage behind `PhysicalMemory` and the `hex` formatter.
@Suite struct PagedStorageTests {
  @Test func writesAcrossPagesReadBackAndCount() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 3 * 4096, purpose: .data, owner: "a")
    let addresses = [a.base, a.base + 4088, a.base + 4096, a.base + 2 * 4096 + 64]
    for (i, address) in addresses.enumerated() {
      try memory.write(address, UInt64(i + 1) * 0x1111, writer: "t")
    }
    for (i, address) in addresses.enumerated() { #expect(try memory.read(address) == UInt64(i + 1) * 0x1111) }
    #expect(try memory.read(a.base + 8) == 0)
    #expect(memory.storedQwords == addresses.count)
    // A second store to the same qword is not a new stored qword; a zero store still is one.
    try memory.write(a.base, 0, writer: "t")
    try memory.write(a.base + 16, 0, writer: "t")
    #expect(memory.storedQwords == addresses.count + 1)
    #expect(try memory.read(a.base) == 0)
  }

  @Test func freeingAnExactRegionKeepsItsNeighbourInTheSamePage() throws {
    var memory = PhysicalMemory()
    let x = memory.allocate(bytes: 64, align: 64, purpose: .cdTable, owner: "x", granularity: .exact)
    let y = memory.allocate(bytes: 64, align: 64, purpose: .cdTable, owner: "y", granularity: .exact)
    #expect(x.base >> 12 == y.base >> 12)
    try memory.write(x.base + 8, 7, writer: "t")
    try memory.write(y.base + 8, 9, writer: "t")
    try memory.free(x.base)
    #expect(throws: MemoryError.unmapped(x.base + 8)) { try memory.read(x.base + 8) }
    #expect(try memory.read(y.base + 8) == 9)
    #expect(memory.storedQwords == 1)
    // The freed range reads as unmapped even through the entry reader.
    #expect(throws: MemoryError.unmapped(x.base)) { try memory.readEntry(x.base) }
    #expect(try memory.readEntry(y.base) == [0, 9, 0, 0, 0, 0, 0, 0])
  }

  @Test func aPageForgetsItsOwnerWhenTheOwnerIsFreed() throws {
    var memory = PhysicalMemory()
    let x = memory.allocate(bytes: 64, align: 64, purpose: .streamTable, owner: "x", granularity: .exact)
    let y = memory.allocate(bytes: 64, align: 64, purpose: .cdTable, owner: "y", granularity: .exact)
    #expect(x.base >> 12 == y.base >> 12)
    // The first store creates the page's block, owned by x; y is found past the owner.
    try memory.write(x.base, 1, writer: "t")
    #expect(memory.purpose(containing: x.base + 56) == .streamTable)
    #expect(memory.purpose(containing: y.base) == .cdTable)
    try memory.write(y.base, 2, writer: "t")
    try memory.free(x.base)
    #expect(memory.purpose(containing: x.base) == nil)
    #expect(throws: MemoryError.unmapped(x.base)) { try memory.readEntry(x.base) }
    #expect(memory.purpose(containing: y.base) == .cdTable)
    #expect(try memory.readEntry(y.base) == [2, 0, 0, 0, 0, 0, 0, 0])
  }

  @Test func readEntryOfPartlyAndFullyWrittenEntries() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 4096, purpose: .streamTable, owner: "st")
    try memory.write(a.base + 64 + 16, 5, writer: "t")
    #expect(try memory.readEntry(a.base + 64) == [0, 0, 5, 0, 0, 0, 0, 0])
    for i in 0..<8 { try memory.write(a.base + 128 + UInt64(i * 8), UInt64(i) + 1, writer: "t") }
    #expect(try memory.readEntry(a.base + 128) == [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(try memory.readEntry(a.base) == EntryQwords())
    // An entry running past the end of its allocation aborts at the first qword outside it.
    let e = memory.allocate(bytes: 16, align: 64, purpose: .data, owner: "e", granularity: .exact)
    try memory.write(e.base, 1, writer: "t")
    #expect(throws: MemoryError.unmapped(e.base + 16)) { try memory.readEntry(e.base) }
  }

  @Test func freeingALargeRegionForgetsEveryPage() throws {
    var memory = PhysicalMemory()
    let big = memory.allocate(bytes: 64 * 4096, purpose: .data, owner: "big")
    for p in 0..<64 { try memory.write(big.base + UInt64(p * 4096 + 8 * p), UInt64(p) + 1, writer: "t") }
    #expect(memory.storedQwords == 64)
    try memory.free(big.base)
    #expect(memory.storedQwords == 0)
    let again = memory.allocate(bytes: 4096, purpose: .data, owner: "again")
    #expect(try memory.read(again.base) == 0)
  }

  @Test func hexMatchesTheRadixFormatting() {
    var state: UInt64 = 7
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state ^ (state >> 29)
    }
    for _ in 0..<500 {
      let v = next() >> (next() % 64)
      let digits = Int(next() % 20)
      let s = String(v, radix: 16)
      #expect(hex(v, digits: digits) == "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s)
    }
    #expect(hex(0) == "0x0" && hex(0, digits: 4) == "0x0000" && hex(UInt64.max) == "0xffffffffffffffff")
  }
}
