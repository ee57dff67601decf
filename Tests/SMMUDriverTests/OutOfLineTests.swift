import Testing

@testable import SMMUDriver

/// `OutOfLine.update`: the box holds a value only while it differs from the empty one, so
/// holders of equal values compare equal.
struct OutOfLineTests {
  @Test func theBoxIsNilWhileTheValueIsEmpty() {
    var box: OutOfLine<[Int]>?
    OutOfLine.update(&box, empty: []) { $0 = [] }
    #expect(box == nil)
    OutOfLine.update(&box, empty: []) { $0.append(7) }
    #expect(box?.value == [7])
    OutOfLine.update(&box, empty: []) { $0.append(8) }
    #expect(box?.value == [7, 8])
    OutOfLine.update(&box, empty: []) { $0.removeAll() }
    #expect(box == nil)
  }
}
