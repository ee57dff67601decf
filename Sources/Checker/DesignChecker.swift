import SMMUDriver
import SMMUModel

/// Judges a driver by its operations: for every operation, at every observation point,
/// every stream's possible outcomes under every cache state the architecture allows (see
/// `CacheVersions`), against what the operation should do. Kept across the operations of a
/// session: what the caches may hold carries over from one operation to the next.
package struct DesignChecker: Sendable {
  /// Counts for reports and the benchmark.
  package struct Totals: Sendable, Hashable {
    package var operations = 0
    package var points = 0
    /// Distinct streams judged at least once.
    package var streams = 0
    /// Probes: one transaction evaluated under one cache state.
    package var outcomes = 0
    /// Some point had more cache states than `comboLimit` (the rest were not explored).
    package var bounded = false

    package init() {}
  }

  /// One operation to judge.
  package struct Operation: Sendable {
    /// The operation's line (a group's `begin` line).
    package let line: Int
    package let before: Driver
    package let after: Driver
    package let points: [ObservationPoint]
    /// The line of each point (lines inside a group differ).
    package let pointLines: [Int]
    /// Input addresses the operation maps or unmaps.
    package let pages: [UInt64]
    /// For an attach: the domain, master and PASID (0: the RID). While it runs, the core
    /// counts the domain as attached there (and at every master of the master's group).
    package let attaching: (domain: String, master: String, pasid: UInt32)?

    package init(
      line: Int, before: Driver, after: Driver, points: [ObservationPoint], pointLines: [Int],
      pages: [UInt64],
      attaching: (domain: String, master: String, pasid: UInt32)? = nil
    ) {
      self.attaching = attaching
      self.line = line
      self.before = before
      self.after = after
      self.points = points
      self.pointLines = pointLines
      self.pages = pages
    }
  }

  private var versions = CacheVersions()
  /// Pages probed at every operation's ends: each mapped, unmapped or DMA'd address.
  private var trackedPages: [UInt64] = []
  private var trackedSet: Set<UInt64> = []
  private var extraSSIDs: Set<UInt32> = []
  /// Regions the driver freed.
  private var freed: [Allocation] = []
  /// The driver's stores since its last barrier or command, oldest first: the SMMU may not
  /// see them yet, in any combination (each address shows one of its values in order).
  private var window: [StoreWindow.Store] = []
  /// Every stream judged so far.
  private var judged: Set<CheckedStream> = []
  /// Each stream's footprint when it was last evaluated.
  private var footprints: [CheckedStream: Footprint] = [:]
  /// Findings already reported (kind, stream, outcome): each is reported once per session.
  private var reported: Set<String> = []
  package private(set) var totals = Totals()
  /// Cache states explored per stream and point at most.
  package var comboLimit = 512
  /// When false (tests), every stream is evaluated at every operation, not only those the
  /// operation can change: the results must be the same.
  package var skipsUnaffectedStreams = true

  package init() {}

  /// Probes `address` at the ends of every later operation.
  package mutating func track(page address: UInt64) {
    let p = address & ~0xFFF
    if trackedSet.insert(p).inserted { trackedPages.append(p) }
  }

  /// Checks SSID `ssid` of every master with substreams from now on.
  package mutating func track(ssid: UInt32) { extraSSIDs.insert(ssid) }

  /// Judges one operation; returns its findings.
  package mutating func check(_ op: Operation) -> [CheckFinding] {
    for p in op.pages { track(page: p) }
    let coreBefore = CoreView(op.before)
    let coreAfter = CoreView(op.after)
    let streams = affectedStreams(op, coreBefore, coreAfter)
    var coreDuring = coreAfter
    if let a = op.attaching { coreDuring.attach(a.domain, master: a.master, pasid: a.pasid, in: op.after) }
    let opPages = Array(Set(op.pages.map { $0 & ~0xFFF })).sorted()
    var ev = PointEvaluator(versions: versions, comboLimit: comboLimit)
    var findings: [CheckFinding] = []
    let split = op.after.smmu.streamTableSplit
    func emit(
      _ kind: CheckFinding.Kind, _ line: Int, _ point: String, _ t: ProbeTarget, seen: StreamOutcome,
      cache: Witness, allowed: [String], alike: [StreamOutcome] = [], note: String? = nil,
      seenNote: String? = nil, at state: SMMU
    ) {
      // One finding per cause: a stale structure that outlives several operations, or hurts
      // several streams or pages, is reported where it first shows; any other outcome once
      // per stream.
      let byCache = (kind == .stale || kind == .asidReuse) && !cache.parts.isEmpty
      let cause = byCache ? cache.description : "\(t.stream)|\(seen.config)"
      let key = "\(kind.rawValue)|\(cause)"
      guard reported.insert(key).inserted else { return }
      let held = cache.apply(to: state)
      var probe = held
      let walk = probe.translate(t.stream.transaction(t.page ?? 0), recordWalk: true)
      var seenText = seen.description
      if let seenNote { seenText += " (\(seenNote))" }
      if let twin = alike.first(where: { $0.description == seenText }), let d = seen.difference(from: twin) {
        seenText += " (\(d))"
      }
      findings.append(
        CheckFinding(
          kind: kind, line: line, point: point, sid: t.stream.sid, ssid: t.stream.ssid,
          master: t.stream.master,
          cache: cache.description, seen: seenText, allowed: allowed,
          missing: note ?? (kind == .stale || kind == .asidReuse ? cache.missing : nil),
          state: held, translation: walk))
    }
    // Before: what the caches may hold as the operation starts.
    ev.versions.advance()
    // The pages probed before and after: the operation's own for every stream; every
    // tracked page for a stream whose configuration moves (a TLB entry of its old context,
    // or of an ASID's old owner, may serve its new one). A stream whose configuration stays
    // keeps the TLB versions its context had, which only the operation's pages can change.
    let memoryBefore = ev.memoryOnly(op.before.smmu, streams: streams, pages: [])
    let memoryAfter = ev.memoryOnly(op.after.smmu, streams: streams, pages: [])
    var moving: [CheckedStream: [UInt64]] = [:]
    for s in streams {
      let t = ProbeTarget(stream: s, page: nil)
      if memoryBefore[t] != memoryAfter[t] { moving[s] = trackedPages.filter { !opPages.contains($0) } }
    }
    let before = ev.evaluate(
      op.before.smmu, streams: streams, pages: opPages, morePages: moving, window: window)
    let finalMemory = ev.memoryOnly(op.after.smmu, streams: streams, pages: opPages, morePages: moving)
    var breakAborts: [ProbeTarget: Set<StreamOutcome>] = [:]
    var atPoints: [(Int, String, [ProbeTarget: TargetOutcomes], Bool, SMMU)] = []
    // An invalid-entry abort is the abort a breaking update passes through only once the
    // operation has stored V=0 somewhere (an install that exposes an invalid entry is not),
    // in an entry whose change needs it.
    var broke = false
    for (i, point) in op.points.enumerated() {
      ev.versions.advance()
      switch point.event {
      case .command(let c):
        ev.versions.consumed(c, split: split)
        window = []
      case .free(let a): freed.append(a)
      case .barrier: window = []
      case .store(let address, let value, let old):
        window.append(.init(address: address, value: value, old: old))
      }
      broke = broke || point.beginsNeededBreak(before: op.before.smmu, after: op.after.smmu)
      let r = ev.evaluate(point.state, streams: streams, pages: opPages, window: window)
      for (t, o) in r where o.memory.isBreakAbort && (broke || o.memory.config == .abort(nil)) {
        breakAborts[t, default: []].insert(o.memory)
      }
      atPoints.append((op.pointLines[i], point.description, r, false, point.state))
    }
    ev.versions.advance()
    let end = ev.evaluate(op.after.smmu, streams: streams, pages: opPages, morePages: moving, window: window)
    atPoints.append((op.line, "after the operation", end, true, op.after.smmu))
    for (line, label, r, last, state) in atPoints {
      for (t, o) in r.sorted(by: { Self.order($0.key, $1.key) }) {
        for (seen, why) in o.reused {
          emit(.asidReuse, line, label, t, seen: seen, cache: why, allowed: [o.memory.description], at: state)
        }
        var allowed: Set<StreamOutcome> = Set(before[t]?.possible.keys.map { $0 } ?? [])
        if let m = finalMemory[t] { allowed.insert(m) }
        allowed.formUnion(breakAborts[t] ?? [])
        let allowedText = allowed.map(\.description).sorted()
        for (seen, why) in o.possible.sorted(by: { $0.key.description < $1.key.description }) {
          if let uaf = useAfterFree(seen) {
            emit(
              .useAfterFree, line, label, t, seen: seen, cache: why, allowed: allowedText, note: uaf,
              at: state)
            continue
          }
          if !allowed.contains(seen) {
            emit(
              .torn, line, label, t, seen: seen, cache: why, allowed: allowedText, alike: Array(allowed),
              at: state)
          }
          if let iso = isolation(seen, t, last ? [coreAfter] : [coreBefore, coreAfter, coreDuring]) {
            emit(
              .isolation, line, label, t, seen: seen, cache: why, allowed: iso.allowed,
              seenNote: "the page table of \(iso.owners)", at: state)
          }
        }
      }
    }
    // Stale: once every invalidation consumed has completed, only memory's outcome may remain.
    var settled = ev
    settled.versions.completePending(split: split)
    settled.versions.advance()
    let stale = settled.evaluate(op.after.smmu, streams: streams, pages: opPages, morePages: moving)
    for (t, o) in stale.sorted(by: { Self.order($0.key, $1.key) }) {
      for (seen, why) in o.reused {
        emit(
          .asidReuse, op.line, "after the operation's last CMD_SYNC", t, seen: seen, cache: why,
          allowed: [o.memory.description], at: op.after.smmu)
      }
      for (seen, why) in o.possible.sorted(by: { $0.key.description < $1.key.description })
      where seen != o.memory {
        if useAfterFree(seen) != nil { continue }
        emit(
          .stale, op.line, "after the operation's last CMD_SYNC", t, seen: seen, cache: why,
          allowed: [o.memory.description], alike: [o.memory], at: op.after.smmu)
      }
    }
    let pending = ev.versions.pendingCommands
    if !pending.isEmpty {
      let text = pending.map(\.description).joined(separator: ", ")
      let key = "unsynced|\(op.line)|\(text)"
      if reported.insert(key).inserted {
        findings.append(
          CheckFinding(
            kind: .unsynced, line: op.line, point: "after the operation", sid: nil, ssid: nil, master: nil,
            cache: "pending: \(text)",
            seen: "\(pending.count) invalidation(s) consumed, no CMD_SYNC completed",
            allowed: ["a CMD_SYNC after the last invalidation"], missing: "CMD_SYNC", state: op.after.smmu,
            translation: nil))
      }
    }
    versions = ev.versions
    footprints.merge(ev.footprints) { _, new in new }
    totals.operations += 1
    totals.points += op.points.count + 2
    judged.formUnion(streams)
    totals.streams = judged.count
    totals.outcomes += settled.probes
    totals.bounded = totals.bounded || ev.bounded || settled.bounded
    return findings
  }

  /// The streams this operation can change: those it stores into, frees or invalidates a
  /// structure of, whose core view it changes, that are new, or that use stage 2; all of them
  /// when it programs registers, stores into a page table or invalidates a TLB. The others
  /// keep the outcomes they had (already judged).
  private func affectedStreams(_ op: Operation, _ coreBefore: CoreView, _ coreAfter: CoreView)
    -> [CheckedStream]
  {
    let all = CheckedStream.all(in: [op.before, op.after], extraSSIDs: extraSSIDs)
    guard skipsUnaffectedStreams else { return all }
    let b = op.before.smmu
    let a = op.after.smmu
    if b.enabled != a.enabled || b.streamTableBase != a.streamTableBase
      || b.streamTableBaseConfig != a.streamTableBaseConfig || !op.pages.isEmpty
    {
      return all
    }
    var stored: Set<UInt64> = []
    var frees: [Allocation] = []
    var commands: [Command] = []
    for p in op.points {
      switch p.event {
      case .barrier: break
      case .store(let address, _, _):
        if a.memory.purpose(containing: address) == .pageTable
          || b.memory.purpose(containing: address) == .pageTable
        {
          return all
        }
        stored.insert(address & ~7)
      case .free(let r): frees.append(r)
      case .command(let c):
        if c.isInvalidation, !c.isConfigInvalidation { return all }
        commands.append(c)
      }
    }
    let split = a.streamTableSplit
    return all.filter { s in
      guard let f = footprints[s] else { return true }
      if f.touched(by: stored, freed: frees) { return true }
      if coreBefore.domain(s) != coreAfter.domain(s) { return true }
      let keys = PointEvaluator.keys(for: s, split: split, twoLevel: a.streamTableFormatIsTwoLevel)
      return commands.contains { c in keys.contains { c.invalidates($0, split: split) } }
    }
  }

  /// What memory alone gives each stream of `driver` now (configuration only): the outcome
  /// a fresh lookup with empty caches has.
  package static func memoryOutcomes(of driver: Driver, extraSSIDs: Set<UInt32> = []) -> [CheckedStream:
    StreamOutcome]
  {
    var ev = PointEvaluator(versions: CacheVersions(), comboLimit: 1)
    let streams = CheckedStream.all(in: [driver], extraSSIDs: extraSSIDs)
    return ev.memoryOnly(driver.smmu, streams: streams, pages: []).reduce(into: [:]) {
      $0[$1.key.stream] = $1.value
    }
  }

  /// A use of freed memory behind an outcome: its table root or a structure it used.
  private func useAfterFree(_ o: StreamOutcome) -> String? {
    guard !freed.isEmpty else { return nil }
    var addresses: [UInt64] = []
    if case .translate(let c) = o.config {
      addresses.append(c.root)
      if let s2 = c.s2Root { addresses.append(s2) }
    }
    for a in addresses {
      if let r = freed.last(where: { $0.contains(a) }) {
        return "table \(hex(a)) lies in freed memory (\(r.owner))"
      }
    }
    if case .abort(let e) = o.config, e == .fSTEFetch || e == .fCDFetch || e == .fWalkEABT {
      return "a fetch from freed memory"
    }
    if case .fault(let e) = o.result, e == .fWalkEABT { return "a walk read from freed memory" }
    return nil
  }

  /// The domains a stream reaching `o` may be attached to, when `o` reaches a page table of
  /// none of them (nil: no isolation problem).
  private func isolation(_ o: StreamOutcome, _ t: ProbeTarget, _ views: [CoreView]) -> (
    allowed: [String], owners: String
  )? {
    guard case .translate(let c) = o.config else { return nil }
    let owners = views.reduce(into: Set<String>()) { $0.formUnion($1.domains(owning: c.root)) }
    guard !owners.isEmpty else { return nil }
    let allowed = Set(views.compactMap { $0.domain(t.stream) })
    guard owners.isDisjoint(with: allowed) else { return nil }
    let text = allowed.sorted().map { "attached: \($0)" }
    return (
      text.isEmpty ? ["no domain attached at this SSID"] : text, owners.sorted().joined(separator: ", ")
    )
  }

  private static func order(_ a: ProbeTarget, _ b: ProbeTarget) -> Bool {
    (a.stream.master, a.stream.sid, a.stream.ssid ?? 0, a.stream.ssid == nil ? 0 : 1, a.page ?? 0)
      < (b.stream.master, b.stream.sid, b.stream.ssid ?? 0, b.stream.ssid == nil ? 0 : 1, b.page ?? 0)
  }
}
