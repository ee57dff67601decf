import SMMUModel
import Testing

/// `LRUCache`'s open-addressing index against a plain reference (a dictionary and a scan for
/// the oldest stamp): every lookup, eviction, invalidation and recency order agrees over a
/// long mix of operations, with keys that collide in the index.
@Suite struct LRUCacheIndexTests {
  /// The reference cache: the obvious implementation.
  struct Reference {
    let capacity: Int
    var entries: [Int: (value: Int, stamp: UInt64)] = [:]
    var clock: UInt64 = 0
    var stats = CacheStats()

    mutating func lookup(_ k: Int) -> Int? {
      guard let e = entries[k] else {
        stats.misses += 1
        return nil
      }
      clock += 1
      entries[k] = (e.value, clock)
      stats.hits += 1
      return e.value
    }

    mutating func insert(_ k: Int, _ v: Int) -> Int? {
      clock += 1
      var evicted: Int?
      if entries[k] == nil, entries.count >= capacity,
        let victim = entries.min(by: { $0.value.stamp < $1.value.stamp })?.key
      {
        entries[victim] = nil
        stats.evictions += 1
        evicted = victim
      }
      entries[k] = (v, clock)
      stats.insertions += 1
      return evicted
    }

    mutating func invalidate(where p: (Int, Int) -> Bool) -> Int {
      let victims = entries.filter { p($0.key, $0.value.value) }.map(\.key)
      for k in victims { entries[k] = nil }
      stats.invalidations += victims.count
      return victims.count
    }

    var byRecency: [Int] { entries.sorted { $0.value.stamp > $1.value.stamp }.map(\.key) }
  }

  /// A key that hashes like its value modulo 8: many keys share a home slot.
  struct Crowded: CacheKey {
    let value: Int
    var cacheHash: UInt64 { UInt64(value % 8) }
  }

  @Test(arguments: [1, 5, 16, 40])
  func agreesWithTheReference(capacity: Int) {
    var cache = LRUCache<Int, Int>(capacity: capacity)
    var crowded = LRUCache<Crowded, Int>(capacity: capacity)
    var ref = Reference(capacity: capacity)
    var seed: UInt64 = 0x1234_5678
    func next(_ n: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(n))
    }
    for step in 0..<4000 {
      let k = next(64) * 1000
      switch next(10) {
      case 0...3:
        let v = step
        let e = ref.insert(k, v)
        #expect(cache.insert(k, v) == e)
        #expect(crowded.insert(Crowded(value: k), v)?.value == e)
      case 4...5:
        let v = ref.lookup(k)
        #expect(cache.lookup(k) == v)
        #expect(crowded.lookup(Crowded(value: k)) == v)
      case 6:
        // The resolution's way: peek, then count the lookup at the entry found (-1: none),
        // a hit and a miss alike counted without a probe.
        let v = ref.lookup(k)
        let entry = cache.peekEntry(k)?.entry ?? -1
        #expect(cache.lookup(k, at: entry) == v)
        let crowdedEntry = crowded.peekEntry(Crowded(value: k))?.entry ?? -1
        #expect(crowded.lookup(Crowded(value: k), at: crowdedEntry) == v)
      case 7:
        let v = ref.entries[k]?.value
        #expect(cache.peek(k) == v)
        #expect(crowded.peek(Crowded(value: k)) == v)
      case 8:
        let n = ref.invalidate { key, _ in key == k }
        #expect(cache.invalidate(key: k) == n)
        #expect(crowded.invalidate(key: Crowded(value: k)) == n)
      default:
        let m = next(5) + 2
        let n = ref.invalidate { key, _ in (key / 1000) % m == 0 }
        #expect(cache.invalidate { key, _ in (key / 1000) % m == 0 } == n)
        #expect(crowded.invalidate { key, _ in (key.value / 1000) % m == 0 } == n)
      }
      #expect(cache.count == ref.entries.count)
      if step % 97 == 0 {
        #expect(cache.entriesByRecency.map(\.key) == ref.byRecency)
        #expect(crowded.entriesByRecency.map(\.key.value) == ref.byRecency)
      }
    }
    #expect(cache.stats == ref.stats)
    #expect(crowded.stats == ref.stats)
  }
}
