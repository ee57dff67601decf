extension ExplorerState {
  /// Applies keys that arrived together (everything the terminal had ready) and returns their
  /// effects, in order; keys after a `.quit` are not applied. The terminal draws one frame
  /// for the batch. (The sharing graph no longer depends on the selection: its highlight is
  /// computed while drawing, so a batch needs no deferred work.)
  package mutating func update(batch keys: [Key]) -> [Effect] {
    var effects: [Effect] = []
    for key in keys {
      effects += update(key)
      if effects.contains(.quit) { break }
    }
    return effects
  }
}
