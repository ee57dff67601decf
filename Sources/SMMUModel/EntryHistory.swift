/// States of 64-byte entries (STEs, CDs) over a span of time, per entry address, in the
/// order each entry was first seen. Small histories (the usual one or two entries) are
/// searched linearly; larger ones through an address index.
struct EntryHistory: Sendable {
  /// Entry addresses, in first-seen order.
  private(set) var addresses: [UInt64] = []
  /// The states of each entry, oldest first (parallel to `addresses`).
  private(set) var states: [[EntryQwords]] = []
  /// Address -> position, kept only while more than `linearLimit` entries are held.
  private var index: [UInt64: Int] = [:]
  private static let linearLimit = 8

  var isEmpty: Bool { addresses.isEmpty }
  var count: Int { addresses.count }

  /// The position of the entry at `address`, if held.
  func position(of address: UInt64) -> Int? {
    if addresses.count > Self.linearLimit { return index[address] }
    var i = addresses.count - 1
    while i >= 0 {
      if addresses[i] == address { return i }
      i -= 1
    }
    return nil
  }

  /// Starts the history of a new entry with its first state; returns its position.
  @discardableResult
  mutating func add(_ address: UInt64, _ first: EntryQwords) -> Int {
    addresses.append(address)
    var list: [EntryQwords] = []
    list.reserveCapacity(4)
    list.append(first)
    states.append(list)
    let i = addresses.count - 1
    if addresses.count > Self.linearLimit {
      if index.isEmpty {
        for (k, a) in addresses.enumerated() { index[a] = k }
      } else {
        index[address] = i
      }
    }
    return i
  }

  /// Appends a state to the entry at position `i`.
  mutating func append(_ state: EntryQwords, at i: Int) { states[i].append(state) }

  /// Forgets everything, keeping capacity.
  mutating func removeAll() {
    addresses.removeAll(keepingCapacity: true)
    states.removeAll(keepingCapacity: true)
    index.removeAll()
  }

  /// Forgets the entries whose address matches `predicate`.
  mutating func removeAll(where predicate: (UInt64) -> Bool) {
    guard addresses.contains(where: predicate) else { return }
    var keptAddresses: [UInt64] = []
    var keptStates: [[EntryQwords]] = []
    for (k, a) in addresses.enumerated() where !predicate(a) {
      keptAddresses.append(a)
      keptStates.append(states[k])
    }
    addresses = keptAddresses
    states = keptStates
    index = [:]
    if addresses.count > Self.linearLimit {
      for (k, a) in addresses.enumerated() { index[a] = k }
    }
  }

  /// Positions of the entries with more than `minimum` states, by increasing address.
  func positionsByAddress(withMoreThan minimum: Int) -> [Int] {
    var out: [Int] = []
    for k in 0..<states.count where states[k].count > minimum { out.append(k) }
    if out.count > 1 { out.sort { addresses[$0] < addresses[$1] } }
    return out
  }
}
