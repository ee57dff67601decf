/// States of 64-byte entries (STEs, CDs) over a span of time, per entry address, in the
/// order each entry was first seen. Each entry's first and newest states are held inline and
/// only the states between them in a list, so the usual history (one entry, its state before
/// and after one store) touches no list at all. Small histories are searched linearly; larger
/// ones through an address index. Emptying only resets a count: every slot and list keeps its
/// storage for the next span (no allocation, and nothing to release, per CMD_SYNC).
struct EntryHistory: Sendable {
  /// One entry's history: `first`, the `middleCount` states of `middle`, then `last` (which
  /// is `first` itself while the entry has one state).
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
  /// Address -> position, kept only while more than `linearLimit` entries are held.
  private var index: [UInt64: Int] = [:]
  private static let linearLimit = 8

  var isEmpty: Bool { count == 0 }

  /// The position of the entry at `address`, if held.
  @inline(__always)
  func position(of address: UInt64) -> Int? {
    if count > Self.linearLimit { return index[address] }
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
        s[i].last = first
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
      if index.isEmpty {
        for k in 0..<count { index[slots[k].address] = k }
      } else {
        index[address] = i
      }
    }
    return i
  }

  /// Appends a state to the entry at position `i`.
  mutating func append(_ state: EntryQwords, at i: Int) {
    slots.withUnsafeMutableBufferPointer { s in
      if s[i].count > 1 {
        let m = s[i].middleCount
        if m < s[i].middle.count { s[i].middle[m] = s[i].last } else { s[i].middle.append(s[i].last) }
        s[i].middleCount = m + 1
        s[i].middleQword0 |= s[i].last[0]
      }
      s[i].last = state
      s[i].count += 1
    }
  }

  /// Forgets everything, keeping the slots' storage.
  mutating func removeAll() {
    count = 0
    if !index.isEmpty { index.removeAll() }
  }

  /// Forgets the entries whose address matches `predicate`.
  mutating func removeAll(where predicate: (UInt64) -> Bool) {
    guard slots.prefix(count).contains(where: { predicate($0.address) }) else { return }
    var kept: [Slot] = []
    for k in 0..<count where !predicate(slots[k].address) { kept.append(slots[k]) }
    slots = kept
    count = kept.count
    index = [:]
    if count > Self.linearLimit {
      for k in 0..<count { index[slots[k].address] = k }
    }
  }

  /// The address of the entry at position `i`.
  func address(at i: Int) -> UInt64 { slots[i].address }

  /// How many states the entry at position `i` has.
  func stateCount(at i: Int) -> Int { slots[i].count }

  /// The first state of the entry at position `i`.
  func first(at i: Int) -> EntryQwords { slots[i].first }

  /// The newest state of the entry at position `i`.
  func last(at i: Int) -> EntryQwords { slots[i].last }

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
  func positionsByAddress(withMiddleQword0Bits bits: UInt64) -> Positions {
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
