import SMMUModel
import Testing

/// An invalidation completes at a later CMD_SYNC, not when it is consumed: the SMMU keeps the
/// consumed ones pending until a SYNC is consumed (the caches still apply them at once).
@Suite struct PendingInvalidationTests {
  @Test func aSyncCompletesEveryInvalidationConsumedBeforeIt() {
    var smmu = SMMU()
    smmu.submit([.tlbiNHASID(vmid: 0, asid: 1), .cfgiSTE(sid: 1, leaf: true)])
    #expect(
      smmu.pendingInvalidations.map(\.command) == [
        .tlbiNHASID(vmid: 0, asid: 1), .cfgiSTE(sid: 1, leaf: true),
      ])
    #expect(smmu.pendingInvalidations.map(\.sequence) == [1, 2])
    #expect(smmu.pendingInvalidationCount == 2)
    smmu.submit(.sync)
    #expect(smmu.pendingInvalidations.isEmpty)
    #expect(smmu.pendingInvalidationCount == 0)
  }

  @Test func onlyInvalidationsArePending() {
    var smmu = SMMU()
    smmu.submit([.prefetchConfig(sid: 1, ssid: nil), .stallTerm(sid: 1)])
    #expect(smmu.pendingInvalidations.isEmpty)
    smmu.submit(.atcInv(sid: 1, ssid: nil, address: 0, size: 52))
    #expect(smmu.pendingInvalidations.count == 1)
  }

  /// Commands held behind an illegal one are not consumed, so not pending; after the
  /// acknowledgement the illegal command runs as a CMD_SYNC and completes the earlier ones.
  @Test func heldCommandsAreNotPending() {
    var f = SMMUFeatures()
    f.stage1 = false
    var smmu = SMMU(features: f)
    smmu.submit([.cfgiSTE(sid: 1, leaf: true), .cfgiCD(sid: 1, ssid: 0, leaf: true), .tlbiNSNHAll])
    #expect(smmu.commandQueue.error == .ill)
    #expect(smmu.pendingInvalidations.map(\.command) == [.cfgiSTE(sid: 1, leaf: true)])
    smmu.acknowledgeCommandError()
    #expect(smmu.pendingInvalidations.map(\.command) == [.tlbiNSNHAll])
  }

  /// Each invalidation left pending is counted once, however many operations it outlives.
  @Test func operationEndsCountWhatTheyLeavePending() {
    var smmu = SMMU()
    #expect(smmu.endOperation() == 0)
    smmu.submit(.cfgiSTE(sid: 1, leaf: true))
    #expect(smmu.endOperation() == 1)
    #expect(smmu.endOperation() == 1)
    #expect(smmu.invalidationsLeftPending == 1)
    smmu.submit([.cfgiSTE(sid: 2, leaf: true), .sync, .tlbiNSNHAll])
    #expect(smmu.endOperation() == 1)
    #expect(smmu.invalidationsLeftPending == 2)
    smmu.submit(.sync)
    #expect(smmu.endOperation() == 0)
    #expect(smmu.invalidationsLeftPending == 2)
  }
}
