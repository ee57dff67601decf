/// The few names last resolved in a `[String: Value]` table and where they were: one line's
/// names tend to be among the last few lines' (a master, its RID domain, a PASID domain, the
/// domain a map or unmap edits), and a name compares for less than it hashes. The owner
/// calls `forget()` whenever it adds or removes a key (only that moves indices).
struct RecentIndices<Value: Sendable>: Sendable {
  typealias Index = [String: Value].Index
  /// How many names are kept (the oldest is replaced first). Two missed on the common cycle
  /// of attach, map, unmap and a PASID attach and detach, which resolve three or four names.
  static var capacity: Int { 4 }
  private var entries: [(name: String, index: Index)] = []
  /// The entry `remember` replaces next once all are in use.
  private var next = 0

  init() {}

  /// Where `name` was found, if it is one of the names kept.
  func index(of name: String) -> Index? {
    for i in entries.indices where entries[i].name == name { return entries[i].index }
    return nil
  }

  /// Remembers where `name` is (replacing the oldest name when all are in use).
  mutating func remember(_ name: String, at index: Index) {
    if entries.count < Self.capacity {
      entries.append((name, index))
    } else {
      entries[next] = (name, index)
    }
    next = (next + 1) % Self.capacity
  }

  /// Forgets every name (a key was added or removed: indices may have moved).
  mutating func forget() {
    entries.removeAll(keepingCapacity: true)
    next = 0
  }
}
