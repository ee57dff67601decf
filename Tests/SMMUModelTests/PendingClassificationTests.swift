import Testing

@testable import SMMUModel

/// `PendingInvalidations.consumed`, for every command: a CMD_SYNC completes what is pending,
/// an invalidation (`Command.isInvalidation`) becomes pending, anything else leaves it.
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
