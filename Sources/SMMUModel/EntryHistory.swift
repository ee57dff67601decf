/// States of 64-byte entries (STEs, CDs) over a span of time, per entry address, in the
/// order each entry was first seen. Each entry's first and newest states are held inline and
/// only the states between them in a list, so the usual history (one entry, its state before
/// and after one store) touches no list at all. Small histories are searched linearly; larger
/// ones through an open-addressing index of positions (no hasher). Emptying only resets a
/// count and the index buckets in use: every slot and list keeps its storage for the next
/// span (no allocation, and nothing to release, per CMD_SYNC).
struct EntryHistory: Sendable {
  /// One entry's history: `first`, the `middleCount` states of `middle`, then `last` (which
  /// is `first` itself while the entry has one state; `last` is stale then).
  struct Slot: Sendable {
    var address: UInt64
    var first: EntryQwords
    var last: EntryQwords
    /// States in total (1 + `middleCount` + 1, or 1).
    var count: Int
    /// The intermediate states, oldest first; only the first `middleCount` are live (the rest
    /// is storage kept for reuse).
    var middle: [EntryQwords]
    var middleCount: Int
    /// Qword 0 of every live state of `middle`, ORed: no valid bit set, no valid state between
    /// the ends (what the torn-update checks look for).
    var middleQword0: UInt64
  }

  /// The slots, in first-seen order (the first `count` are live; the rest keep their storage).
  private var slots: [Slot] = []
  /// Entries held.
  private(set) var count = 0
  /// Qword 0 of every state between the ends of every entry held, ORed (0 when there is none).
  private(set) var middleQword0: UInt64 = 0
  /// The index, used while more than `linearLimit` entries are held: position + 1 of an entry
  /// per bucket (0: free), found from its address's home bucket by linear probing. All zero
  /// while `linearLimit` or fewer entries are held.
  private var buckets: [Int] = []
  /// 64 - log2(`buckets.count`).
  private var shift = 64
  private static let linearLimit = 8

  var isEmpty: Bool { count == 0 }

  /// The bucket an entry address starts probing at (a multiplicative hash of its number).
  @inline(__always)
  private func home(_ address: UInt64) -> Int {
    Int(truncatingIfNeeded: ((address >> 6) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
  }

  /// The position of the entry at `address`, if held.
  @inline(__always)
  func position(of address: UInt64) -> Int? {
    if count > Self.linearLimit {
      let mask = buckets.count - 1
      var b = home(address)
      while true {
        let p = buckets[b]
        if p == 0 { return nil }
        if slots[p - 1].address == address { return p - 1 }
        b = (b + 1) & mask
      }
    }
    var i = count - 1
    while i >= 0 {
      if slots[i].address == address { return i }
      i -= 1
    }
    return nil
  }

  /// Starts the history of a new entry with its first state; returns its position.
  @discardableResult
  mutating func add(_ address: UInt64, _ first: EntryQwords) -> Int {
    let i = count
    if i < slots.count {
      slots.withUnsafeMutableBufferPointer { s in
        s[i].address = address
        s[i].first = first
        s[i].count = 1
        s[i].middleCount = 0
        s[i].middleQword0 = 0
      }
    } else {
      slots.append(
        Slot(
          address: address, first: first, last: first, count: 1, middle: [], middleCount: 0, middleQword0: 0))
    }
    count += 1
    if count > Self.linearLimit {
      if count == Self.linearLimit + 1 || count * 2 > buckets.count { indexAll() } else { insert(i) }
    }
    return i
  }

  /// Puts every entry held in the index, first making it at least twice as large as needed
  /// if it is not (buckets are all zero before, or replaced).
  private mutating func indexAll() {
    if count * 2 > buckets.count {
      var size = 32
      while size < count * 4 { size *= 2 }
      buckets = [Int](repeating: 0, count: size)
      shift = 64 - size.trailingZeroBitCount
    }
    for k in 0..<count { insert(k) }
  }

  /// Puts the entry at position `k` in the index.
  private mutating func insert(_ k: Int) {
    let mask = buckets.count - 1
    var b = home(slots[k].address)
    while buckets[b] != 0 { b = (b + 1) & mask }
    buckets[b] = k + 1
  }

  /// Appends a state to the entry at position `i`.
  mutating func append(_ state: EntryQwords, at i: Int) {
    let pushed = slots.withUnsafeMutableBufferPointer { s in
      let pushed = s[i].count > 1 ? Self.pushLast(&s[i]) : 0
      s[i].last = state
      s[i].count += 1
      return pushed
    }
    middleQword0 |= pushed
  }

  /// Appends to the entry at position `i` its newest state with qword `q` set to `value`
  /// (what a store of `value` into that qword makes of it).
  mutating func append(_ value: UInt64, toQword q: Int, at i: Int) {
    let pushed = slots.withUnsafeMutableBufferPointer { s in
      let pushed: UInt64
      if s[i].count > 1 {
        pushed = Self.pushLast(&s[i])
      } else {
        pushed = 0
        s[i].last = s[i].first
      }
      s[i].last[q] = value
      s[i].count += 1
      return pushed
    }
    middleQword0 |= pushed
  }

  /// Moves the newest state of an entry with more than one to the end of its middle ones
  /// (the caller then sets the newest); returns its qword 0.
  @inline(__always)
  private static func pushLast(_ slot: inout Slot) -> UInt64 {
    let m = slot.middleCount
    if m < slot.middle.count { slot.middle[m] = slot.last } else { slot.middle.append(slot.last) }
    slot.middleCount = m + 1
    slot.middleQword0 |= slot.last[0]
    return slot.last[0]
  }

  /// Appends the newest state of every entry of `other` to the entry at the same address
  /// here, first adding that entry with its first state in `other` if it is not held.
  mutating func appendNewestStates(of other: EntryHistory) {
    for k in 0..<other.count {
      let address = other.slots[k].address
      let j = position(of: address) ?? add(address, other.slots[k].first)
      if other.slots[k].count == 1 {
        append(other.slots[k].first, at: j)
      } else {
        append(other.slots[k].last, at: j)
      }
    }
  }

  /// Forgets everything, keeping the slots' storage.
  mutating func removeAll() {
    if count > Self.linearLimit { clearIndex() }
    count = 0
    middleQword0 = 0
  }

  /// Zeroes the buckets in use: all of them when that is cheaper than finding each.
  private mutating func clearIndex() {
    if buckets.count <= 8 * count {
      buckets.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
      return
    }
    let mask = buckets.count - 1
    for k in 0..<count {
      var b = home(slots[k].address)
      while buckets[b] != k + 1 { b = (b + 1) & mask }
      buckets[b] = 0
    }
  }

  /// Forgets the entries whose address matches `predicate`.
  mutating func removeAll(where predicate: (UInt64) -> Bool) {
    guard slots.prefix(count).contains(where: { predicate($0.address) }) else { return }
    var kept: [Slot] = []
    for k in 0..<count where !predicate(slots[k].address) { kept.append(slots[k]) }
    slots = kept
    count = kept.count
    middleQword0 = 0
    for k in 0..<count { middleQword0 |= slots[k].middleQword0 }
    buckets = []
    shift = 64
    if count > Self.linearLimit { indexAll() }
  }

  /// The address of the entry at position `i`.
  func address(at i: Int) -> UInt64 { slots[i].address }

  /// How many states the entry at position `i` has.
  func stateCount(at i: Int) -> Int { slots[i].count }

  /// The first state of the entry at position `i`.
  func first(at i: Int) -> EntryQwords { slots[i].first }

  /// The newest state of the entry at position `i`.
  func last(at i: Int) -> EntryQwords { slots[i].count == 1 ? slots[i].first : slots[i].last }

  /// Qword 0 of every state between the first and the newest of the entry at position `i`,
  /// ORed (0 when there is none).
  func middleQword0(at i: Int) -> UInt64 { slots[i].middleQword0 }

  /// The states between the first and the newest of the entry at position `i`, oldest first.
  func middle(at i: Int) -> ArraySlice<EntryQwords> { slots[i].middle[..<slots[i].middleCount] }

  /// Every state of the entry at position `i`, oldest first.
  func states(at i: Int) -> [EntryQwords] {
    slots[i].count == 1 ? [slots[i].first] : [slots[i].first] + middle(at: i) + [slots[i].last]
  }

  /// Positions of the entries with a state between their ends whose qword 0 has a bit of
  /// `bits` set, by increasing address.
  @inline(__always)
  func positionsByAddress(withMiddleQword0Bits bits: UInt64) -> Positions {
    middleQword0 & bits == 0 ? Positions() : positionsWithMiddleStates(bits)
  }

  /// `positionsByAddress(withMiddleQword0Bits:)` where some entry has such a state.
  private func positionsWithMiddleStates(_ bits: UInt64) -> Positions {
    var p = Positions()
    for k in 0..<count where slots[k].middleQword0 & bits != 0 {
      if let o = p.only {
        p.sorted = [o, k]
        p.only = nil
      } else if p.sorted.isEmpty {
        p.only = k
      } else {
        p.sorted.append(k)
      }
    }
    if p.sorted.count > 1 { p.sorted.sort { slots[$0].address < slots[$1].address } }
    return p
  }

  /// Entry positions in increasing-address order; none or a single one is held without an
  /// array (the usual case at a CMD_SYNC: no allocation).
  struct Positions: Sequence {
    fileprivate var only: Int?
    fileprivate var sorted: [Int] = []

    var isEmpty: Bool { only == nil && sorted.isEmpty }

    func makeIterator() -> Iterator { Iterator(only: only, rest: sorted.makeIterator()) }

    struct Iterator: IteratorProtocol {
      var only: Int?
      var rest: IndexingIterator<[Int]>

      mutating func next() -> Int? {
        if let o = only {
          only = nil
          return o
        }
        return rest.next()
      }
    }
  }
}
