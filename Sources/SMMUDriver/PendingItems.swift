/// The trace items of the operation in progress, appended as the driver works into a
/// `TraceItemChunk` that earlier traces share; `take()` hands them to the operation's trace as
/// a run of that chunk (`TraceItems`), with no allocation and no copy.
///
/// Copy on write, like `Array`: a copy of the driver (a fork for the checker, a session's
/// view) shares the chunk and a writer token. Whichever copy appends while the token is
/// shared moves to a chunk of its own (taking copies of its items in progress), so only one
/// copy ever writes a chunk's free slots.
struct PendingItems: @unchecked Sendable {
  // (Unchecked: see `TraceItemChunk` for why its sharing is safe.)
  typealias Item = OperationTrace.Item

  /// Held only by a `PendingItems` and its copies: unique means no copy writes `chunk`.
  private final class WriterToken: Sendable {}

  /// A driver's first chunk, and a copy's when it starts writing its own: 64 items.
  static let firstChunk = 64
  /// The largest chunk a writer grows to: 4096 items, 256 KiB.
  static let maximumChunk = 4096

  private var chunk = TraceItemChunk(capacity: firstChunk)
  /// The operation in progress's first slot in `chunk`.
  private var start = 0
  private var token = WriterToken()

  /// The number of items of the operation in progress.
  var count: Int { chunk.used.pointee - start }
  var isEmpty: Bool { chunk.used.pointee == start }

  /// Appends an item.
  mutating func append(_ item: consuming Item) {
    var used = chunk.used.pointee
    if used == chunk.capacity || !isKnownUniquelyReferenced(&token) { used = moveToNewChunk() }
    (chunk.items + used).initialize(to: item)
    chunk.used.pointee = used + 1
  }

  /// Moves the items in progress to a new chunk with room for more (moved when this copy is
  /// the only writer, copied when the old chunk's slots are shared); returns its `used`.
  /// The only writer's chunks double up to `maximumChunk`; a copy (a short-lived fork, most
  /// often) starts again from `firstChunk`.
  private mutating func moveToNewChunk() -> Int {
    let n = chunk.used.pointee - start
    let fresh: TraceItemChunk
    if isKnownUniquelyReferenced(&token) {
      fresh = TraceItemChunk(capacity: max(min(2 * chunk.capacity, Self.maximumChunk), 2 * n + 1))
      fresh.items.moveInitialize(from: chunk.items + start, count: n)
      chunk.used.pointee = start
    } else {
      fresh = TraceItemChunk(capacity: max(Self.firstChunk, 2 * n + 1))
      fresh.items.initialize(from: chunk.items + start, count: n)
      token = WriterToken()
    }
    fresh.used.pointee = n
    chunk = fresh
    start = 0
    return n
  }

  /// Hands every item in progress, in order, to a trace; none is left.
  mutating func take() -> TraceItems {
    let used = chunk.used.pointee
    guard used > start else { return TraceItems() }
    let taken = TraceItems(chunk: chunk, start: start, count: used - start)
    start = used
    return taken
  }

  /// Drops every item in progress.
  mutating func removeAll() {
    let used = chunk.used.pointee
    guard used > start else { return }
    if isKnownUniquelyReferenced(&token) {
      (chunk.items + start).deinitialize(count: used - start)
      chunk.used.pointee = start
    } else {
      // A copy shares these slots: leave them to the chunk and write a new one.
      chunk = TraceItemChunk(capacity: Self.firstChunk)
      start = 0
      token = WriterToken()
    }
  }
}
