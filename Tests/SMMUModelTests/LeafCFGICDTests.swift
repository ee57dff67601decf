import SMMUModel
import Testing

/// `SMMU.consume` drops a leaf CFGI_CD's one key directly (`LRUCache.invalidate(key:)`); the
/// scope predicate (`Command.invalidates(_:split:)`) must name exactly that key.
@Suite struct LeafCFGICDTests {
  @Test func theScopeOfALeafCFGICDIsItsOneCDKey() {
    let keys: [ConfigCacheKey] = [
      .ste(sid: 3), .l1std(index: 0), .cd(sid: 3, ssid: 5), .cd(sid: 3, ssid: 6), .cd(sid: 4, ssid: 5),
      .l1cd(sid: 3, index: 0), .l1cd(sid: 3, index: 1),
    ]
    for (sid, ssid) in [(UInt32(3), UInt32(5)), (3, 6), (4, 5), (9, 9)] {
      let c = Command.cfgiCD(sid: sid, ssid: ssid, leaf: true)
      #expect(keys.filter { c.invalidates($0, split: 8) } == keys.filter { $0 == .cd(sid: sid, ssid: ssid) })
    }
  }

  @Test func aLeafCFGICDDropsOneCachedCDAndCountsIt() {
    var cache = ConfigCache(capacity: 8)
    let line = ConfigCacheLine(address: 0x1000, entry: EntryQwords(), count: 8)
    cache.insert(.cd(sid: 1, ssid: 2), line)
    cache.insert(.cd(sid: 1, ssid: 3), line)
    #expect(cache.invalidate(key: .cd(sid: 1, ssid: 2)) == 1)
    #expect(cache.invalidate(key: .cd(sid: 1, ssid: 2)) == 0)
    #expect(cache.count == 1)
    #expect(cache.stats.invalidations == 1)
  }
}
