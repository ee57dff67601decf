/// Hit, miss, eviction and invalidation counts of one cache.
package struct CacheStats: Sendable, Hashable {
  package var hits = 0
  package var misses = 0
  package var insertions = 0
  package var evictions = 0
  package var invalidations = 0
  package init() {}
}

/// A fixed-capacity cache with least-recently-used replacement and counters.
///
/// Recency is a monotonically increasing stamp per entry; eviction scans for the oldest
/// stamp, which is cheap at the capacities an SMMU has (tens to thousands of entries).
package struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
  package let capacity: Int
  private var entries: [Key: (value: Value, stamp: UInt64)] = [:]
  private var clock: UInt64 = 0
  package private(set) var stats = CacheStats()

  package init(capacity: Int) {
    precondition(capacity >= 0, "capacity must be >= 0")
    self.capacity = capacity
  }

  package var count: Int { entries.count }

  /// Looks up and, on a hit, marks the entry most recently used. Counts a hit or a miss.
  package mutating func lookup(_ key: Key) -> Value? {
    guard let i = entries.index(forKey: key) else {
      stats.misses += 1
      return nil
    }
    clock += 1
    entries.values[i].stamp = clock
    stats.hits += 1
    return entries.values[i].value
  }

  /// Reads without touching recency or counters.
  package func peek(_ key: Key) -> Value? { entries[key]?.value }

  /// Inserts or replaces; returns the key evicted to make room, if any.
  @discardableResult
  package mutating func insert(_ key: Key, _ value: Value) -> Key? {
    guard capacity > 0 else { return nil }
    clock += 1
    var evicted: Key?
    if entries[key] == nil, entries.count >= capacity,
      let victim = entries.min(by: { $0.value.stamp < $1.value.stamp })?.key
    {
      entries.removeValue(forKey: victim)
      stats.evictions += 1
      evicted = victim
    }
    entries[key] = (value, clock)
    stats.insertions += 1
    return evicted
  }

  /// Removes every entry matching `predicate`; returns how many, counted as invalidations.
  @discardableResult
  package mutating func invalidate(where predicate: (Key, Value) -> Bool) -> Int {
    var victims: [Key] = []
    for (key, entry) in entries where predicate(key, entry.value) { victims.append(key) }
    for k in victims { entries.removeValue(forKey: k) }
    stats.invalidations += victims.count
    return victims.count
  }

  /// Removes the entry for `key`, if held; returns how many (0 or 1), counted as
  /// invalidations (`invalidate(where:)` for a scope of exactly one key, without the scan).
  @discardableResult
  package mutating func invalidate(key: Key) -> Int {
    guard entries.removeValue(forKey: key) != nil else { return 0 }
    stats.invalidations += 1
    return 1
  }

  /// Entries, most recently used first.
  package var entriesByRecency: [(key: Key, value: Value)] {
    entries.sorted { $0.value.stamp > $1.value.stamp }.map { ($0.key, $0.value.value) }
  }
}
