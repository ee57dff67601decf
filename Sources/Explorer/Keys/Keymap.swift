/// A mode's key bindings: one table that dispatch, the hint bar, the `?` help screen and the
/// key lists in status and narration text are all generated from, so none can drift.
package struct Keymap: Sendable, Hashable {
  /// The bindings in help order. The first binding holding a key wins.
  package let bindings: [Binding]
  /// Bindings whose hints lead the hint bar (a layer's own), in order.
  let leading: [Binding]

  package init(_ bindings: [Binding]) {
    self.bindings = bindings
    leading = []
  }

  /// A layer over a base keymap. A layer binding replaces the base binding with the same
  /// action in place; the other layer bindings come first; base bindings whose keys the layer
  /// all takes are gone (they no longer do anything in this mode).
  package init(layer: [Binding], over base: Keymap) {
    let taken = Set(layer.flatMap(\.keys))
    let actions = Set(layer.map(\.action))
    let baseActions = Set(base.bindings.map(\.action))
    var merged = layer.filter { !baseActions.contains($0.action) }
    for b in base.bindings {
      if actions.contains(b.action) {
        merged += layer.filter { $0.action == b.action }
      } else if !b.keys.allSatisfy(taken.contains) || b.keys.isEmpty {
        merged.append(b)
      }
    }
    bindings = merged
    leading = layer
  }

  /// The action for a key, or nil when the mode does not bind it.
  package func action(for key: Key) -> Action? {
    bindings.first { $0.keys.contains(key) }?.action
  }

  /// The bindings with hints, in hint-bar order: the layer's first.
  package var hinted: [Binding] {
    let first = leading.filter { $0.hint != nil }
    return first + bindings.filter { b in b.hint != nil && !first.contains(b) }
  }

  /// The hints as text, e.g. "Enter run  Esc cancel".
  package func hintText(separator: String = "  ") -> String {
    hinted.map { "\($0.label) \($0.hint ?? "")" }.joined(separator: separator)
  }

  /// The hint bar's spans.
  package var hintSpans: [Span] {
    hinted.flatMap { b in
      [Span(" " + b.label, Style(.accent, bold: true)), Span(" " + (b.hint ?? "") + " ", Style(.dim))]
    }
  }

  /// The help screen's lines: keys, then what they do.
  package var helpLines: [[Span]] {
    bindings.filter { !$0.help.isEmpty }.map { b in
      [Span(col(b.keyColumn, 16), Style(.accent, bold: true)), Span(b.help)]
    }
  }

  /// The binding for an action, if the mode has one.
  package func binding(for action: Action) -> Binding? { bindings.first { $0.action == action } }
}
