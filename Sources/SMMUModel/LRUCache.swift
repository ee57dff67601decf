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
/// Entries sit in one dense array, found through an open-addressing index (linear
/// probing on `CacheKey.cacheHash`, no per-access hasher).
package struct LRUCache<Key: CacheKey, Value: Sendable>: Sendable {
  package let capacity: Int
  /// One entry: its key, value and recency stamp.
  private struct Entry {
    var key: Key
    var value: Value
    var stamp: UInt64
  }
  /// The entries, in no particular order (one array: an insertion or a removal checks one
  /// buffer's uniqueness, not three).
  private var entries: [Entry] = []
  /// The index: entry position + 1 per slot, 0 for a free slot (a power-of-two count, at
  /// least twice the entries).
  private var slots = [Int32](repeating: 0, count: 16)
  /// 64 - log2(slots.count).
  private var shift: UInt64 = 60
  private var clock: UInt64 = 0
  package private(set) var stats = CacheStats()

  package init(capacity: Int) {
    precondition(capacity >= 0, "capacity must be >= 0")
    self.capacity = capacity
  }

  package var count: Int { entries.count }

  /// The home slot of a key: the high bits of a multiplicative hash.
  @inline(__always)
  private func home(_ key: Key) -> Int {
    Int(truncatingIfNeeded: (key.cacheHash &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The slot holding `key`, or the free slot that ends its probe run.
  @inline(__always)
  private func slot(of key: Key) -> (slot: Int, entry: Int?) {
    let mask = slots.count - 1
    var i = home(key)
    while true {
      let s = Int(slots[i])
      if s == 0 { return (i, nil) }
      if entries[s - 1].key == key { return (i, s - 1) }
      i = (i + 1) & mask
    }
  }

  /// The slot holding entry `e`, found by its position rather than its key: no key is
  /// compared, and the probe (with no key to hold) no longer copied the whole cache.
  @inline(__always)
  private func slot(ofEntry e: Int) -> Int {
    let mask = slots.count - 1
    let target = Int32(e + 1)
    var i = home(entries[e].key)
    while slots[i] != target { i = (i + 1) & mask }
    return i
  }

  /// Looks up and, on a hit, marks the entry most recently used. Counts a hit or a miss.
  package mutating func lookup(_ key: Key) -> Value? {
    guard let e = slot(of: key).entry else {
      stats.misses += 1
      return nil
    }
    clock += 1
    entries[e].stamp = clock
    stats.hits += 1
    return entries[e].value
  }

  /// Reads without touching recency or counters.
  package func peek(_ key: Key) -> Value? {
    guard let e = slot(of: key).entry else { return nil }
    return entries[e].value
  }

  /// `peek(_:)`, with the entry holding the value: until the cache next changes,
  /// `lookup(_:at:)` finds the key there (or, given -1 after a nil, counts the miss) without
  /// probing the index.
  package func peekEntry(_ key: Key) -> (value: Value, entry: Int)? {
    guard let e = slot(of: key).entry else { return nil }
    return (entries[e].value, e)
  }

  /// `lookup(_:)` for a key `peekEntry` found at `entry`, or did not find (-1) with the cache
  /// unchanged since: the same hit and recency, or the same miss, without a probe. A hit's
  /// entry that no longer holds the key is looked up again.
  package mutating func lookup(_ key: Key, at entry: Int) -> Value? {
    if entry == -1 {
      stats.misses += 1
      return nil
    }
    guard entry >= 0, entry < entries.count, entries[entry].key == key else { return lookup(key) }
    clock += 1
    entries[entry].stamp = clock
    stats.hits += 1
    return entries[entry].value
  }

  /// Inserts or replaces; returns the key evicted to make room, if any.
  @discardableResult
  package mutating func insert(_ key: Key, _ value: Value) -> Key? {
    guard capacity > 0 else { return nil }
    clock += 1
    stats.insertions += 1
    if let e = slot(of: key).entry {
      entries[e].value = value
      entries[e].stamp = clock
      return nil
    }
    var evicted: Key?
    if entries.count >= capacity, !entries.isEmpty {
      var victim = 0
      for i in 1..<entries.count where entries[i].stamp < entries[victim].stamp { victim = i }
      evicted = entries[victim].key
      remove(entry: victim)
      stats.evictions += 1
    }
    if (entries.count + 1) * 2 > slots.count { grow() }
    let free = slot(of: key).slot
    entries.append(Entry(key: key, value: value, stamp: clock))
    slots[free] = Int32(entries.count)
    return evicted
  }

  /// Removes every entry matching `predicate`; returns how many, counted as invalidations.
  @discardableResult
  package mutating func invalidate(where predicate: (Key, Value) -> Bool) -> Int {
    removeEntries(predicate)
  }

  /// Removes every entry of `group` (`Key.cacheGroup`) whose key matches `predicate`; returns
  /// how many, counted as invalidations. `invalidate(where:)` for a predicate that holds only
  /// within one group: the entries of other groups are passed over by their group, not given
  /// to the predicate.
  @discardableResult
  package mutating func invalidate(group: UInt64, where predicate: (Key) -> Bool) -> Int {
    removeEntries { key, _ in key.cacheGroup == group && predicate(key) }
  }

  /// Removes every entry that `matches`; returns how many, counted as invalidations.
  private mutating func removeEntries(_ matches: (Key, Value) -> Bool) -> Int {
    var removed = 0
    // From the end: removing entry i moves the last entry (already checked) into it.
    var i = entries.count - 1
    while i >= 0 {
      if matches(entries[i].key, entries[i].value) {
        remove(entry: i)
        removed += 1
      }
      i -= 1
    }
    stats.invalidations += removed
    return removed
  }

  /// Removes the entry for `key`, if held; returns how many (0 or 1), counted as
  /// invalidations (`invalidate(where:)` for a scope of exactly one key, without the scan).
  @discardableResult
  package mutating func invalidate(key: Key) -> Int {
    guard let e = slot(of: key).entry else { return 0 }
    remove(entry: e)
    stats.invalidations += 1
    return 1
  }

  /// Entries, most recently used first.
  package var entriesByRecency: [(key: Key, value: Value)] {
    entries.sorted { $0.stamp > $1.stamp }.map { ($0.key, $0.value) }
  }

  /// Removes entry `e`: its slot is freed (backward-shift deletion) and the last entry
  /// moves into its place.
  private mutating func remove(entry e: Int) {
    let mask = slots.count - 1
    // Free e's slot, moving later members of its probe run back into the hole.
    var hole = slot(ofEntry: e)
    var j = hole
    while true {
      j = (j + 1) & mask
      let s = Int(slots[j])
      if s == 0 { break }
      let h = home(entries[s - 1].key)
      let movable = j > hole ? (h <= hole || h > j) : (h <= hole && h > j)
      if movable {
        slots[hole] = slots[j]
        hole = j
      }
    }
    slots[hole] = 0
    let last = entries.count - 1
    if e != last {
      slots[slot(ofEntry: last)] = Int32(e + 1)
      // Moved, not swapped: entry e's old contents go anyway.
      entries[e] = entries[last]
    }
    entries.removeLast()
  }

  /// Doubles the index.
  private mutating func grow() {
    slots = [Int32](repeating: 0, count: slots.count * 2)
    shift -= 1
    for (i, e) in entries.enumerated() { slots[slot(of: e.key).slot] = Int32(i + 1) }
  }
}
