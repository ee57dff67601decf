import SMMUDriver
import Scenario

/// A side effect the terminal layer performs for the explorer.
public enum Effect: Sendable, Hashable {
  case quit
  case writeFile(path: String, contents: String)
}

extension ExplorerState {
  /// Applies one key (or resize, or click) and returns the effects to perform.
  public mutating func update(_ key: Key) -> [Effect] {
    if case .resize(let w, let h) = key {
      width = w
      height = h
      return []
    }
    if case .paste(let text) = key { return paste(text) }
    if let overlay {
      return updateOverlay(overlay, key)
    }
    if case .click(let x, let y) = key {
      click(x: x, y: y)
      return []
    }
    if let effects = timelineAction(key) { return effects }
    if key == .wheelUp { return apply(.move(-3)) }
    if key == .wheelDown { return apply(.move(3)) }
    if key == .escape {
      status = nil
      zoomed = false
      return []
    }
    guard let action = Keymap.action(for: key, inWalkthrough: walkthrough != nil) else {
      if case .char(let c) = key {
        status = "no key '\(c)': press ? for help"
        statusIsError = true
      }
      return []
    }
    return apply(action)
  }

  /// Performs an action.
  public mutating func apply(_ action: Action) -> [Effect] {
    switch action {
    case .move(let d): moveSelection(by: d)
    case .page(let d): moveSelection(by: d * max(1, paneHeight(focus) - 1))
    case .home:
      selection[focus] = 0
      if focus == .streams { refreshGraph() }
    case .end:
      selection[focus] = max(0, rowCount(focus) - 1)
      if focus == .streams { refreshGraph() }
    case .focusNext: focus = PaneID(rawValue: (focus.rawValue + 1) % PaneID.allCases.count)!
    case .focusPrevious:
      focus = PaneID(rawValue: (focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count)!
    case .raw: overlay = .raw
    case .prompt(let prefix):
      var text = prefix
      if prefix == "detach " || prefix == "dma ", let m = selectedMaster { text += m + " " }
      overlay = .commandLine(text)
    case .commandLine: overlay = .commandLine("")
    case .filter: overlay = .filter(logFilter)
    case .help: overlay = .help
    case .compare: overlay = .compare
    case .walkthroughMenu: overlay = .walkthroughMenu(0)
    case .write: overlay = .writeFile("smmuscope-session.scn")
    case .zoom: zoomed.toggle()
    case .quit: return [.quit]
    case .switchDesign:
      let next: DriverDesign = design == .legacy ? .perMaster : .legacy
      replay(design: next, compact: compact)
      status = "design: \(session.options.label) (session replayed)"
      statusIsError = false
    case .toggleCompact:
      replay(design: design, compact: !compact)
      status = "design: \(session.options.label) (session replayed)"
      statusIsError = false
    case .undo:
      if !userLines.isEmpty {
        let last = userLines.last!
        replay(design: design, compact: compact, dropLastUserLine: true)
        status = "undone: \(last)"
        statusIsError = false
      } else if let w = walkthrough, stepIndex > 0 {
        open(walkthrough: w, step: stepIndex - 1)
      } else {
        status = "nothing to undo"
        statusIsError = true
      }
    case .nextStep:
      guard let w = walkthrough else {
        status = "not in a walkthrough: W opens the menu"
        statusIsError = true
        return []
      }
      if stepIndex + 1 < stepCount {
        open(walkthrough: w, step: stepIndex + 1)
        selection[.log] = nil
      } else {
        status = "last step of \(w.name)"
        statusIsError = false
      }
    case .previousStep:
      guard let w = walkthrough else { return [] }
      if stepIndex > 0 { open(walkthrough: w, step: stepIndex - 1) }
    }
    return []
  }

  mutating func updateOverlay(_ o: Overlay, _ key: Key) -> [Effect] {
    switch o {
    case .commandLine(let text), .filter(let text), .writeFile(let text):
      var t = text
      switch key {
      case .escape:
        overlay = nil
        return []
      case .enter:
        overlay = nil
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
      case .backspace: if !t.isEmpty { t.removeLast() }
      case .tab: if case .commandLine = o { t = complete(t) }
      case .char(let c): t.append(c)
      case .control("u"): t = ""
      default: return []
      }
      switch o {
      case .commandLine: overlay = .commandLine(t)
      case .filter:
        overlay = .filter(t)
        logFilter = t
      default: overlay = .writeFile(t)
      }
    case .walkthroughMenu(let i):
      switch key {
      case .up, .char("k"): overlay = .walkthroughMenu(max(0, i - 1))
      case .down, .char("j"): overlay = .walkthroughMenu(min(Walkthrough.all.count - 1, i + 1))
      case .enter:
        overlay = nil
        open(walkthrough: Walkthrough.all[i])
        status = "walkthrough \(Walkthrough.all[i].name): Space next, b back"
        statusIsError = false
      case .escape, .char("q"): overlay = nil
      default: break
      }
    case .help, .raw, .compare:
      if key == .escape || key == .char("q") || key == .enter || key == .char("?") { overlay = nil }
      if o == .help, case .char(let c) = key, c != "?" && c != "q" { overlay = nil }
    }
    return []
  }

  /// Completes the last word of a command line from the verbs and the names in the model.
  mutating func complete(_ text: String) -> String {
    let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard let last = words.last else { return text }
    let d = session.driver
    var candidates: [String]
    if words.count == 1 {
      candidates = [
        "attach", "detach", "master", "domain", "map", "unmap", "dma", "asid", "free", "release", "expect",
        "say", "cmd", "write", "transition",
      ]
    } else {
      candidates =
        d.masterOrder + d.domainOrder + Array(d.addressSpaces.keys.sorted()) + [
          "pasid", "size", "read", "write", "ats", "stall", "ssid-bits", "sid", "paging", "s2", "sva",
          "identity", "blocked", "mm",
        ]
    }
    let matches = candidates.filter { $0.hasPrefix(last) }
    guard !matches.isEmpty else { return text }
    var prefix = matches[0]
    for m in matches.dropFirst() {
      while !m.hasPrefix(prefix) { prefix.removeLast() }
    }
    let completed = words.dropLast().joined(separator: " ") + (words.count > 1 ? " " : "") + prefix
    if matches.count == 1 { return completed + " " }
    status = "completions: " + matches.prefix(8).joined(separator: " ")
    statusIsError = false
    return completed
  }

  mutating func moveSelection(by d: Int) {
    let count = rowCount(focus)
    let current = selection[focus] ?? (focus == .log ? max(0, count - 1) : 0)
    selection[focus] = max(0, min(count - 1, current + d))
    if focus == .streams { refreshGraph() }
  }

  mutating func click(x: Int, y: Int) {
    let layout = currentLayout
    guard let pane = layout.pane(atX: x, y: y), let rect = layout.panes[pane] else { return }
    focus = pane
    let inner = rect.inner
    guard inner.contains(x: x, y: y) else { return }
    let count = rowCount(pane)
    let sel = selection[pane] ?? (pane == .log ? max(0, count - 1) : 0)
    let offset = Layout.offset(selected: sel, count: count, height: contentHeight(pane, inner))
    let row = offset + (y - inner.y) - headerRows(pane)
    if row >= 0 && row < count { selection[pane] = row }
    if pane == .streams { refreshGraph() }
  }

  /// The layout for the current size and mode.
  public var currentLayout: Layout {
    Layout(width: width, height: height, narrationLines: narrationLines.count, zoomed: zoomed ? focus : nil)
  }

  func paneHeight(_ p: PaneID) -> Int { currentLayout.panes[p]?.inner.height ?? 1 }
}
