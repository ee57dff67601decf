import SMMUModel
import Testing

@testable import SMMUDriver

/// The pending trace items: taken in order and exactly, emptied by a take, copy on write; and
/// the traces cut from a shared chunk keep their items whatever the writer does next.
struct PendingItemsTests {
  static func items(_ n: Int, from first: Int = 0) -> [OperationTrace.Item] {
    (first..<first + n).map { i in
      i % 3 == 0
        ? .note(.text("note \(i) with text long enough to live on the heap"))
        : .command(.cfgiSTE(sid: UInt32(i), leaf: true))
    }
  }

  @Test(arguments: [0, 1, 16, 63, 64, 65, 100, 5000])
  func aTakeReturnsEveryItemInOrderAndLeavesNone(_ n: Int) {
    var p = PendingItems()
    for item in Self.items(n) { p.append(item) }
    #expect(p.count == n)
    let taken = p.take()
    #expect(Array(taken) == Self.items(n))
    #expect(taken.count == n)
    #expect(p.isEmpty)
    p.append(.command(.sync))
    #expect(Array(p.take()) == [.command(.sync)])
    #expect(Array(taken) == Self.items(n))
  }

  /// Many operations of varied sizes, as a run makes them: every trace keeps exactly its own
  /// items while later ones fill and outgrow the chunks.
  @Test func tracesKeepTheirItemsAcrossChunks() {
    var p = PendingItems()
    var traces: [(TraceItems, [OperationTrace.Item])] = []
    var next = 0
    for op in 0..<3000 {
      let n = [0, 1, 3, 7, 70, 5][op % 6]
      let want = Self.items(n, from: next)
      next += n
      for item in want { p.append(item) }
      if op % 11 == 5 {
        p.removeAll()
        continue
      }
      traces.append((p.take(), want))
    }
    for (got, want) in traces { #expect(Array(got) == want) }
    #expect(traces.allSatisfy { $0.0 == TraceItems($0.1) })
  }

  @Test func aCopyKeepsItsItemsWhenTheOtherAppendsOrTakes() {
    var a = PendingItems()
    for item in Self.items(5) { a.append(item) }
    var b = a
    b.append(.command(.sync))
    #expect(a.count == 5 && b.count == 6)
    #expect(Array(a.take()) == Self.items(5))
    #expect(Array(b.take()) == Self.items(5) + [.command(.sync)])
    var c = PendingItems()
    c.append(.command(.sync))
    let d = c
    c.removeAll()
    #expect(c.isEmpty && d.count == 1)
  }

  /// A copy that writes after the original took and went on writing: neither sees the
  /// other's items, and the trace taken before the copy wrote stays as it was.
  @Test func aCopyAndTheOriginalBothWritingAfterATake() {
    var a = PendingItems()
    for item in Self.items(4) { a.append(item) }
    var b = a
    let t = a.take()
    for item in Self.items(3, from: 10) { a.append(item) }
    for item in Self.items(2, from: 20) { b.append(item) }
    #expect(Array(a.take()) == Self.items(3, from: 10))
    #expect(Array(b.take()) == Self.items(4) + Self.items(2, from: 20))
    #expect(Array(t) == Self.items(4))
  }

  @Test func removeAllDropsTheItems() {
    var p = PendingItems()
    for item in Self.items(20) { p.append(item) }
    p.removeAll()
    #expect(p.isEmpty && p.take().isEmpty)
  }

  @Test func traceItemsReadLikeAnArray() {
    let a = TraceItems(Self.items(7))
    var b: TraceItems = [.command(.sync)]
    #expect(Array(a) == Self.items(7) && a.first == Self.items(7).first && a.last == Self.items(7).last)
    #expect(a.withUnsafeBufferPointer { Array($0) } == Self.items(7))
    #expect(
      TraceItems().isEmpty && TraceItems() == [] && TraceItems().withUnsafeBufferPointer { $0.count } == 0)
    b.append(contentsOf: a)
    #expect(Array(b) == [.command(.sync)] + Self.items(7))
    #expect(b != a && b.hashValue == TraceItems([.command(.sync)] + Self.items(7)).hashValue)
    var e = TraceItems()
    e.append(contentsOf: a)
    #expect(e == a)
  }
}
