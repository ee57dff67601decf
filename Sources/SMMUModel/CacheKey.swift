/// A key of an `LRUCache`: hashable, with a cheap 64-bit hash the cache's index probes on
/// (the standard `Hasher` costs far more than a cache lookup should).
package protocol CacheKey: Hashable, Sendable {
  /// Equal keys have equal hashes; the cache mixes the bits, so any spread will do.
  var cacheHash: UInt64 { get }
  /// The group of keys an invalidation may drop together (`LRUCache.invalidate(group:where:)`
  /// asks its predicate only about the entries of one group).
  var cacheGroup: UInt64 { get }
}

extension CacheKey {
  /// The standard hash, for keys with no cheaper one.
  package var cacheHash: UInt64 { UInt64(bitPattern: Int64(hashValue)) }

  /// One group for every key, for keys never invalidated by group.
  package var cacheGroup: UInt64 { 0 }
}

extension Int: CacheKey {
  package var cacheHash: UInt64 { UInt64(bitPattern: Int64(self)) }
}

extension String: CacheKey {}
