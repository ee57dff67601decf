/// An append-only log kept in fixed-size chunks, whose oldest elements can be dropped: unlike
/// one growing array, appending never copies what the log already holds (a long run's command
/// log was copied at each doubling of its storage).
struct ChunkedLog<Element: Sendable>: Sendable {
  /// Elements per chunk (each chunk's storage is reserved once).
  static var chunkSize: Int { 1024 }
  /// The full chunks, oldest first.
  private var full: [[Element]] = []
  /// The newest elements (fewer than `chunkSize`), appended to in place.
  private var tail: [Element] = []
  /// How many elements of the oldest chunk (`full[0]`, or `tail` when `full` is empty) were
  /// dropped.
  private var dropped = 0
  /// Elements held (not dropped).
  private(set) var count = 0

  /// Appends `element` as the newest (inlined: a call cost more than the append).
  @inline(__always)
  mutating func append(_ element: Element) {
    if tail.isEmpty { tail.reserveCapacity(Self.chunkSize) }
    tail.append(element)
    count += 1
    if tail.count == Self.chunkSize {
      full.append(tail)
      tail = []
    }
  }

  /// Drops the `n` oldest elements (`n` <= `count`).
  mutating func removeFirst(_ n: Int) {
    precondition(n >= 0 && n <= count, "cannot drop more than the log holds")
    dropped += n
    count -= n
    while let first = full.first, dropped >= first.count {
      dropped -= first.count
      full.removeFirst()
    }
    if full.isEmpty, dropped == tail.count {
      tail.removeAll(keepingCapacity: true)
      dropped = 0
    }
  }

  /// The elements held, oldest first.
  var elements: [Element] {
    var all: [Element] = []
    all.reserveCapacity(count)
    for chunk in full { all.append(contentsOf: chunk) }
    all.append(contentsOf: tail)
    all.removeFirst(dropped)
    return all
  }
}
