/// A moment inside a driver operation at which the SMMU may look at memory: after one store,
/// one consumed command or one free. While `SMMU.observations` is on, the SMMU appends one
/// per event with its whole state after it (a value copy: memory pages are shared until
/// written; the torn-update bookkeeping is left out), so a checker can evaluate every
/// transaction at every point afterwards.
package struct ObservationPoint: Sendable {
  /// What happened just before the point.
  package enum Event: Sendable, Hashable {
    /// A 64-bit store by the driver (or a raw `write`), and the value it replaced.
    case store(address: UInt64, value: UInt64, old: UInt64)
    /// A write barrier (`dma_wmb()`): every earlier store is visible before any later one.
    case barrier
    /// A command the SMMU consumed (an invalidation, a CMD_SYNC, ...).
    case command(Command)
    /// Memory freed by the driver.
    case free(Allocation)
  }

  package let event: Event
  /// The SMMU just after the event (its own `observations` off).
  package let state: SMMU

  /// True for a store of V=0 into qword 0 of an STE or CD, or into an L1 descriptor (the
  /// first step of a breaking update).
  package var clearsValid: Bool {
    guard case .store(let address, let value, _) = event, let p = state.memory.purpose(containing: address)
    else { return false }
    if p == .streamTableL1 || p == .cdTableL1 { return value & 1 == 0 }
    let valid = p == .streamTable ? StreamTableEntry.v.mask : ContextDescriptor.v.mask
    return SMMU.holdsEntries(p) && address & 63 == 0 && value & valid == 0
  }

  /// "after the store of q1 of STE sid 0x10", "after CMD_SYNC", ...
  package var description: String {
    switch event {
    case .barrier: return "after dma_wmb()"
    case .store(let address, let value, _):
      let what = state.describeEntry(at: address)
      let entry = state.memory.purpose(containing: address).map(SMMU.holdsEntries) ?? false
      let q = entry ? "q\((address & 63) >> 3) of " : ""
      return "after the store of \(q)\(what) (\(hex(value)))"
    case .command(let c): return "after \(c.description)"
    case .free(let a): return "after the free of \(a.purpose.rawValue) of \(a.owner) at \(hex(a.base))"
    }
  }
}

extension SMMU {
  /// Appends an observation point for `event` when observations are on. Only the check is
  /// inlined into each store and command: the append copies the whole SMMU.
  @inline(__always)
  mutating func observe(_ event: ObservationPoint.Event) {
    if observations != nil { appendObservation(event) }
  }

  /// Appends an observation point for `event` (observations are on). The point's state
  /// keeps no entry histories: nothing stores through a point, and a copy sharing them would
  /// make the next tracked store copy both whole (thousands of entries while a new
  /// stream-table leaf is initialised, once per store).
  @inline(never)
  private mutating func appendObservation(_ event: ObservationPoint.Event) {
    var s = self
    s.observations = nil
    s.updateWindow = EntryHistory()
    s.operationStates = EntryHistory()
    observations!.append(ObservationPoint(event: event, state: s))
  }

  /// A write barrier (`dma_wmb()`): the driver's earlier stores become visible to the SMMU
  /// before any later one. Between barriers (and commands, whose producer write orders the
  /// stores before them) the SMMU may observe stores in any order.
  package mutating func barrier() { observe(.barrier) }

  /// Starts recording observation points (dropping any kept); returns nothing recorded yet.
  package mutating func startObserving() { observations = [] }

  /// How many points were recorded since `startObserving()`.
  package var observedPointCount: Int { observations?.count ?? 0 }

  /// Stops recording and returns the points recorded since `startObserving()`.
  package mutating func takeObservations() -> [ObservationPoint] {
    defer { observations = nil }
    return observations ?? []
  }
}
