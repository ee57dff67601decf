/// A short list kept inline: the first four elements need no heap allocation, any more go
/// to an array. A translation's configuration-cache traffic (at most an L1 stream-table
/// descriptor, an STE, an L1 CD descriptor and a CD) fits inline.
struct SmallList<Element>: RandomAccessCollection {
  private var inline: (Element?, Element?, Element?, Element?) = (nil, nil, nil, nil)
  private var overflow: [Element] = []
  private(set) var count = 0

  init() {}

  var startIndex: Int { 0 }
  var endIndex: Int { count }

  subscript(i: Int) -> Element {
    precondition(i >= 0 && i < count, "index out of range")
    switch i {
    case 0: return inline.0!
    case 1: return inline.1!
    case 2: return inline.2!
    case 3: return inline.3!
    default: return overflow[i - 4]
    }
  }

  mutating func append(_ e: Element) {
    switch count {
    case 0: inline.0 = e
    case 1: inline.1 = e
    case 2: inline.2 = e
    case 3: inline.3 = e
    default: overflow.append(e)
    }
    count += 1
  }
}
