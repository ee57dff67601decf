/// The trace items of the operation in progress: appended as the driver works, then moved
/// (not copied) into an array of exactly their count for the operation's trace, which leaves
/// this storage empty but allocated for the next operation.
///
/// A plain `[OperationTrace.Item]` cannot do this: it cannot be emptied without destroying
/// each slot again (generically, item by item), and a trace that shared its buffer would
/// hold its whole capacity. Copy on write, like `Array`: a copy of the driver (a fork for
/// the checker, a session's view) shares the storage until one of them appends or takes.
struct PendingItems: @unchecked Sendable {
  // (Unchecked: the storage is changed only here and only while uniquely referenced; shared,
  // it is read-only, as `Array`'s storage is.)
  typealias Item = OperationTrace.Item

  /// The items and their count, behind pointers: a class's `var` would be checked for
  /// exclusive access at run time on every append, and `ManagedBuffer`'s closures would
  /// copy each appended item.
  private final class Storage {
    let items: UnsafeMutablePointer<Item>
    let capacity: Int
    /// How many items, from the first, are initialised.
    let count: UnsafeMutablePointer<Int>

    init(capacity: Int) {
      self.capacity = capacity
      items = .allocate(capacity: capacity)
      count = .allocate(capacity: 1)
      count.initialize(to: 0)
    }

    /// A storage of `capacity` holding copies of `source`'s items.
    convenience init(capacity: Int, copying source: Storage) {
      self.init(capacity: capacity)
      items.initialize(from: source.items, count: source.count.pointee)
      count.pointee = source.count.pointee
    }

    deinit {
      items.deinitialize(count: count.pointee)
      items.deallocate()
      count.deallocate()
    }
  }

  private var storage = Storage(capacity: 16)

  /// The number of items of the operation in progress.
  var count: Int { storage.count.pointee }
  var isEmpty: Bool { storage.count.pointee == 0 }

  /// Appends an item.
  mutating func append(_ item: consuming Item) {
    let n = storage.count.pointee
    if !isKnownUniquelyReferenced(&storage) || n == storage.capacity {
      let capacity = n == storage.capacity ? 2 * storage.capacity : storage.capacity
      storage = Storage(capacity: capacity, copying: storage)
    }
    (storage.items + n).initialize(to: item)
    storage.count.pointee = n + 1
  }

  /// Moves every item out, in order, into an array of exactly their count; none is left.
  mutating func take() -> [Item] {
    let n = storage.count.pointee
    guard n > 0 else { return [] }
    guard isKnownUniquelyReferenced(&storage) else {
      // Shared with a copy of the driver: that copy keeps its items; this one starts afresh.
      let items = Array(UnsafeBufferPointer(start: storage.items, count: n))
      storage = Storage(capacity: storage.capacity)
      return items
    }
    storage.count.pointee = 0
    // (Reserved and appended: `Array(unsafeUninitializedCapacity:)` would allocate through
    // the runtime's unspecialised path, looking up the array's metadata on every call.)
    var taken: [Item] = []
    taken.reserveCapacity(n)
    for i in 0..<n { taken.append((storage.items + i).move()) }
    return taken
  }

  /// Drops every item (destroying them), keeping the storage.
  mutating func removeAll() {
    guard storage.count.pointee > 0 else { return }
    guard isKnownUniquelyReferenced(&storage) else {
      storage = Storage(capacity: storage.capacity)
      return
    }
    storage.items.deinitialize(count: storage.count.pointee)
    storage.count.pointee = 0
  }
}
