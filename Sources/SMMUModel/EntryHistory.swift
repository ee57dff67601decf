/// States of 64-byte entries (STEs, CDs) over a span of time, per entry address, in the
/// order each entry was first seen. Small histories (the usual one or two entries) are
/// searched linearly; larger ones through an address index. Emptying keeps every list's
/// storage for the next span (no allocation per CMD_SYNC).
struct EntryHistory: Sendable {
  /// Entry addresses, in first-seen order (the first `count` are live).
  private(set) var addresses: [UInt64] = []
  /// The states of each entry, oldest first (parallel to `addresses`; lists past `count`
  /// are empty, kept for reuse).
  private(set) var states: [[EntryQwords]] = []
  /// Entries held.
  private(set) var count = 0
  /// Address -> position, kept only while more than `linearLimit` entries are held.
  private var index: [UInt64: Int] = [:]
  private static let linearLimit = 8

  var isEmpty: Bool { count == 0 }

  /// The position of the entry at `address`, if held.
  func position(of address: UInt64) -> Int? {
    if count > Self.linearLimit { return index[address] }
    var i = count - 1
    while i >= 0 {
      if addresses[i] == address { return i }
      i -= 1
    }
    return nil
  }

  /// Starts the history of a new entry with its first state; returns its position.
  @discardableResult
  mutating func add(_ address: UInt64, _ first: EntryQwords) -> Int {
    let i = count
    if i < states.count {
      addresses[i] = address
      states[i].append(first)
    } else {
      addresses.append(address)
      var list: [EntryQwords] = []
      list.reserveCapacity(4)
      list.append(first)
      states.append(list)
    }
    count += 1
    if count > Self.linearLimit {
      if index.isEmpty {
        for k in 0..<count { index[addresses[k]] = k }
      } else {
        index[address] = i
      }
    }
    return i
  }

  /// Appends a state to the entry at position `i`.
  mutating func append(_ state: EntryQwords, at i: Int) { states[i].append(state) }

  /// Forgets everything, keeping the lists' storage.
  mutating func removeAll() {
    for k in 0..<count { states[k].removeAll(keepingCapacity: true) }
    count = 0
    if !index.isEmpty { index.removeAll() }
  }

  /// Forgets the entries whose address matches `predicate`.
  mutating func removeAll(where predicate: (UInt64) -> Bool) {
    guard addresses.prefix(count).contains(where: predicate) else { return }
    var keptAddresses: [UInt64] = []
    var keptStates: [[EntryQwords]] = []
    for k in 0..<count where !predicate(addresses[k]) {
      keptAddresses.append(addresses[k])
      keptStates.append(states[k])
    }
    addresses = keptAddresses
    states = keptStates
    count = addresses.count
    index = [:]
    if count > Self.linearLimit {
      for k in 0..<count { index[addresses[k]] = k }
    }
  }

  /// The first state of the entry at position `i`.
  func first(at i: Int) -> EntryQwords { states[i][0] }

  /// The newest state of the entry at position `i`.
  func last(at i: Int) -> EntryQwords { states[i][states[i].count - 1] }

  /// Positions of the entries with more than `minimum` states, by increasing address.
  func positionsByAddress(withMoreThan minimum: Int) -> Positions {
    var p = Positions()
    for k in 0..<count where states[k].count > minimum {
      if let o = p.only {
        p.sorted = [o, k]
        p.only = nil
      } else if p.sorted.isEmpty {
        p.only = k
      } else {
        p.sorted.append(k)
      }
    }
    if p.sorted.count > 1 { p.sorted.sort { addresses[$0] < addresses[$1] } }
    return p
  }

  /// Entry positions in increasing-address order; a single one is held without an array
  /// (the usual case at a CMD_SYNC: no allocation).
  struct Positions: Sequence {
    fileprivate var only: Int?
    fileprivate var sorted: [Int] = []

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
