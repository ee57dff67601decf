/// The items of one trace, in order: a run of slots in a `TraceItemChunk` that other traces
/// share. Reads like an array of items (random access, equality, array literals); it never
/// changes in place (`append(contentsOf:)` builds a new run).
package struct TraceItems: RandomAccessCollection, Sendable, Hashable, ExpressibleByArrayLiteral {
  package typealias Item = OperationTrace.Item

  private let chunk: TraceItemChunk?
  /// The first slot, in `chunk`.
  private let start: Int32
  private let length: Int32

  /// No items.
  package init() {
    chunk = nil
    start = 0
    length = 0
  }

  /// The `count` items from slot `start` of `chunk` (initialised, never to change).
  init(chunk: TraceItemChunk, start: Int, count: Int) {
    precondition(start >= 0 && count >= 0 && start + count <= chunk.used.pointee)
    self.chunk = chunk
    self.start = Int32(start)
    length = Int32(count)
  }

  /// Copies of `items`, in a chunk of their own.
  package init(_ items: some Collection<Item>) {
    if items.isEmpty {
      self.init()
    } else {
      self.init(chunk: TraceItemChunk(copying: items), start: 0, count: items.count)
    }
  }

  package init(arrayLiteral items: Item...) { self.init(items) }

  package var startIndex: Int { 0 }
  package var endIndex: Int { Int(length) }

  package subscript(position: Int) -> Item {
    precondition(position >= 0 && position < Int(length), "trace item index out of range")
    return chunk.unsafelyUnwrapped.items[Int(start) + position]
  }

  /// Calls `body` with the items in place (no copy of any).
  package func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Item>) throws -> R) rethrows -> R {
    guard let chunk else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
    return try body(UnsafeBufferPointer(start: chunk.items + Int(start), count: Int(length)))
  }

  /// Appends `other`'s items (into a new run of their own).
  package mutating func append(contentsOf other: TraceItems) {
    guard !other.isEmpty else { return }
    guard !isEmpty else {
      self = other
      return
    }
    self = TraceItems(Array(self) + Array(other))
  }

  package static func == (a: TraceItems, b: TraceItems) -> Bool {
    a.length == b.length && (a.chunk === b.chunk && a.start == b.start || a.elementsEqual(b))
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(length)
    for item in self { hasher.combine(item) }
  }
}
