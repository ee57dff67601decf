extension ExplorerState {
  /// Applies keys that arrived together (everything the terminal had ready) and returns their
  /// effects, in order; keys after a `.quit` are not applied.
  ///
  /// The result is the same as calling `update(_:)` for each key, but work that only the next
  /// frame needs is done once for the batch instead of once per key: the sharing graph, whose
  /// highlight follows the selected master, is rebuilt at the end rather than on every move.
  public mutating func update(batch keys: [Key]) -> [Effect] {
    graphRefreshDeferred = true
    var effects: [Effect] = []
    for key in keys {
      effects += update(key)
      if effects.contains(.quit) { break }
    }
    graphRefreshDeferred = false
    if graphIsStale { refreshGraph() }
    return effects
  }
}
