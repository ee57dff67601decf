/// The two names last resolved in a `[String: Value]` table and where they were: one line's
/// names tend to be the next line's, and a name compares for less than it hashes. The owner
/// calls `forget()` whenever it adds or removes a key (only that moves indices).
struct RecentIndices<Value: Sendable>: Sendable {
  typealias Index = [String: Value].Index
  private var first: (name: String, index: Index)?
  private var second: (name: String, index: Index)?

  init() {}

  /// Where `name` was found, if it is one of the two.
  mutating func index(of name: String) -> Index? {
    if let f = first, f.name == name { return f.index }
    if let s = second, s.name == name {
      swap(&first, &second)
      return s.index
    }
    return nil
  }

  /// Remembers where `name` is (the older of the two is forgotten).
  mutating func remember(_ name: String, at index: Index) {
    second = first
    first = (name, index)
  }

  /// Forgets both (a key was added or removed: indices may have moved).
  mutating func forget() {
    first = nil
    second = nil
  }
}
