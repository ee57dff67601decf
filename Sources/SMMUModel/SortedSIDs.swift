/// A set of StreamIDs held sorted, for a membership test by binary search (cheaper than
/// hashing the SID, for the few streams a set holds).
struct SortedSIDs: Sendable {
  /// The SIDs, in increasing order.
  private var sids: [UInt32] = []

  /// No SIDs.
  init() {}

  /// The SIDs of `set`.
  init(_ set: Set<UInt32>) { sids = set.sorted() }

  /// True when `sid` is held.
  func contains(_ sid: UInt32) -> Bool {
    var lo = 0
    var hi = sids.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sids[mid] < sid { lo = mid + 1 } else { hi = mid }
    }
    return lo < sids.count && sids[lo] == sid
  }
}
