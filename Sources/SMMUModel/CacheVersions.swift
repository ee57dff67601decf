/// What the architecture lets the SMMU's caches hold, as observation points go by: for each
/// configuration structure and TLB entry, every version seen in memory since the last
/// *completed* invalidation that covers it (IHI 0070 §3.21: the SMMU may cache a structure
/// at any time, and an invalidation takes effect only when a later CMD_SYNC completes).
/// Holding nothing is always allowed too: the structure is then fetched from memory as it is.
package struct CacheVersions: Sendable {
  /// A value seen at the points `first...last`.
  struct Seen<Value: Sendable & Equatable>: Sendable {
    var value: Value
    var first: Int
    var last: Int
  }

  /// Configuration versions, by key.
  private var config: [ConfigCacheKey: [Seen<ConfigCacheLine>]] = [:]
  /// TLB versions, by key (each remembers the table root it was walked from).
  private var tlb: [TLBKey: [Seen<TLBEntry>]] = [:]
  /// ATC versions of ATS endpoints, by SID and key: the output page a translated
  /// transaction could have filled (IHI 0070 §3.9: ATC_INV drops them once a sync completes).
  private var atc: [ATCSlot: [Seen<UInt64>]] = [:]

  /// One ATC entry's place: the endpoint's SID and the entry's key.
  struct ATCSlot: Sendable, Hashable {
    let sid: UInt32
    let key: ATCKey
  }
  /// Invalidations consumed and not yet completed, with the point that consumed them.
  private(set) var pending: [(command: Command, point: Int)] = []
  /// The current observation point.
  package private(set) var now = 0

  package init() {}

  /// Moves to the next observation point.
  package mutating func advance() { now += 1 }

  /// Notes that memory gives `line` for `key` at the current point.
  package mutating func saw(_ key: ConfigCacheKey, _ line: ConfigCacheLine) {
    Self.note(&config[key, default: []], line, now)
  }

  /// Notes that a walk at the current point could fill the TLB with `entry` at `key`.
  package mutating func saw(_ key: TLBKey, _ entry: TLBEntry) {
    Self.note(&tlb[key, default: []], entry, now)
  }

  /// Notes that an ATS translation at the current point could fill `sid`'s ATC with `output`.
  package mutating func saw(atc sid: UInt32, _ key: ATCKey, output: UInt64) {
    Self.note(&atc[ATCSlot(sid: sid, key: key), default: []], output, now)
  }

  /// The output pages `sid`'s ATC may hold for `key`, oldest first.
  package func atcVersions(sid: UInt32, _ key: ATCKey) -> [UInt64] {
    atc[ATCSlot(sid: sid, key: key)]?.map(\.value) ?? []
  }

  private static func note<V>(_ list: inout [Seen<V>], _ value: V, _ now: Int) {
    if let i = list.lastIndex(where: { $0.value == value }) {
      list[i].last = now
    } else {
      list.append(Seen(value: value, first: now, last: now))
    }
  }

  /// The SMMU consumed `c` at the current point: an invalidation becomes pending; a CMD_SYNC
  /// completes every pending one.
  package mutating func consumed(_ c: Command, split: Int) {
    if c.isSync {
      completePending(split: split)
    } else if c.isInvalidation {
      pending.append((c, now))
    }
  }

  /// Completes every pending invalidation: what each covers keeps only the versions seen
  /// since the invalidation was consumed.
  package mutating func completePending(split: Int) {
    for (c, point) in pending {
      for key in Array(config.keys) where c.invalidates(key, split: split) {
        config[key]!.removeAll { $0.last < point }
        if config[key]!.isEmpty { config[key] = nil }
      }
      for key in Array(tlb.keys) where c.invalidates(key) {
        tlb[key]!.removeAll { $0.last < point }
        if tlb[key]!.isEmpty { tlb[key] = nil }
      }
      if case .atcInv = c {
        for slot in Array(atc.keys) where c.invalidates(atcOf: slot.sid, slot.key) {
          atc[slot]!.removeAll { $0.last < point }
          if atc[slot]!.isEmpty { atc[slot] = nil }
        }
      }
    }
    pending.removeAll()
  }

  /// Invalidations consumed that no CMD_SYNC has completed.
  package var pendingCommands: [Command] { pending.map(\.command) }

  /// The versions the cache may hold for `key`, oldest first.
  package func versions(_ key: ConfigCacheKey) -> [ConfigCacheLine] { config[key]?.map(\.value) ?? [] }

  /// The lines the cache may hold for `key`: its versions, and (the SMMU reads an entry 64
  /// bits at a time, in any order, at any time) every mix of their qwords; at most `limit`.
  /// `bounded` is set when more existed.
  package func candidates(_ key: ConfigCacheKey, limit: Int, bounded: inout Bool) -> [ConfigCacheLine] {
    let vs = versions(key)
    guard vs.count > 1 else { return vs }
    let count = vs.map(\.count).max() ?? 1
    var mixes: [EntryQwords] = [EntryQwords()]
    for i in 0..<count {
      var values: [UInt64] = []
      for v in vs where !values.contains(v.entry[i]) { values.append(v.entry[i]) }
      var next: [EntryQwords] = []
      for m in mixes {
        for value in values {
          var e = m
          e[i] = value
          next.append(e)
          if next.count > limit { break }
        }
      }
      if next.count > limit {
        bounded = true
        next = Array(next.prefix(limit))
      }
      mixes = next
    }
    let address = vs.last!.address
    return mixes.map { ConfigCacheLine(address: address, entry: $0, count: count) }
  }

  /// TLB versions an entry lookup for `kind`/`vmid`/`asid` at input page `page` could hit.
  package func tlbVersions(kind: TLBKey.Kind, vmid: UInt16, asid: UInt16, page: UInt64) -> [(
    TLBKey, TLBEntry
  )] {
    var out: [(TLBKey, TLBEntry)] = []
    for shift in [12, 21, 30, 14, 16, 25, 29] {
      let k = TLBKey(kind: kind, vmid: vmid, asid: asid, page: page, shift: shift)
      for s in tlb[k] ?? [] { out.append((k, s.value)) }
    }
    return out
  }
}
