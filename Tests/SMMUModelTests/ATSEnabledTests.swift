import Testing

@testable import SMMUModel

/// `atsEnabledStreams` (what `translate` asks) through enables and disables.
@Suite struct ATSEnabledTests {
  @Test func enablesAndDisablesKeepTheSetOfStreams() {
    var smmu = SMMU()
    #expect(smmu.atsEnabledStreams.isEmpty)
    for sid: UInt32 in [9, 2, 40, 7, 2] { smmu.setEndpointATS(sid: sid, enabled: true) }
    smmu.setEndpointATS(sid: 7, enabled: false)
    smmu.setEndpointATS(sid: 8, enabled: false)
    #expect(smmu.atsEnabledStreams == [2, 9, 40])
  }
}
