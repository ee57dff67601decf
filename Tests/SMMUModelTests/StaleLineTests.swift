import Testing

@testable import SMMUModel

/// The stale-line check (hazard a), `ConfigCacheLine.isStale(in:)`: a cached line is stale
/// exactly while memory (as the SMMU would read it) differs from it. (A memo of lines found
/// fresh at one memory generation went: no run ever hit it, every transaction's memory had
/// moved on.)
@Suite struct StaleLineTests {
  @Test func aLineIsStaleWhileMemoryDiffersFromIt() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 64, purpose: .streamTable, owner: "stream table")
    try memory.write(a.base, 1, writer: "driver")
    let line = ConfigCacheLine(address: a.base, qwords: [1, 0, 0, 0, 0, 0, 0, 0])
    var answers = [line.isStale(in: memory), line.isStale(in: memory)]
    try memory.write(a.base + 8, 2, writer: "driver")
    answers += [line.isStale(in: memory), line.isStale(in: memory)]
    try memory.write(a.base + 8, 0, writer: "driver")
    answers.append(line.isStale(in: memory))
    #expect(answers == [false, false, true, true, false])
  }

  @Test func aLineIsStaleOnceAnUnseenValueHidesIt() {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 64, purpose: .cdTable, owner: "cd-table")
    let line = ConfigCacheLine(address: a.base + 8, qwords: [0])
    let before = line.isStale(in: memory)
    memory.unseen = [a.base + 8: 5]
    let after = line.isStale(in: memory)
    #expect(!before && after)
  }

  @Test func linesAtOneAddressAreJudgedByTheirOwnQwords() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 128, purpose: .streamTable, owner: "stream table")
    try memory.write(a.base + 64, 3, writer: "driver")
    let answers = [
      ConfigCacheLine(address: a.base, qwords: [0]).isStale(in: memory),
      ConfigCacheLine(address: a.base + 64, qwords: [4]).isStale(in: memory),
      ConfigCacheLine(address: a.base + 64, qwords: [3]).isStale(in: memory),
    ]
    #expect(answers == [false, true, false])
  }

  @Test func aFreedLineIsStale() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 64, purpose: .cdTable, owner: "cd-table")
    let line = ConfigCacheLine(address: a.base, qwords: [0, 0, 0, 0, 0, 0, 0, 0])
    #expect(!line.isStale(in: memory))
    try memory.free(a.base)
    #expect(line.isStale(in: memory))
  }

  @Test func repeatedHitsStaySilentUntilTheCachedSTEIsRewritten() {
    var (rig, _, _) = Rig.standard()
    #expect(rig.translate(sid: 1).servedBy == "walk")
    #expect(rig.translate(sid: 1).hazards.isEmpty)
    #expect(rig.translate(sid: 1).hazards.isEmpty)
    // A change to the cached STE with no CFGI_STE: every later hit reports it.
    let address = rig.steAddress(1)
    rig.store(address + 8, (rig.load(address + 8) ?? 0) ^ 1 << 20)
    #expect(rig.translate(sid: 1).hazards.contains { $0.kind == .missingInvalidation })
    #expect(rig.translate(sid: 1).hazards.contains { $0.kind == .missingInvalidation })
  }
}
