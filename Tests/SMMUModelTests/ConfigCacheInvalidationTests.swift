import SMMUModel
import Testing

/// `ConfigCache.invalidate(_:split:)` (by key and by SID group) against the plain scan of
/// `Command.invalidates(_:split:)`: over a long random mix of fills, hits and configuration
/// invalidations, both caches hold the same lines in the same recency order, evict the same
/// keys and count the same invalidations.
@Suite struct ConfigCacheInvalidationTests {
  /// A few SIDs (one at 2^32 - 1), SSIDs on both sides of the 64- and 1024-CD leaf sizes.
  static let sids: [UInt32] = [0, 1, 2, 0x41, 0x100, 0x1FF, .max]
  static let ssids: [UInt32] = [0, 1, 63, 64, 65, 1023, 1024, 1100, 70000]

  @Test(arguments: [6, 8], [5, 24, 64])
  func agreesWithTheScan(split: Int, capacity: Int) {
    var byCommand = ConfigCache(capacity: capacity)
    var byScan = ConfigCache(capacity: capacity)
    var seed: UInt64 = 0x9E37_79B9 ^ UInt64(split * 100 + capacity)
    func next(_ n: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(n))
    }
    func sid() -> UInt32 { Self.sids[next(Self.sids.count)] }
    func ssid() -> UInt32 { Self.ssids[next(Self.ssids.count)] }
    func key() -> ConfigCacheKey {
      switch next(4) {
      case 0: .ste(sid: sid())
      case 1: .l1std(index: Int(sid() >> UInt32(split)))
      case 2: .cd(sid: sid(), ssid: ssid())
      default: .l1cd(sid: sid(), index: Int(ssid() >> (next(2) == 0 ? 10 : 6)))
      }
    }
    func command() -> Command {
      switch next(7) {
      case 0: .cfgiSTE(sid: sid(), leaf: true)
      case 1: .cfgiSTE(sid: sid(), leaf: false)
      case 2: .cfgiCD(sid: sid(), ssid: ssid(), leaf: true)
      case 3: .cfgiCD(sid: sid(), ssid: ssid(), leaf: false)
      case 4: .cfgiCDAll(sid: sid())
      case 5: next(4) == 0 ? .cfgiAll : .cfgiSTERange(sid: sid(), range: next(12))
      default: next(2) == 0 ? .tlbiNHAll(vmid: 1) : .sync
      }
    }
    var removedAny = false
    for step in 0..<3000 {
      switch next(10) {
      case 0...4:
        let k = key()
        let line = ConfigCacheLine(address: UInt64(step) * 64, entry: EntryQwords(), count: 8)
        #expect(byCommand.insert(k, line) == byScan.insert(k, line))
      case 5...6:
        let k = key()
        #expect(byCommand.lookup(k) == byScan.lookup(k))
      default:
        let c = command()
        let n = byCommand.invalidate(c, split: split)
        #expect(n == byScan.invalidate { k, _ in c.invalidates(k, split: split) }, "\(c.description)")
        removedAny = removedAny || n > 0
      }
      #expect(byCommand.entriesByRecency.map(\.key) == byScan.entriesByRecency.map(\.key))
      #expect(byCommand.entriesByRecency.map(\.value) == byScan.entriesByRecency.map(\.value))
    }
    #expect(byCommand.stats == byScan.stats)
    #expect(removedAny)
  }

  /// Each command drops what it names and nothing else, from a cache holding one of each kind.
  @Test func eachCommandDropsItsScope() {
    let keys: [ConfigCacheKey] = [
      .ste(sid: 3), .ste(sid: 4), .l1std(index: 0), .l1std(index: 1), .cd(sid: 3, ssid: 70),
      .cd(sid: 4, ssid: 70), .l1cd(sid: 3, index: 0), .l1cd(sid: 3, index: 1), .l1cd(sid: 4, index: 1),
    ]
    let cases: [(Command, [ConfigCacheKey])] = [
      (
        .cfgiSTE(sid: 3, leaf: true),
        [.ste(sid: 3), .cd(sid: 3, ssid: 70), .l1cd(sid: 3, index: 0), .l1cd(sid: 3, index: 1)]
      ),
      (
        .cfgiSTE(sid: 3, leaf: false),
        [
          .ste(sid: 3), .l1std(index: 0), .cd(sid: 3, ssid: 70), .l1cd(sid: 3, index: 0),
          .l1cd(sid: 3, index: 1),
        ]
      ),
      (.cfgiCD(sid: 3, ssid: 70, leaf: true), [.cd(sid: 3, ssid: 70)]),
      (
        .cfgiCD(sid: 3, ssid: 70, leaf: false),
        [.cd(sid: 3, ssid: 70), .l1cd(sid: 3, index: 0), .l1cd(sid: 3, index: 1)]
      ),
      (.cfgiCDAll(sid: 4), [.cd(sid: 4, ssid: 70), .l1cd(sid: 4, index: 1)]),
      (.cfgiAll, keys),
      (.sync, []),
    ]
    for (c, dropped) in cases {
      var cache = ConfigCache(capacity: 16)
      let line = ConfigCacheLine(address: 0x1000, entry: EntryQwords(), count: 8)
      for k in keys { cache.insert(k, line) }
      #expect(cache.invalidate(c, split: 6) == dropped.count, "\(c.description)")
      #expect(Set(cache.entriesByRecency.map(\.key)) == Set(keys).subtracting(dropped), "\(c.description)")
      #expect(cache.stats.invalidations == dropped.count)
    }
  }
}
