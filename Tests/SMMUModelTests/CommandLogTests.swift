import Testing

@testable import SMMUModel

/// The command log is kept in chunks (`ChunkedLog`) but reads as the one array it was: the
/// newest commands, trimmed to `logLimit` once it reaches twice that.
@Suite struct CommandLogTests {
  @Test func chunkedLogReadsAsTheArrayItReplaces() {
    var log = ChunkedLog<Int>()
    var array: [Int] = []
    #expect(log.elements.isEmpty)
    for i in 0..<5000 {
      log.append(i)
      array.append(i)
      if i % 1500 == 1499 {
        let n = (i / 1500) % 2 == 0 ? 650 : array.count - 60
        log.removeFirst(n)
        array.removeFirst(n)
      }
      #expect(log.count == array.count)
    }
    #expect(log.elements == array)
    log.removeFirst(log.count)
    log.append(7)
    #expect(log.elements == [7] && log.count == 1)
  }

  @Test func commandLogKeepsTheNewestAcrossTrims() {
    var smmu = SMMU()
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
