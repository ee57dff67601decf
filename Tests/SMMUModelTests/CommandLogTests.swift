import Testing

@testable import SMMUModel

/// The command log is opt-in (`keepsCommandLog`): off, consuming keeps nothing; on, it keeps
/// the newest commands, trimmed to `logLimit` once it reaches twice that.
@Suite struct CommandLogTests {
  @Test func theLogIsOffByDefault() {
    var smmu = SMMU()
    #expect(!smmu.keepsCommandLog)
    smmu.submit([.tlbiNHAll(vmid: 1), .sync])
    #expect(smmu.commandLog.isEmpty)
    #expect(smmu.commandQueue.cons == 2)
    #expect(smmu.counters.commands == ["TLBI_NH_ALL": 1, "CMD_SYNC": 1])
  }

  @Test func theLogKeepsOnlyWhatWasConsumedWhileOn() {
    var smmu = SMMU()
    smmu.submit(.tlbiNHAll(vmid: 1))
    smmu.keepsCommandLog = true
    smmu.submit([.tlbiNHAll(vmid: 2), .sync])
    smmu.keepsCommandLog = false
    smmu.submit(.tlbiNHAll(vmid: 3))
    #expect(smmu.commandLog == [.tlbiNHAll(vmid: 2), .sync])
  }

  @Test func commandLogKeepsTheNewestAcrossTrims() {
    var smmu = SMMU()
    smmu.keepsCommandLog = true
    smmu.logLimit = 900
    var expected: [Command] = []
    for i in 0..<4000 {
      let c = Command.tlbiNHAll(vmid: UInt16(i % 11))
      smmu.submit(c)
      expected.append(c)
      if expected.count >= 2 * smmu.logLimit { expected.removeFirst(expected.count - smmu.logLimit) }
    }
    #expect(smmu.commandLog == expected)
  }
}
