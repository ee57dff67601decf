/// The driver's stores since its last barrier or command: between two barriers the SMMU may
/// observe stores in any order (each 64-bit store is single-copy atomic, and the stores to
/// one address are seen in program order).
enum StoreWindow {
  /// One store of the window.
  struct Store: Sendable, Hashable {
    let address: UInt64
    let value: UInt64
    /// The value it replaced.
    let old: UInt64
  }

  /// Every way the SMMU may see `stores`: for each address, one of the values it held from
  /// the window's start to now. A view maps each address whose value is not yet visible to
  /// the value seen; the empty view is memory as it is. At most `limit` views (then
  /// `bounded`).
  static func views(_ stores: [Store], limit: Int, bounded: inout Bool) -> [[UInt64: UInt64]] {
    var order: [UInt64] = []
    var values: [UInt64: [UInt64]] = [:]
    for s in stores {
      if values[s.address] == nil {
        order.append(s.address)
        values[s.address] = [s.old]
      }
      values[s.address]!.append(s.value)
    }
    var views: [[UInt64: UInt64]] = [[:]]
    for a in order {
      let history = values[a]!
      let current = history.last!
      var next: [[UInt64: UInt64]] = []
      for v in views {
        next.append(v)
        var tried: Set<UInt64> = [current]
        for earlier in history.dropLast() where tried.insert(earlier).inserted {
          var w = v
          w[a] = earlier
          next.append(w)
        }
      }
      if next.count > limit {
        bounded = true
        next = Array(next.prefix(limit))
      }
      views = next
    }
    return views
  }
}
