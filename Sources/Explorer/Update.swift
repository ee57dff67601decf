import SMMUDriver
import Scenario

/// A side effect the terminal layer performs for the explorer.
package enum Effect: Sendable, Hashable {
  case quit
  case writeFile(path: String, contents: String)
}

extension ExplorerState {
  /// Applies one key (or resize, click or paste) and returns the effects to perform: the
  /// explorer's one entry point. Keys go through the current mode's keymap.
  package mutating func update(_ key: Key) -> [Effect] {
    switch key {
    case .resize(let w, let h):
      width = w
      height = h
      return []
    case .paste(let text): return paste(text)
    default: break
    }
    if let overlay { return updateOverlay(overlay, key) }
    if case .click(let x, let y) = key {
      click(x: x, y: y)
      return []
    }
    guard let action = keymap.action(for: key) else {
      if case .char(let c) = key {
        status = "no key '\(c)': press ? for help"
        statusIsError = true
      }
      return []
    }
    return apply(action)
  }
}
