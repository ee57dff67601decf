import Testing

@testable import SMMUModel

/// `translate` asks `atsEnabledSIDs` (a binary search of the sorted SIDs), which must agree
/// with `atsEnabledStreams` through enables and disables.
@Suite struct ATSEnabledTests {
  @Test func atsEnabledAgreesWithTheSetOfStreams() {
    var smmu = SMMU()
    for sid: UInt32 in 0..<50 { #expect(!smmu.atsEnabledSIDs.contains(sid)) }
    for sid: UInt32 in [9, 2, 40, 7, 2] { smmu.setEndpointATS(sid: sid, enabled: true) }
    smmu.setEndpointATS(sid: 7, enabled: false)
    smmu.setEndpointATS(sid: 8, enabled: false)
    for sid: UInt32 in 0..<50 {
      #expect(smmu.atsEnabledSIDs.contains(sid) == smmu.atsEnabledStreams.contains(sid))
    }
    #expect(smmu.atsEnabledStreams == [2, 9, 40])
  }
}
