/// A block of trace items that many traces share: the driver appends each operation's items
/// after the last operation's, and each trace keeps the run of slots its operation filled
/// (`TraceItems`). A trace then costs no allocation and no copy of its items, and the items of
/// consecutive lines sit together in memory.
///
/// Slots below `used` are initialised and never change again; only the chunk's one writer (a
/// `PendingItems` that holds its writer token uniquely) initialises slots at `used` and above,
/// which no trace refers to. That is why sharing a chunk between threads is safe.
final class TraceItemChunk: @unchecked Sendable {
  typealias Item = OperationTrace.Item

  let items: UnsafeMutablePointer<Item>
  let capacity: Int
  /// How many slots, from the first, are initialised (a pointer: a class's stored `var`
  /// would be checked for exclusive access at run time on every append).
  let used: UnsafeMutablePointer<Int>

  init(capacity: Int) {
    self.capacity = capacity
    items = .allocate(capacity: capacity)
    used = .allocate(capacity: 1)
    used.initialize(to: 0)
  }

  /// A chunk holding exactly `source`'s items.
  convenience init(copying source: some Collection<Item>) {
    self.init(capacity: source.count)
    var p = items
    for item in source {
      p.initialize(to: item)
      p += 1
    }
    used.pointee = source.count
  }

  deinit {
    items.deinitialize(count: used.pointee)
    items.deallocate()
    used.deallocate()
  }
}
