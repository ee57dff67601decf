/// The few names last resolved in a `[String: Value]` table and where they were: one line's
/// names tend to be among the last few lines' (a master, its RID domain, a PASID domain, the
/// domain a map or unmap edits), and a name compares for less than it hashes. The owner
/// calls `forget()` whenever it adds or removes a key (only that moves indices).
struct RecentIndices<Value: Sendable>: Sendable {
  typealias Index = [String: Value].Index
  private typealias Entry = (name: String, index: Index)

  /// How many names are kept. Two missed on the common cycle of attach, map, unmap and a
  /// PASID attach and detach, which resolve three or four names.
  static var capacity: Int { 4 }
  // Most recently used first, in fields rather than an array: the name looked up is most
  // often the first, found with one comparison.
  private var first: Entry?
  private var second: Entry?
  private var third: Entry?
  private var fourth: Entry?

  init() {}

  /// Where `name` was found, if it is one of the names kept (it becomes the most recent).
  mutating func index(of name: String) -> Index? {
    if let e = first, e.name == name { return e.index }
    if let e = second, e.name == name {
      swap(&first, &second)
      return e.index
    }
    if let e = third, e.name == name {
      (first, second, third) = (third, first, second)
      return e.index
    }
    if let e = fourth, e.name == name {
      (first, second, third, fourth) = (fourth, first, second, third)
      return e.index
    }
    return nil
  }

  /// Remembers where `name` is (the least recently used name is forgotten).
  mutating func remember(_ name: String, at index: Index) {
    (first, second, third, fourth) = ((name, index), first, second, third)
  }

  /// Forgets every name (a key was added or removed: indices may have moved).
  mutating func forget() {
    first = nil
    second = nil
    third = nil
    fourth = nil
  }
}
