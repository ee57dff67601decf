import SMMUModel

extension Driver {
  /// Starts recording the SMMU's observation points (every store, command and free from now
  /// on; see `ObservationPoint`), for a checker.
  package mutating func startObserving() { smmu.startObserving() }

  /// `dma_wmb()`: the stores so far are visible to the SMMU before any later store (as
  /// upstream orders a new L2 table before its L1 descriptor, 84366fb547ed, and a pointed-to
  /// table before the entry writer's first store, 6fabce53f6b9).
  mutating func barrier() {
    if applying(.noBarrier) { return }
    smmu.barrier()
  }

  /// Stops recording and returns the observation points since `startObserving()`.
  package mutating func takeObservations() -> [ObservationPoint] { smmu.takeObservations() }
}
