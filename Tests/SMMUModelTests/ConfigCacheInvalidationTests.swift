import Testing

@testable import SMMUModel

/// The configuration invalidations `SMMU.consume` applies (by key and by SID group, see
/// `ConfigCache+Invalidation.swift`) against the plain scan of `Command.invalidates(_:split:)`:
/// over a long random mix of fills, hits and commands, the SMMU's cache and a cache the scan
/// invalidates hold the same lines in the same recency order, evict the same keys and count
/// the same invalidations.
@Suite struct ConfigCacheInvalidationTests {
  /// A few SIDs (one at 2^32 - 1), SSIDs on both sides of the 64- and 1024-CD leaf sizes.
  static let sids: [UInt32] = [0, 1, 2, 0x41, 0x100, 0x1FF, .max]
  static let ssids: [UInt32] = [0, 1, 63, 64, 65, 1023, 1024, 1100, 70000]

  /// An SMMU whose stream table has this SPLIT, with an empty cache of this capacity.
  static func smmu(split: Int, capacity: Int) -> SMMU {
    var smmu = SMMU()
    smmu.programStreamTable(base: 0x4000_0000, config: UInt64(split) << 6 | 1 << 16)
    smmu.configCache = ConfigCache(capacity: capacity)
    return smmu
  }

  @Test(arguments: [6, 8], [5, 24, 64])
  func agreesWithTheScan(split: Int, capacity: Int) {
    var smmu = Self.smmu(split: split, capacity: capacity)
    #expect(smmu.streamTableSplit == split)
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
        #expect(smmu.configCache.insert(k, line) == byScan.insert(k, line))
      case 5...6:
        let k = key()
        #expect(smmu.configCache.lookup(k) == byScan.lookup(k))
      default:
        let c = command()
        let before = smmu.configCache.stats.invalidations
        smmu.submit(c)
        let n = smmu.configCache.stats.invalidations - before
        #expect(n == byScan.invalidate { k, _ in c.invalidates(k, split: split) }, "\(c.description)")
        removedAny = removedAny || n > 0
      }
      #expect(smmu.configCache.entriesByRecency.map(\.key) == byScan.entriesByRecency.map(\.key))
      #expect(smmu.configCache.entriesByRecency.map(\.value) == byScan.entriesByRecency.map(\.value))
    }
    #expect(smmu.commandError == nil)
    #expect(smmu.configCache.stats == byScan.stats)
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
      var smmu = Self.smmu(split: 6, capacity: 16)
      let line = ConfigCacheLine(address: 0x1000, entry: EntryQwords(), count: 8)
      for k in keys { smmu.configCache.insert(k, line) }
      smmu.submit(c)
      let left = Set(smmu.configCache.entriesByRecency.map(\.key))
      #expect(left == Set(keys).subtracting(dropped), "\(c.description)")
      #expect(smmu.configCache.stats.invalidations == dropped.count, "\(c.description)")
    }
  }
}
