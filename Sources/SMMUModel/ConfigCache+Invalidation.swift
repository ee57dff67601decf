/// The configuration invalidations `SMMU.consume` applies, each removing exactly the entries
/// `Command.invalidates(_:split:)` names for it, looking only where they can be: keys the
/// command names are removed by key, a SID's entries found through their group
/// (`ConfigCacheKey.cacheGroup`). Each returns how many it removed, counted as invalidations.
extension LRUCache where Key == ConfigCacheKey {
  /// CFGI_STE: the STE of `sid`, its CDs and L1 CD descriptors (the whole group of the SID),
  /// and unless `leaf`, the L1 stream-table descriptor of `sid` (`split`: the table's SPLIT).
  @discardableResult
  package mutating func invalidateSTE(sid: UInt32, leaf: Bool, split: Int) -> Int {
    var n = invalidate(group: UInt64(sid)) { _ in true }
    if !leaf { n += invalidate(key: .l1std(index: Int(sid >> UInt32(split)))) }
    return n
  }

  /// CFGI_CD: the CD of `sid`/`ssid`, and unless `leaf`, the L1 CD descriptor that could
  /// lead to it with either leaf-table size (1024 or 64 CDs per leaf).
  @discardableResult
  package mutating func invalidateCD(sid: UInt32, ssid: UInt32, leaf: Bool) -> Int {
    var n = invalidate(key: .cd(sid: sid, ssid: ssid))
    if !leaf {
      n += invalidate(key: .l1cd(sid: sid, index: Int(ssid >> 10)))
      if ssid >> 6 != ssid >> 10 { n += invalidate(key: .l1cd(sid: sid, index: Int(ssid >> 6))) }
    }
    return n
  }

  /// CFGI_CD_ALL: every CD and L1 CD descriptor of `sid` (its group, but for the STE).
  @discardableResult
  package mutating func invalidateCDs(sid: UInt32) -> Int {
    invalidate(group: UInt64(sid)) {
      if case .ste = $0 { false } else { true }
    }
  }
}
