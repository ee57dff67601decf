import SMMUModel

/// The guest's vSTE of a nested domain (`struct arm_smmu_nested_domain`), validated as
/// `arm_smmu_validate_vste` does (upstream-2026.md §1.3).
package struct NestedSTE: Sendable, Hashable {
  /// The vSMMU the nested domain was allocated on.
  package let viommu: String
  /// Qword 0 as stored (zero for V=0).
  package let q0: UInt64
  /// Qword 1 as stored: zero for V=0, EATS cleared.
  package let q1: UInt64
  /// Config 5 with EATS = 0b01: the guest enabled ATS.
  package let enableATS: Bool

  /// The bits a guest may set: V, Config, S1Fmt, S1ContextPtr, S1CDMax in q0; S1DSS, S1CIR,
  /// S1COR, S1CSH, S1STALLD, EATS in q1.
  package static let allowed: (UInt64, UInt64) = {
    typealias S = StreamTableEntry
    let q0 = [S.v, S.config, S.s1fmt, S.s1ContextPtr, S.s1cdmax].reduce(0) { $0 | $1.mask }
    let q1 = [S.s1dss, S.s1cir, S.s1cor, S.s1csh, S.s1stalld, S.eats].reduce(0) { $0 | $1.mask }
    return (q0, q1)
  }()

  /// Configs a vSTE may hold: abort, bypass, stage 1.
  static let configs: Set<StreamTableEntry.Config> = [.abort, .bypass, .s1Translate]

  /// Validates a vSTE; -EIO for a bit outside the masks, another Config, or EATS 0b1x.
  package init(viommu: String, q0: UInt64, q1: UInt64) throws(DriverError) {
    typealias S = StreamTableEntry
    self.viommu = viommu
    guard q0 & S.v.mask != 0 else {
      (self.q0, self.q1) = (0, 0)
      enableATS = false
      return
    }
    if q0 & ~Self.allowed.0 != 0 || q1 & ~Self.allowed.1 != 0 {
      let extra = (q0 & ~Self.allowed.0, q1 & ~Self.allowed.1)
      throw DriverError(
        .eio, "vSTE bits outside the allowed masks: q0 \(hex(extra.0)), q1 \(hex(extra.1))")
    }
    let cfg = S.config.get(q0)
    guard let config = S.Config(rawValue: cfg), Self.configs.contains(config) else {
      throw DriverError(.eio, "vSTE Config \(cfg): only abort (0), bypass (4) and stage 1 (5)")
    }
    let eats = S.eats.get(q1)
    guard eats == S.eatsAbort || eats == S.eatsTrans else {
      throw DriverError(.eio, "vSTE EATS \(eats): only 0b00 and 0b01")
    }
    enableATS = config == .s1Translate && eats == S.eatsTrans
    (self.q0, self.q1) = (q0, q1 & ~S.eats.mask)
  }

  /// Qword 1 as the guest wrote it (EATS 0b01 back when it asked for ATS).
  package var guestQ1: UInt64 {
    enableATS ? q1 | StreamTableEntry.eats.set(0, StreamTableEntry.eatsTrans) : q1
  }

  /// What attaching it would do: abort and bypass are the same whatever else the vSTE holds;
  /// stage 1 depends on its fields.
  var effect: [UInt64] {
    switch config {
    case .s1Translate: [q0, q1, enableATS ? 1 : 0]
    case .bypass: [4]
    default: [0]
    }
  }

  /// What the vSTE asks for: abort (V=0 or Config 0), bypass, or stage 1.
  package var config: StreamTableEntry.Config {
    typealias S = StreamTableEntry
    guard q0 & S.v.mask != 0 else { return .abort }
    return S.Config(rawValue: S.config.get(q0)) ?? .abort
  }
}
