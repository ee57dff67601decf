import SMMUModel

extension Driver {
  /// Starts recording the SMMU's observation points (every store, command and free from now
  /// on; see `ObservationPoint`), for a checker.
  package mutating func startObserving() { smmu.startObserving() }

  /// Stops recording and returns the observation points since `startObserving()`.
  package mutating func takeObservations() -> [ObservationPoint] { smmu.takeObservations() }
}
