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
  /// the value seen; the empty view is memory as it is. Views with fewer stores unseen come
  /// first; at most `limit` (then `bounded`).
  static func views(_ stores: [Store], limit: Int, bounded: inout Bool) -> [[UInt64: UInt64]] {
    var order: [UInt64] = []
    var earlier: [UInt64: [UInt64]] = [:]
    var current: [UInt64: UInt64] = [:]
    for s in stores {
      if earlier[s.address] == nil {
        order.append(s.address)
        earlier[s.address] = [s.old]
      } else {
        earlier[s.address]!.append(current[s.address]!)
      }
      current[s.address] = s.value
    }
    // The values each address may still show: those before its newest, without repeats.
    let choices: [(UInt64, [UInt64])] = order.compactMap { a in
      var seen: Set<UInt64> = [current[a]!]
      let values = earlier[a]!.filter { seen.insert($0).inserted }
      return values.isEmpty ? nil : (a, values)
    }
    var views: [[UInt64: UInt64]] = [[:]]
    func add(_ start: Int, _ left: Int, _ view: [UInt64: UInt64]) -> Bool {
      if left == 0 {
        guard views.count < limit else { return false }
        views.append(view)
        return true
      }
      guard start < choices.count else { return true }
      for i in start..<choices.count {
        for v in choices[i].1 {
          var w = view
          w[choices[i].0] = v
          if !add(i + 1, left - 1, w) { return false }
        }
      }
      return true
    }
    for k in 1...max(1, choices.count) where !choices.isEmpty {
      if !add(0, k, [:]) {
        bounded = true
        break
      }
    }
    return views
  }
}
