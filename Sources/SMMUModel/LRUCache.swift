/// Hit, miss, eviction and invalidation counts of one cache.
public struct CacheStats: Sendable, Hashable, Codable {
  public var hits = 0
  public var misses = 0
  public var insertions = 0
  public var evictions = 0
  public var invalidations = 0
  public init() {}
}

/// A fixed-capacity cache with least-recently-used replacement and counters.
///
/// Recency is a monotonically increasing stamp per entry; eviction scans for the oldest
/// stamp, which is cheap at the capacities an SMMU has (tens to thousands of entries).
public struct LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
  public let capacity: Int
  private var entries: [Key: (value: Value, stamp: UInt64)] = [:]
  private var clock: UInt64 = 0
  public private(set) var stats = CacheStats()

  public init(capacity: Int) {
    precondition(capacity >= 0, "capacity must be >= 0")
    self.capacity = capacity
  }

  public var count: Int { entries.count }

  /// Looks up and, on a hit, marks the entry most recently used. Counts a hit or a miss.
  public mutating func lookup(_ key: Key) -> Value? {
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
  public func peek(_ key: Key) -> Value? { entries[key]?.value }

  /// Inserts or replaces; returns the key evicted to make room, if any.
  @discardableResult
  public mutating func insert(_ key: Key, _ value: Value) -> Key? {
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
  public mutating func invalidate(where predicate: (Key, Value) -> Bool) -> Int {
    var victims: [Key] = []
    for (key, entry) in entries where predicate(key, entry.value) { victims.append(key) }
    for k in victims { entries.removeValue(forKey: k) }
    stats.invalidations += victims.count
    return victims.count
  }

  /// Entries, most recently used first.
  public var entriesByRecency: [(key: Key, value: Value)] {
    entries.sorted { $0.value.stamp > $1.value.stamp }.map { ($0.key, $0.value.value) }
  }
}
