import SMMUModel
import Testing

@testable import SMMUDriver

/// The pending trace items: taken in order and exactly, emptied by a take, and copy on write.
struct PendingItemsTests {
  static func items(_ n: Int) -> [OperationTrace.Item] {
    (0..<n).map { i in
      i % 3 == 0
        ? .note(.text("note \(i) with text long enough to live on the heap"))
        : .command(.cfgiSTE(sid: UInt32(i), leaf: true))
    }
  }

  @Test(arguments: [0, 1, 16, 17, 100])
  func aTakeReturnsEveryItemInOrderAndLeavesNone(_ n: Int) {
    var p = PendingItems()
    for item in Self.items(n) { p.append(item) }
    #expect(p.count == n)
    let taken = p.take()
    #expect(taken == Self.items(n))
    #expect(taken.capacity == n || n == 0)
    #expect(p.isEmpty)
    p.append(.command(.sync))
    #expect(p.take() == [.command(.sync)])
  }

  @Test func aCopyKeepsItsItemsWhenTheOtherAppendsOrTakes() {
    var a = PendingItems()
    for item in Self.items(5) { a.append(item) }
    var b = a
    b.append(.command(.sync))
    #expect(a.count == 5 && b.count == 6)
    #expect(a.take() == Self.items(5))
    #expect(b.take() == Self.items(5) + [.command(.sync)])
    var c = PendingItems()
    c.append(.command(.sync))
    let d = c
    c.removeAll()
    #expect(c.isEmpty && d.count == 1)
  }

  @Test func removeAllDropsTheItems() {
    var p = PendingItems()
    for item in Self.items(20) { p.append(item) }
    p.removeAll()
    #expect(p.isEmpty && p.take().isEmpty)
  }
}
