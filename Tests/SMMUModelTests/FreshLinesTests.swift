import Testing

@testable import SMMUModel

/// The stale-line check (hazard a) skips the memory read for a line found fresh at memory's
/// current generation (`FreshLines`); any change to memory makes it read again.
@Suite struct FreshLinesTests {
  @Test func aLineFoundFreshIsStaleOnceMemoryChanges() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 64, purpose: .streamTable, owner: "stream table")
    try memory.write(a.base, 1, writer: "driver")
    let line = ConfigCacheLine(address: a.base, qwords: [1, 0, 0, 0, 0, 0, 0, 0])
    var fresh = FreshLines()
    var answers = [fresh.isStale(line, in: memory), fresh.isStale(line, in: memory)]
    try memory.write(a.base + 8, 2, writer: "driver")
    answers += [fresh.isStale(line, in: memory), fresh.isStale(line, in: memory)]
    try memory.write(a.base + 8, 0, writer: "driver")
    answers.append(fresh.isStale(line, in: memory))
    #expect(answers == [false, false, true, true, false])
  }

  @Test func aLineFoundFreshIsStaleOnceAnUnseenValueHidesIt() {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 64, purpose: .cdTable, owner: "cd-table")
    let line = ConfigCacheLine(address: a.base + 8, qwords: [0])
    var fresh = FreshLines()
    let before = fresh.isStale(line, in: memory)
    memory.unseen = [a.base + 8: 5]
    let after = fresh.isStale(line, in: memory)
    #expect(!before && after)
  }

  @Test func anotherLineAtTheSameGenerationIsStillRead() throws {
    var memory = PhysicalMemory()
    let a = memory.allocate(bytes: 128, purpose: .streamTable, owner: "stream table")
    try memory.write(a.base + 64, 3, writer: "driver")
    var fresh = FreshLines()
    let answers = [
      fresh.isStale(ConfigCacheLine(address: a.base, qwords: [0]), in: memory),
      fresh.isStale(ConfigCacheLine(address: a.base + 64, qwords: [4]), in: memory),
      fresh.isStale(ConfigCacheLine(address: a.base + 64, qwords: [3]), in: memory),
    ]
    #expect(answers == [false, true, false])
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
