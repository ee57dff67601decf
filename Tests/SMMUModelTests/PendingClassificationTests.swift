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

  /// `isInvalidation` (positions 1...17 of `Command.names`) against the list of invalidation
  /// cases written out: CFGI_*, TLBI_* and ATC_INV.
  @Test(arguments: CommandEncodingTests.samples)
  func isInvalidationMatchesTheInvalidationCases(_ c: Command) {
    let listed: Bool
    switch c {
    case .cfgiSTE, .cfgiSTERange, .cfgiCD, .cfgiCDAll, .tlbiNHAll, .tlbiNHASID, .tlbiNHVA, .tlbiNHVAA,
      .tlbiEL2All, .tlbiEL2ASID, .tlbiEL2VA, .tlbiEL2VAA, .tlbiS12VMAll, .tlbiS2IPA, .tlbiNSNHAll, .atcInv:
      listed = true
    case .prefetchConfig, .sync, .syncSignal, .resume, .stallTerm, .raw: listed = false
    }
    #expect(c.isInvalidation == listed)
    #expect((c.nameIndex == Command.syncNameIndex) == c.isSync)
  }

  @Test func syncNameIndexNamesCMDSYNC() {
    #expect(Command.names[Command.syncNameIndex] == "CMD_SYNC")
    #expect(Command.sync.nameIndex == Command.syncNameIndex)
    #expect(
      Command.names.indices.filter { Command.isInvalidation(nameIndex: $0) }.map { Command.names[$0] }
        == Command.names.filter { $0.hasPrefix("CFGI_") || $0.hasPrefix("TLBI_") || $0 == "ATC_INV" })
  }

  /// A CMD_SYNC empties the list by its count: invalidations consumed after it are listed
  /// alone, in order, and counted as left pending once.
  @Test func storageIsReusedAfterASync() {
    var pending = PendingInvalidations()
    pending.consumed(.tlbiNSNHAll, sequence: 1)
    pending.consumed(.cfgiAll, sequence: 2)
    pending.consumed(.sync, sequence: 3)
    #expect(pending.entries.isEmpty)
    #expect(pending.count == 0)
    pending.consumed(.cfgiSTE(sid: 1, leaf: true), sequence: 4)
    #expect(pending.entries.map(\.sequence) == [4])
    #expect(pending.entries.map(\.command) == [.cfgiSTE(sid: 1, leaf: true)])
    #expect(pending.endOperation() == 1)
    #expect(pending.endOperation() == 1)
    #expect(pending.leftPendingAtOperationEnd == 1)
    pending.consumed(.tlbiNHAll(vmid: 1), sequence: 5)
    pending.consumed(.tlbiNHAll(vmid: 2), sequence: 6)
    pending.consumed(.tlbiNHAll(vmid: 3), sequence: 7)
    #expect(pending.entries.map(\.sequence) == [4, 5, 6, 7])
    #expect(pending.endOperation() == 4)
    #expect(pending.leftPendingAtOperationEnd == 4)
    // Equality looks at the pending entries, not at storage kept for reuse.
    var a = PendingInvalidations()
    a.consumed(.tlbiNSNHAll, sequence: 1)
    a.consumed(.sync, sequence: 2)
    #expect(a == PendingInvalidations())
    #expect(a.hashValue == PendingInvalidations().hashValue)
  }
}
