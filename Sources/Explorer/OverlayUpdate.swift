import Scenario

extension ExplorerState {
  /// A key while an overlay is open, through the overlay's keymap.
  mutating func updateOverlay(_ o: Overlay, _ key: Key) -> [Effect] {
    let action = keymap.action(for: key)
    switch o {
    case .commandLine(let text), .filter(let text), .writeFile(let text):
      return edit(o, text, key, action)
    case .walkthroughMenu(let i):
      switch action {
      case .move(let d): overlay = .walkthroughMenu(max(0, min(Walkthrough.all.count - 1, i + d)))
      case .accept:
        overlay = nil
        open(walkthrough: Walkthrough.all[i])
        status =
          "walkthrough \(Walkthrough.all[i].name): \(Keymap(Keymap.walkthroughSteps).hintText(separator: ", "))"
        statusIsError = false
      case .cancel: overlay = nil
      default: break
      }
    case .help:
      // Any character closes the help, as well as its bound keys.
      if case .char = key { overlay = nil }
      if action == .cancel { overlay = nil }
    case .raw, .compare, .mutationMatrix:
      if action == .cancel { overlay = nil }
    case .findings(let l): updateFindings(l, action)
    case .sweep(let top):
      let rows = sweepChartGrid.height
      let page = max(1, height - 4)
      switch action {
      case .move(let d): overlay = .sweep(max(0, min(rows - 1, top + d)))
      case .page(let d): overlay = .sweep(max(0, min(rows - 1, top + d * page)))
      case .cancel: overlay = nil
      default: break
      }
    case .walk(var v):
      switch action {
      case .move(let d): v.scroll += d
      case .page(let d): v.scroll += d * max(1, height - 5)
      case .home: v.scroll = 0
      case .end: v.scroll = .max
      case .cancel:
        overlay = nil
        return []
      default: return []
      }
      v.scroll = max(0, min(walkScrollLimit(v), v.scroll))
      overlay = .walk(v)
    }
    return []
  }

  /// A key in a text prompt (the `:` line, the `/` filter, the file name).
  private mutating func edit(_ o: Overlay, _ text: String, _ key: Key, _ action: Action?) -> [Effect] {
    var t = text
    switch action {
    case .cancel:
      overlay = nil
      return []
    case .accept:
      overlay = nil
      return accept(o, t)
    case .deleteBackward: if !t.isEmpty { t.removeLast() }
    case .complete: t = complete(t)
    case .clearLine: t = ""
    default:
      guard case .char(let c) = key else { return [] }
      t.append(c)
    }
    switch o {
    case .commandLine: overlay = .commandLine(t)
    case .filter:
      overlay = .filter(t)
      logFilter = t
    default: overlay = .writeFile(t)
    }
    return []
  }

  /// Enter in a text prompt: run the line, set the filter, or write the file.
  private mutating func accept(_ o: Overlay, _ t: String) -> [Effect] {
    switch o {
    case .commandLine: run(line: t)
    case .filter: logFilter = t
    case .writeFile:
      guard !t.isEmpty else { return [] }
      status = "wrote \(t)"
      statusIsError = false
      return [.writeFile(path: t, contents: scenarioText)]
    default: break
    }
    return []
  }
}
