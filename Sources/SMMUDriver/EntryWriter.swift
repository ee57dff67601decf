import SMMUModel

/// The hitless entry writer (`arm_smmu_write_entry`): updates a live 64-byte STE or CD with
/// 64-bit stores so that the SMMU only ever sees the old or the new configuration, using a
/// breaking V=0 sequence only when more than one qword must change in used bits.
package struct EntryWriter: Sendable {
  /// Which structure is written: selects the used-bits and update-safe functions.
  package enum Kind: String, Sendable, Hashable { case ste, cd }

  /// The path the algorithm chose.
  package enum Path: String, Sendable, Hashable {
    /// No used bit changes (only unused or update-safe bits, if anything).
    case unchanged
    /// Exactly one qword differs in used bits: 1-3 syncs, never invalid.
    case hitless
    /// Two or more: V=0, write the rest, then qword 0.
    case breaking
  }

  /// One published step: the stores made since the previous sync and the entry at the sync.
  package struct Step: Sendable, Hashable {
    /// (qword index, old value, new value) for every store in the step.
    package let stores: [Store]
    /// The entry after the step, as the sync publishes it.
    package let entry: [UInt64]
  }

  /// One 64-bit store.
  package struct Store: Sendable, Hashable {
    package let qword: Int
    package let old: UInt64
    package let new: UInt64
  }

  /// What a write did.
  package struct Outcome: Sendable, Hashable {
    package let path: Path
    /// The qword whose single store flips the configuration (hitless path).
    package let criticalQword: Int?
    package let steps: [Step]
    package var syncs: Int { steps.count }
    /// As upstream's KUnit harness defines it: no sync observed qword 0 == 0.
    package var hitless: Bool { !steps.contains { $0.entry[0] == 0 } }
  }

  package let kind: Kind
  /// False (the `no-break` mutation): an update that needs the breaking sequence is written
  /// in place instead, qword 0 to 7, then one sync.
  package let breaks: Bool
  /// False (the `no-update-safe` mutation): no bit counts as update-safe, as before Linux
  /// 2781f2a930ab, so a change in MEV or EATS makes its qword critical.
  package let safeBits: Bool

  package init(kind: Kind, breaks: Bool = true, safeBits: Bool = true) {
    self.kind = kind
    self.breaks = breaks
    self.safeBits = safeBits
  }

  /// Bits the hardware uses in `entry`.
  package func used(_ entry: EntryQwords) -> EntryQwords {
    kind == .ste ? UsedBits.ste(entry) : UsedBits.cd(entry)
  }

  /// `used(_:)` of an array of 8 qwords.
  package func used(_ entry: [UInt64]) -> [UInt64] { used(EntryQwords(entry)).array }

  /// Bits that may change in place between the two entries (none without `safeBits`).
  package func updateSafe(current: EntryQwords, target: EntryQwords) -> EntryQwords {
    guard safeBits else { return EntryQwords() }
    return kind == .ste
      ? UsedBits.steUpdateSafe(current: current, target: target)
      : UsedBits.cdUpdateSafe(current: current, target: target)
  }

  /// `updateSafe(current:target:)` of arrays of 8 qwords.
  package func updateSafe(current: [UInt64], target: [UInt64]) -> [UInt64] {
    updateSafe(current: EntryQwords(current), target: EntryQwords(target)).array
  }

  /// Step 1, analyse: which qwords still differ in target-used bits after every bit the
  /// current configuration ignores has taken its target value. Returns the diff mask and the
  /// "unused update" entry.
  package func analyse(current: EntryQwords, target: EntryQwords) -> (diff: UInt8, unusedUpdate: EntryQwords)
  {
    // Whole-entry operations (one call each; see EntryQwords' operators).
    let tgtUsed = used(target)
    var curUsed = used(current)
    let safe = updateSafe(current: current, target: target) & tgtUsed & curUsed
    curUsed = curUsed & ~safe
    let unusedUpdate = (current & curUsed) | (target & ~curUsed)
    let diff = (unusedUpdate & tgtUsed).qwordsDiffering(from: target)
    return (diff, unusedUpdate)
  }

  /// `analyse(current:target:)` of arrays of 8 qwords.
  package func analyse(current: [UInt64], target: [UInt64]) -> (diff: UInt8, unusedUpdate: [UInt64]) {
    let r = analyse(current: EntryQwords(current), target: EntryQwords(target))
    return (r.diff, r.unusedUpdate.array)
  }

  /// Runs the algorithm on `entry` towards `target`. `store(i, value)` performs one 64-bit
  /// store into the live entry; `sync()` publishes (CFGI + CMD_SYNC).
  @discardableResult
  package func write(
    entry: inout EntryQwords, target: EntryQwords, store: (Int, UInt64) -> Void, sync: () -> Void
  ) -> Outcome {
    run(entry: &entry, target: target, recording: true, store: store, sync: sync)
  }

  /// `write(entry:target:store:sync:)` of arrays of 8 qwords.
  @discardableResult
  package func write(
    entry: inout [UInt64], target: [UInt64], store: (Int, UInt64) -> Void, sync: () -> Void
  ) -> Outcome {
    precondition(entry.count == 8 && target.count == 8)
    var e = EntryQwords(entry)
    let outcome = run(entry: &e, target: EntryQwords(target), recording: true, store: store, sync: sync)
    entry = e.array
    return outcome
  }

  /// The same stores and syncs as `write`, without keeping the steps (the driver's path:
  /// nothing is allocated). Returns the path taken.
  @discardableResult
  package func update(
    entry: inout EntryQwords, target: EntryQwords, store: (Int, UInt64) -> Void, sync: () -> Void
  ) -> Path {
    run(entry: &entry, target: target, recording: false, store: store, sync: sync).path
  }

  private func run(
    entry: inout EntryQwords, target: EntryQwords, recording: Bool, store: (Int, UInt64) -> Void,
    sync: () -> Void
  ) -> Outcome {
    var steps: [Step] = []
    func set(_ src: EntryQwords, _ start: Int, _ len: Int) {
      // Only the qwords that differ are visited.
      let differing = entry.qwordsDiffering(from: src)
      guard differing != 0 else { return }
      var stores: [Store] = []
      var changed = false
      for i in start..<(start + len) where differing & (1 << UInt8(i)) != 0 {
        if recording { stores.append(Store(qword: i, old: entry[i], new: src[i])) }
        changed = true
        entry[i] = src[i]
        store(i, src[i])
      }
      if changed {
        sync()
        if recording { steps.append(Step(stores: stores, entry: entry.array)) }
      }
    }
    var (diff, unusedUpdate) = analyse(current: entry, target: target)
    switch diff.nonzeroBitCount {
    case 0:
      set(target, 0, 8)
      return Outcome(path: .unchanged, criticalQword: nil, steps: steps)
    case 1:
      let critical = diff.trailingZeroBitCount
      unusedUpdate[critical] = entry[critical]
      set(unusedUpdate, 0, 8)
      set(target, critical, 1)
      set(target, 0, 8)
      return Outcome(path: .hitless, criticalQword: critical, steps: steps)
    case _ where !breaks:
      set(target, 0, 8)
      return Outcome(path: .breaking, criticalQword: nil, steps: steps)
    default:
      unusedUpdate[0] = 0
      set(unusedUpdate, 0, 1)
      set(target, 1, 7)
      set(target, 0, 1)
      return Outcome(path: .breaking, criticalQword: nil, steps: steps)
    }
  }
}
