/// What the configuration cache holds an entry for. CDs are keyed by (SID, SSID index),
/// never by address, as the architecture says.
package enum ConfigCacheKey: CacheKey, CustomStringConvertible {
  case ste(sid: UInt32)
  case l1std(index: Int)
  case cd(sid: UInt32, ssid: UInt32)
  case l1cd(sid: UInt32, index: Int)

  /// The stream the entry was fetched through (none for an L1 stream-table descriptor).
  package var sid: UInt32? {
    switch self {
    case .ste(let s), .cd(let s, _), .l1cd(let s, _): s
    case .l1std: nil
    }
  }

  /// The stream whose invalidations may drop the entry: its SID (an STE and its CDs and L1 CD
  /// descriptors share one), or 2^32 for an L1 stream-table descriptor (no SID's).
  package var cacheGroup: UInt64 { sid.map { UInt64($0) } ?? 1 << 32 }

  /// One 64-bit word per key (kind in the top bits), hashed once.
  package func hash(into h: inout Hasher) { h.combine(cacheHash) }

  /// The key as one 64-bit word, kind in the top bits.
  package var cacheHash: UInt64 {
    switch self {
    case .ste(let sid): UInt64(sid)
    case .l1std(let i): 1 << 62 | UInt64(truncatingIfNeeded: i)
    case .cd(let sid, let ssid): 2 << 62 | UInt64(sid) << 24 ^ UInt64(ssid)
    case .l1cd(let sid, let i): 3 << 62 | UInt64(sid) << 24 ^ UInt64(truncatingIfNeeded: i)
    }
  }

  package var description: String {
    switch self {
    case .ste(let sid): "STE sid \(hex(UInt64(sid)))"
    case .l1std(let i): "L1STD [\(i)]"
    case .cd(let sid, let ssid): "CD sid \(hex(UInt64(sid))) ssid \(ssid)"
    case .l1cd(let sid, let i): "L1CD sid \(hex(UInt64(sid))) [\(i)]"
    }
  }
}

/// One cached structure: where it was fetched from and the qwords as fetched.
package struct ConfigCacheLine: Sendable, Hashable {
  package let address: UInt64
  /// The qwords fetched (1 for a descriptor, 8 for an STE or CD), inline; unused ones are 0.
  package let entry: EntryQwords
  /// How many qwords were fetched.
  package let count: Int

  /// A line of 1-8 qwords held in `entry`.
  package init(address: UInt64, entry: EntryQwords, count: Int) {
    precondition(count >= 1 && count <= 8, "a line holds 1 to 8 qwords")
    self.address = address
    self.entry = entry
    self.count = count
  }

  /// A line of 1-8 qwords.
  package init(address: UInt64, qwords: [UInt64]) {
    var e = EntryQwords()
    for (i, q) in qwords.enumerated() { e[i] = q }
    self.init(address: address, entry: e, count: qwords.count)
  }

  /// The qwords as fetched.
  package var qwords: [UInt64] { Array(entry.prefix(count)) }

  /// True when memory no longer holds what was cached (an invalidation is owed).
  package func isStale(in memory: PhysicalMemory) -> Bool {
    if count == 8, address % 64 == 0, let now = try? memory.readEntry(address) { return now != entry }
    for i in 0..<count where (try? memory.read(address + UInt64(i * 8))) != entry[i] {
      return true
    }
    return false
  }
}

/// The configuration cache: STEs, L1 stream-table descriptors, CDs and L1 CD descriptors.
package typealias ConfigCache = LRUCache<ConfigCacheKey, ConfigCacheLine>
