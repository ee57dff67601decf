import SMMUModel
import Testing

/// LRUCache: capacity, least-recently-used eviction, counters.
@Suite struct CacheTests {
  @Test func evictsTheLeastRecentlyUsed() {
    var cache = LRUCache<String, Int>(capacity: 3)
    #expect(cache.insert("a", 1) == nil)
    #expect(cache.insert("b", 2) == nil)
    #expect(cache.insert("c", 3) == nil)
    #expect(cache.count == 3)
    // Touch a: b is now the least recently used.
    #expect(cache.lookup("a") == 1)
    #expect(cache.insert("d", 4) == "b")
    #expect(cache.count == 3)
    #expect(cache.peek("b") == nil)
    #expect(cache.entriesByRecency.map(\.key) == ["d", "a", "c"])
    #expect(cache.stats.insertions == 4)
    #expect(cache.stats.evictions == 1)
    #expect(cache.stats.hits == 1)
    #expect(cache.stats.misses == 0)
  }

  @Test func lookupCountsHitsAndMisses() {
    var cache = LRUCache<Int, String>(capacity: 2)
    cache.insert(1, "one")
    #expect(cache.lookup(1) == "one")
    #expect(cache.lookup(2) == nil)
    #expect(cache.lookup(2) == nil)
    #expect(cache.stats.hits == 1 && cache.stats.misses == 2)
  }

  @Test func peekTouchesNeitherRecencyNorCounters() {
    var cache = LRUCache<Int, Int>(capacity: 2)
    cache.insert(1, 10)
    cache.insert(2, 20)
    #expect(cache.peek(1) == 10)
    #expect(cache.stats.hits == 0 && cache.stats.misses == 0)
    // 1 is still the oldest.
    #expect(cache.insert(3, 30) == 1)
  }

  @Test func replacingAKeyDoesNotEvict() {
    var cache = LRUCache<Int, Int>(capacity: 2)
    cache.insert(1, 10)
    cache.insert(2, 20)
    #expect(cache.insert(1, 11) == nil)
    #expect(cache.count == 2)
    #expect(cache.peek(1) == 11)
    #expect(cache.stats.evictions == 0)
    // Replacing made 1 the most recent, so 2 goes next.
    #expect(cache.insert(3, 30) == 2)
  }

  @Test func invalidateRemovesMatchesAndCountsThem() {
    var cache = LRUCache<Int, Int>(capacity: 8)
    for i in 0..<6 { cache.insert(i, i * 10) }
    #expect(cache.invalidate { k, _ in k % 2 == 0 } == 3)
    #expect(cache.count == 3)
    #expect(cache.invalidate { _, v in v == 50 } == 1)
    #expect(cache.stats.invalidations == 4)
    #expect(Set(cache.entriesByRecency.map(\.key)) == [1, 3])
    #expect(cache.invalidate { _, _ in false } == 0)
  }

  @Test func zeroCapacityHoldsNothing() {
    var cache = LRUCache<Int, Int>(capacity: 0)
    #expect(cache.insert(1, 1) == nil)
    #expect(cache.count == 0)
    #expect(cache.lookup(1) == nil)
  }

  @Test func evictionOrderFollowsUse() {
    var cache = LRUCache<Int, Int>(capacity: 4)
    for i in 0..<4 { cache.insert(i, i) }
    _ = cache.lookup(0)
    _ = cache.lookup(2)
    // Recency now (newest first): 2, 0, 3, 1.
    #expect(cache.entriesByRecency.map(\.key) == [2, 0, 3, 1])
    #expect(cache.insert(4, 4) == 1)
    #expect(cache.insert(5, 5) == 3)
    #expect(cache.insert(6, 6) == 0)
    #expect(cache.stats.evictions == 3)
  }

  @Test func smmuCachesHaveTheConfiguredCapacities() {
    var features = SMMUFeatures()
    features.configCacheEntries = 5
    features.tlbEntries = 7
    features.atcEntries = 3
    var smmu = SMMU(features: features)
    #expect(smmu.configCache.capacity == 5)
    #expect(smmu.tlb.capacity == 7)
    smmu.setEndpointATS(sid: 4, enabled: true)
    #expect(smmu.atcs[4]?.capacity == 3)
    #expect(smmu.atsEnabledStreams == [4])
    smmu.setEndpointATS(sid: 4, enabled: false)
    #expect(smmu.atsEnabledStreams.isEmpty)
  }

  @Test func configCacheKeysCarryTheirStream() {
    #expect(ConfigCacheKey.ste(sid: 8).sid == 8)
    #expect(ConfigCacheKey.cd(sid: 9, ssid: 3).sid == 9)
    #expect(ConfigCacheKey.l1cd(sid: 7, index: 1).sid == 7)
    #expect(ConfigCacheKey.l1std(index: 2).sid == nil)
    #expect(ConfigCacheKey.cd(sid: 8, ssid: 0).description == "CD sid 0x8 ssid 0")
  }

  @Test func cachedLinesGoStaleWhenMemoryChanges() throws {
    var (rig, _, table) = Rig.standard()
    rig.translate(sid: 1)
    let line = try #require(rig.smmu.configCache.peek(.cd(sid: 1, ssid: 0)))
    #expect(line.address == table.base)
    #expect(line.qwords == (0..<8).map { rig.load(table.base + UInt64($0 * 8)) })
    #expect(!line.isStale(in: rig.smmu.memory))
    let q7 = table.base + 56
    rig.store(q7, 1)
    #expect(line.isStale(in: rig.smmu.memory))
    rig.store(q7, 0)
    #expect(!line.isStale(in: rig.smmu.memory))
  }

  /// A configuration cache smaller than the working set evicts the oldest structure.
  @Test func smallConfigCacheEvictsOldestStructures() {
    var features = SMMUFeatures()
    features.configCacheEntries = 2
    var (rig, _, _) = Rig.standard(features: features)
    rig.translate(sid: 1)
    // STE(1) then CD(1,0) filled: both fit.
    #expect(rig.configKeys == [.ste(sid: 1), .cd(sid: 1, ssid: 0)])
    rig.writeSTE(Rig.bypassSTE(), sid: 2)
    rig.translate(sid: 2)
    // STE(2) evicts the least recently used of the two, STE(1) (CD(1,0) was touched later).
    #expect(rig.configKeys == [.cd(sid: 1, ssid: 0), .ste(sid: 2)])
    #expect(rig.smmu.configCache.stats.evictions == 1)
  }
}
