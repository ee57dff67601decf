import SMMUDriver
import Scenario

extension ExplorerState {
  /// Performs an action.
  mutating func apply(_ action: Action) -> [Effect] {
    switch action {
    case .move(let d): moveSelection(by: d)
    case .page(let d): moveSelection(by: d * max(1, paneHeight(focus) - 1))
    case .home: select(row: 0)
    case .end: select(row: rowCount(focus) - 1)
    case .focusNext: focus = PaneID(rawValue: (focus.rawValue + 1) % PaneID.allCases.count)!
    case .focusPrevious:
      focus = PaneID(rawValue: (focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count)!
    case .raw:
      if focus == .log, let v = selectedLogWalk {
        overlay = .walk(v)
      } else {
        overlay = .raw
      }
    case .walk:
      if let i = inspecting, let v = findingWalk(session.findings[i.index], index: i.index) {
        overlay = .walk(v)
      } else if let v = (focus == .log ? selectedLogWalk : nil) ?? lastWalk {
        overlay = .walk(v)
      } else {
        status = "no DMA with a walk yet: t runs one"
        statusIsError = true
      }
    case .prompt(let prefix):
      leaveInspection()
      var text = prefix
      if prefix == "detach " || prefix == "dma ", let m = selectedMaster { text += m + " " }
      overlay = .commandLine(text)
    case .commandLine:
      leaveInspection()
      overlay = .commandLine("")
    case .filter: overlay = .filter(logFilter)
    case .help: overlay = .help
    case .compare: overlay = .compare
    case .sweep:
      if sweep == nil { sweep = Sweep(masters: [1, 2, 4, 8, 16, 32, 64], pasids: [0, 4]) }
      overlay = .sweep(0)
    case .mutationMatrix:
      if mutationMatrix == nil { mutationMatrix = MutationMatrix(exhaustive: false) }
      overlay = .mutationMatrix
    case .walkthroughMenu: overlay = .walkthroughMenu(0)
    case .findings: showFindings()
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
    case .dismiss:
      status = nil
      zoomed = false
    case .seek(let move): seek(move)
    case .readOnly:
      status = "read-only: this is an imported run (step with \(Keymap.timelineMovesText))"
      statusIsError = true
    case .accept, .cancel, .complete, .deleteBackward, .clearLine, .describeOnly: break
    }
    return []
  }

}
