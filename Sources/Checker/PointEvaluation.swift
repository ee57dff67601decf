import SMMUModel

/// What one probe target (a stream, and optionally one page of it) can come to at one
/// observation point: memory's outcome, and every outcome some allowed cache state gives,
/// each with a cache state that gives it.
struct TargetOutcomes: Sendable {
  var memory: StreamOutcome
  /// Outcome -> the cache state that first gave it.
  var possible: [StreamOutcome: Witness] = [:]
  /// TLB entries walked from another table than the context's now that can serve it (an
  /// ASID or VMID with a new owner), with the outcome they give.
  var reused: [(outcome: StreamOutcome, witness: Witness)] = []

  init(memory: StreamOutcome) {
    self.memory = memory
    possible[memory] = Witness()
  }

  mutating func add(_ o: StreamOutcome, _ why: @autoclosure () -> Witness) {
    if possible[o] == nil { possible[o] = why() }
  }
}

/// Configuration lines a cache state holds.
typealias CacheState = [ConfigCacheKey: ConfigCacheLine]

/// A stream, or one page of a stream.
struct ProbeTarget: Sendable, Hashable {
  let stream: CheckedStream
  let page: UInt64?
}

/// Evaluates every target at one observation point under every cache state `versions`
/// allows, and notes what memory gives there as new versions.
struct PointEvaluator {
  var versions: CacheVersions
  let comboLimit: Int
  var bounded = false
  var probes = 0
  /// Per stream: the addresses of every structure its probes read or held, and whether its
  /// configuration involves stage 2 (whose CD fetches walk tables a footprint does not list).
  var footprints: [CheckedStream: Footprint] = [:]

  /// Outcomes of each stream (configuration), and of each of `pages` for each stream.
  mutating func evaluate(
    _ state: SMMU, streams: [CheckedStream], pages: [UInt64], morePages: [CheckedStream: [UInt64]] = [:],
    window: [StoreWindow.Store] = []
  ) -> [ProbeTarget:
    TargetOutcomes]
  {
    var out: [ProbeTarget: TargetOutcomes] = [:]
    var seenLines: [(ConfigCacheKey, ConfigCacheLine)] = []
    var seenTLB: [(TLBKey, TLBEntry)] = []
    var seenATC: [(UInt32, ATCKey, UInt64)] = []
    let cachesInvalid = state.features.cachesInvalidEntries
    let split = state.streamTableSplit
    for s in streams {
      let t0 = s.transaction(0)
      let p0 = state.probe(t0)
      probes += 1
      var footprint = Footprint()
      func note(_ p: Probe) {
        footprint.add(p)
        guard !p.configError || cachesInvalid else { return }
        for l in p.lines where !l.cached { seenLines.append((l.key, l.line)) }
      }
      note(p0)
      var memoryLines: [ConfigCacheKey: ConfigCacheLine] = [:]
      for l in p0.lines { memoryLines[l.key] = l.line }
      var config = TargetOutcomes(memory: StreamOutcome(p0, page: nil))
      // Representative cache states, one per configuration outcome, to probe pages with.
      var contexts: [(StreamOutcome, [ConfigCacheKey: ConfigCacheLine])] = [(config.memory, [:])]
      for combo in combos(for: s, split: split, twoLevel: state.streamTableFormatIsTwoLevel)
      where !combo.isEmpty {
        let p = state.probe(t0, cached: combo)
        probes += 1
        note(p)
        let o = StreamOutcome(p, page: nil)
        if config.possible[o] == nil {
          config.add(o, Self.describe(combo, memory: memoryLines))
          contexts.append((o, combo))
        }
      }
      out[ProbeTarget(stream: s, page: nil)] = config
      footprints[s] = footprint
      if !window.isEmpty {
        explore(window, state, s, pages + (morePages[s] ?? []), footprint, &out, &seenLines)
      }
      for page in pages + (morePages[s] ?? []) {
        var target: TargetOutcomes?
        for (o, combo) in contexts {
          guard case .translate(let ctx) = o.config else {
            let po = StreamOutcome(state.probe(s.transaction(page), cached: combo), page: page)
            probes += 1
            if target == nil {
              target = TargetOutcomes(memory: po)
            } else {
              target!.add(po, Self.describe(combo, memory: memoryLines))
            }
            continue
          }
          let pp = state.probe(s.transaction(page), cached: combo)
          probes += 1
          if let fill = pp.tlbFill { seenTLB.append((fill.key, fill.entry)) }
          let po = StreamOutcome(pp, page: page)
          let why = Self.describe(combo, memory: memoryLines)
          if target == nil { target = TargetOutcomes(memory: po) } else { target!.add(po, why) }
          // An ATS endpoint may fill its ATC with any translation it can get (ATCFill).
          let fills = ATCFill(state, s, pp, page: page)
          fills?.note(po, in: &seenATC)
          for (k, e) in Self.tlbVersions(versions, ctx, page: page) {
            let served = po.served(by: e, key: k, page: page)
            if e.root != ctx.root {
              target!.reused.append((served, why.with(tlb: k, e)))
            } else {
              target!.add(served, why.with(tlb: k, e))
              fills?.note(served, in: &seenATC)
            }
          }
          fills?.add(versions, to: &target!, po, why)
        }
        if let target { out[ProbeTarget(stream: s, page: page)] = target }
      }
    }
    for (k, l) in seenLines { versions.saw(k, l) }
    for (k, e) in seenTLB { versions.saw(k, e) }
    for (sid, k, out) in seenATC { versions.saw(atc: sid, k, output: out) }
    return out
  }

  /// The stores of `window` the SMMU may not see yet, for stream `s`: every combination of
  /// the values each address it reads (or, for its pages, each page-table qword) held in the
  /// window. Each view's outcomes are possible, and what the SMMU reads in it may be cached.
  mutating func explore(
    _ window: [StoreWindow.Store], _ state: SMMU, _ s: CheckedStream, _ pages: [UInt64],
    _ footprint: Footprint,
    _ out: inout [ProbeTarget: TargetOutcomes], _ seenLines: inout [(ConfigCacheKey, ConfigCacheLine)]
  ) {
    // The configuration reads only what its footprint lists; a page's walk may read any
    // page-table qword.
    let forConfig = window.filter { footprint.addresses.contains($0.address) }
    var walked: Set<UInt64> = []
    if window.contains(where: { state.memory.purpose(containing: $0.address) == .pageTable }) {
      for page in pages { walked.formUnion(state.readAddresses(s.transaction(page))) }
    }
    let forPages =
      pages.isEmpty
      ? []
      : window.filter { st in
        footprint.addresses.contains(st.address) || walked.contains(st.address)
      }
    guard !forConfig.isEmpty || !forPages.isEmpty else { return }
    let cachesInvalid = state.features.cachesInvalidEntries
    func witness(_ view: [UInt64: UInt64]) -> Witness {
      Witness(parts: [
        "not yet visible: "
          + view.sorted(by: { $0.key < $1.key }).map {
            "\(state.describeEntry(at: $0.key)) still \(hex($0.value))"
          }.joined(separator: ", ")
      ])
    }
    for view in StoreWindow.views(forConfig, limit: comboLimit, bounded: &bounded) where !view.isEmpty {
      let p = state.probe(s.transaction(0), unseen: view)
      probes += 1
      if !p.configError || cachesInvalid {
        for l in p.lines where !l.cached { seenLines.append((l.key, l.line)) }
      }
      out[ProbeTarget(stream: s, page: nil)]?.add(StreamOutcome(p, page: nil), witness(view))
    }
    guard !forPages.isEmpty else { return }
    for view in StoreWindow.views(forPages, limit: comboLimit, bounded: &bounded) where !view.isEmpty {
      for page in pages {
        let pp = state.probe(s.transaction(page), unseen: view)
        probes += 1
        out[ProbeTarget(stream: s, page: page)]?.add(StreamOutcome(pp, page: page), witness(view))
      }
    }
  }

  /// What memory alone gives each target (no cache state, nothing noted).
  mutating func memoryOnly(
    _ state: SMMU, streams: [CheckedStream], pages: [UInt64], morePages: [CheckedStream: [UInt64]] = [:]
  ) -> [ProbeTarget:
    StreamOutcome]
  {
    var out: [ProbeTarget: StreamOutcome] = [:]
    for s in streams {
      out[ProbeTarget(stream: s, page: nil)] = StreamOutcome(state.probe(s.transaction(0)), page: nil)
      let all = pages + (morePages[s] ?? [])
      for page in all {
        out[ProbeTarget(stream: s, page: page)] = StreamOutcome(state.probe(s.transaction(page)), page: page)
      }
      probes += 1 + all.count
    }
    return out
  }

  /// Every cache state for the structures on `s`'s path that have versions: each key holds
  /// one of its candidate lines or nothing. At most `comboLimit` (then `bounded`).
  mutating func combos(for s: CheckedStream, split: Int, twoLevel: Bool) -> [CacheState] {
    let keys = Self.keys(for: s, split: split, twoLevel: twoLevel)
    var out: [[ConfigCacheKey: ConfigCacheLine]] = [[:]]
    for k in keys {
      let lines = versions.candidates(k, limit: comboLimit, bounded: &bounded)
      guard !lines.isEmpty else { continue }
      var next: [[ConfigCacheKey: ConfigCacheLine]] = []
      for c in out {
        next.append(c)
        for l in lines {
          var d = c
          d[k] = l
          next.append(d)
        }
      }
      if next.count > comboLimit {
        bounded = true
        next = Array(next.prefix(comboLimit))
      }
      out = next
    }
    return out
  }

  /// The configuration-cache keys on `s`'s path.
  static func keys(for s: CheckedStream, split: Int, twoLevel: Bool) -> [ConfigCacheKey] {
    let index = s.ssid ?? 0
    var keys: [ConfigCacheKey] = [.ste(sid: s.sid), .cd(sid: s.sid, ssid: index)]
    if twoLevel { keys.insert(.l1std(index: Int(s.sid >> UInt32(split))), at: 0) }
    keys.append(.l1cd(sid: s.sid, index: Int(index >> 10)))
    if index >> 6 != index >> 10 { keys.append(.l1cd(sid: s.sid, index: Int(index >> 6))) }
    return keys
  }

  /// TLB versions that a lookup in context `c` at `page` may hit.
  static func tlbVersions(_ v: CacheVersions, _ c: StreamOutcome.Context, page: UInt64) -> [(
    TLBKey, TLBEntry
  )] {
    let vmid = c.vmid ?? 0
    let p = page >> 12
    if c.cdUsed == nil { return v.tlbVersions(kind: .stage2, vmid: vmid, asid: 0, page: p) }
    let kind: TLBKey.Kind = c.s2Root == nil ? .stage1 : .nested
    return v.tlbVersions(kind: kind, vmid: vmid, asid: c.asid ?? 0, page: p)
      + (c.s2Root == nil ? v.tlbVersions(kind: .stage1Global, vmid: vmid, asid: 0, page: p) : [])
  }

  /// The cache state's lines that differ from memory, qword by qword.
  static func describe(_ combo: [ConfigCacheKey: ConfigCacheLine], memory: [ConfigCacheKey: ConfigCacheLine])
    -> Witness
  {
    var w = Witness()
    w.cached = combo
    for (k, l) in combo.sorted(by: { "\($0.key)" < "\($1.key)" }) {
      let now = memory[k]
      var diffs: [String] = []
      for i in 0..<l.count where now?.entry[i] != l.entry[i] {
        diffs.append("q\(i)=\(hex(l.entry[i]))" + (now.map { " (memory \(hex($0.entry[i])))" } ?? ""))
      }
      if !diffs.isEmpty {
        w.keys.append(k)
        w.parts.append("\(k) cached with " + diffs.joined(separator: ", "))
      }
    }
    return w
  }
}
