import Foundation
import SMMUModel
import Testing

/// The inline 8-qword entry value, the allocation lookup behind every access, and torn-update
/// tracking over many entries at once.
@Suite struct EntryQwordsTests {
  /// Deterministic qwords (xorshift64*), so a failure replays.
  static func qwords(seed: UInt64, count: Int) -> [UInt64] {
    var x = seed | 1
    return (0..<count).map { _ in
      x ^= x >> 12
      x ^= x << 25
      x ^= x >> 27
      return x &* 0x2545_F491_4F6C_DD1D
    }
  }

  @Test(arguments: [1, 2, 3, 0xDEAD_BEEF] as [UInt64])
  func behavesLikeItsArray(seed: UInt64) throws {
    let a = Self.qwords(seed: seed, count: 8)
    var e = EntryQwords(a)
    #expect(e.count == 8)
    #expect(Array(e) == a)
    #expect(e.map { $0 ^ 1 } == a.map { $0 ^ 1 })
    for i in 0..<8 { #expect(e[i] == a[i]) }
    // Mutation through the subscript touches only that qword.
    e[5] = ~a[5]
    #expect(Array(e) == a.enumerated().map { $0.offset == 5 ? ~$0.element : $0.element })
    #expect(e != EntryQwords(a))
    e[5] = a[5]
    #expect(e == EntryQwords(a))
    #expect(e.hashValue == EntryQwords(a).hashValue)
    #expect(e.description == a.description)
  }

  @Test func fieldsReadAndWriteLikeTheArrayHelpers() {
    var e = EntryQwords(Self.qwords(seed: 7, count: 8))
    var a = Array(e)
    for f in StreamTableEntry.allFields {
      #expect(e.field(f) == a.field(f))
      e.setField(f, 0x5A5A)
      a.setField(f, 0x5A5A)
      #expect(Array(e) == a)
    }
  }

  @Test func arrayLiteralAndZeroEntry() {
    let e: EntryQwords = [1, 2, 3, 4, 5, 6, 7, 8]
    #expect(Array(e) == [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(Array(EntryQwords()) == [UInt64](repeating: 0, count: 8))
    #expect(Array(EntryQwords(repeating: 9)) == [UInt64](repeating: 9, count: 8))
  }

  /// `allocation(containing:)` and `purpose(containing:)` agree with a search of every live
  /// allocation, after fixed-address allocations land between others and some are freed.
  @Test func allocationLookupMatchesABruteForceSearch() throws {
    var memory = PhysicalMemory()
    var live: [Allocation] = []
    let purposes: [MemoryPurpose] = [.streamTable, .cdTable, .cdTableLeaf, .data]
    for i in 0..<12 {
      live.append(
        memory.allocate(bytes: UInt64(64 << (i % 4)), purpose: purposes[i % 4], owner: "a\(i)"))
    }
    // Below the first allocation and in a gap made by a free.
    live.append(try memory.allocate(at: 0x1000, bytes: 200, purpose: .cdTable, owner: "low"))
    try memory.free(live[3].base)
    try memory.free(live[8].base)
    let gap = live[3]
    let freed = [live[3].base, live[8].base]
    live.removeAll { freed.contains($0.base) }
    live.append(try memory.allocate(at: gap.base + 64, bytes: 64, purpose: .streamTable, owner: "gap"))
    var probes: [UInt64] = [0, 0xFF8, 0x1000, 0x10C8, 0x10D0]
    for a in live { probes += [a.base, a.base + a.occupied - 8, a.base + a.occupied, a.base - 8] }
    probes += [gap.base, gap.base + 56, gap.base + 128]
    for p in probes {
      let expected = live.first { $0.contains(p) }
      #expect(memory.allocation(containing: p) == expected, "probe \(hex(p))")
      #expect(memory.purpose(containing: p) == expected?.purpose, "probe \(hex(p))")
    }
  }

  /// Many valid STEs each rewritten in two qwords without a sync between them: every one is
  /// a torn update, reported once, in address order (more entries than a linear search holds).
  @Test func tornUpdatesOverManyEntriesAreEachReportedInAddressOrder() {
    var smmu = SMMU()
    let table = smmu.allocate(bytes: 64 * 32, align: 2048, purpose: .streamTable, owner: "st")
    smmu.programStreamTable(base: table.base, config: 5)
    smmu.setEnabled(true)
    var first = StreamTableEntry()
    first[StreamTableEntry.v] = 1
    first[StreamTableEntry.config] = StreamTableEntry.Config.s2Translate.rawValue
    first[StreamTableEntry.s2vmid] = 1
    first[StreamTableEntry.s2ttb] = 0x1000
    var second = first
    second[StreamTableEntry.s2vmid] = 2
    second[StreamTableEntry.s2ttb] = 0x2000
    let sids: [UInt64] = [20, 3, 31, 7, 12, 0, 25, 9, 14, 1, 30, 5]
    for sid in sids {
      // Qword 0 (V) last: the entry is invalid until complete.
      for i in (0..<8).reversed() {
        _ = try? smmu.write(table.base + sid * 64 + UInt64(i * 8), first.qwords[i])
      }
    }
    smmu.submit(.sync)
    smmu.settle()
    #expect(smmu.hazards.isEmpty)
    // Reverse order of qwords: word 3 (S2TTB) then word 2 (VMID), no sync between.
    for sid in sids {
      _ = try? smmu.write(table.base + sid * 64 + 24, second.qwords[3])
      _ = try? smmu.write(table.base + sid * 64 + 16, second.qwords[2])
    }
    smmu.submit(.sync)
    let torn = smmu.hazards.filter { $0.kind == .tornUpdate }
    #expect(torn.map(\.entry) == sids.sorted().map { "STE sid \(hex($0))" })
  }

  /// Hundreds of pages written, a third freed (their index slots removed while others share
  /// probe runs), then some re-allocated at the same addresses: every page reads back what it
  /// holds, freed pages abort, re-allocated ones read zero, and the stored count follows.
  @Test func pageStoreSurvivesManyPagesFreesAndReuse() throws {
    var memory = PhysicalMemory()
    let regions = (0..<600).map { i in
      memory.allocate(bytes: 4096, purpose: .data, owner: "p\(i)")
    }
    for (i, r) in regions.enumerated() {
      try memory.write(r.base + UInt64(i % 512) * 8, UInt64(i) + 1, writer: "t")
    }
    let freed = Set(regions.indices.filter { $0 % 3 == 1 })
    for i in freed.sorted() { try memory.free(regions[i].base) }
    #expect(memory.storedQwords == regions.count - freed.count)
    for (i, r) in regions.enumerated() {
      let a = r.base + UInt64(i % 512) * 8
      if freed.contains(i) {
        #expect(throws: MemoryError.unmapped(a)) { try memory.read(a) }
      } else {
        #expect(try memory.read(a) == UInt64(i) + 1)
      }
    }
    for i in freed.sorted().prefix(50) {
      let r = try memory.allocate(at: regions[i].base, bytes: 4096, purpose: .data, owner: "again")
      #expect(try memory.read(r.base + UInt64(i % 512) * 8) == 0)
      try memory.write(r.base + 8, 0xAB, writer: "t")
      #expect(try memory.read(r.base + 8) == 0xAB)
    }
    #expect(memory.storedQwords == regions.count - freed.count + 50)
  }
}
