import Testing

@testable import SMMUModel

/// `PendingInvalidations.consumed` classifies commands in one switch: it must agree with
/// `Command.isSync` and `Command.isInvalidation` for every command.
@Suite struct PendingClassificationTests {
  @Test(arguments: CommandEncodingTests.samples)
  func consumedAgreesWithIsSyncAndIsInvalidation(_ c: Command) {
    var pending = PendingInvalidations()
    pending.consumed(.tlbiNSNHAll, sequence: 1)
    pending.consumed(c, sequence: 2)
    let expected: [UInt64] = c.isSync ? [] : c.isInvalidation ? [1, 2] : [1]
    #expect(pending.entries.map(\.sequence) == expected)
  }
}
