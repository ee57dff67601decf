/// What a key does.
public enum Action: Sendable, Hashable {
  case move(Int)
  case page(Int)
  case home, end
  case focusNext, focusPrevious
  case raw
  /// Opens the command line pre-filled (the prompt keys).
  case prompt(String)
  case commandLine
  case filter
  case help
  case undo
  case write
  case switchDesign
  case toggleCompact
  case compare
  case nextStep, previousStep
  case walkthroughMenu
  case zoom
  case quit
}

/// One key binding: the keys, the label shown in hints, the help text, the action. The same
/// table drives dispatch, the hint bar and the `?` help screen.
public struct Binding: Sendable, Hashable {
  public let keys: [Key]
  public let label: String
  public let help: String
  public let action: Action
  /// Shown in the one-line hint bar.
  public let hint: Bool
}

/// The explorer's key bindings.
public enum Keymap {
  public static let bindings: [Binding] = [
    Binding(keys: [.up, .char("k")], label: "↑/k", help: "previous row", action: .move(-1), hint: false),
    Binding(keys: [.down, .char("j")], label: "↓/j", help: "next row", action: .move(1), hint: false),
    Binding(keys: [.pageUp], label: "PgUp", help: "page up", action: .page(-1), hint: false),
    Binding(keys: [.pageDown], label: "PgDn", help: "page down", action: .page(1), hint: false),
    Binding(keys: [.home, .char("g")], label: "g/Home", help: "first row", action: .home, hint: false),
    Binding(keys: [.end, .char("G")], label: "G/End", help: "last row", action: .end, hint: false),
    Binding(
      keys: [.tab, .right, .char("l")], label: "Tab", help: "next pane", action: .focusNext, hint: true),
    Binding(
      keys: [.backTab, .left, .char("h")], label: "S-Tab", help: "previous pane", action: .focusPrevious,
      hint: false),
    Binding(
      keys: [.enter], label: "Enter", help: "raw qwords and decoded fields of the selection", action: .raw,
      hint: true),
    Binding(
      keys: [.char("a")], label: "a", help: "attach DOMAIN MASTER [pasid N]", action: .prompt("attach "),
      hint: true),
    Binding(
      keys: [.char("d")], label: "d", help: "detach MASTER [pasid N] (selected master)",
      action: .prompt("detach "), hint: true),
    Binding(
      keys: [.char("m")], label: "m", help: "new master: master NAME sid N [ssid-bits N] [ats] [stall]",
      action: .prompt("master "), hint: false),
    Binding(
      keys: [.char("n")], label: "n", help: "new domain: domain NAME paging|s2|sva|identity|blocked",
      action: .prompt("domain "), hint: false),
    Binding(
      keys: [.char("t")], label: "t", help: "DMA transaction: dma MASTER [pasid N] IOVA [read|write]",
      action: .prompt("dma "), hint: true),
    Binding(
      keys: [.char("p")], label: "p", help: "switch design (replays the session under the other design)",
      action: .switchDesign, hint: true),
    Binding(
      keys: [.char("C")], label: "C", help: "toggle compact (64-byte) single-entry CD tables, replaying",
      action: .toggleCompact, hint: false),
    Binding(
      keys: [.char("c")], label: "c", help: "compare the session under every design", action: .compare,
      hint: true),
    Binding(
      keys: [.char(":")], label: ":", help: "command line (the scenario language)", action: .commandLine,
      hint: true),
    Binding(keys: [.char("/")], label: "/", help: "filter the log", action: .filter, hint: false),
    Binding(
      keys: [.char(" "), .char("n")], label: "Space", help: "walkthrough: next step", action: .nextStep,
      hint: false),
    Binding(
      keys: [.char("b")], label: "b", help: "walkthrough: previous step (time travel)", action: .previousStep,
      hint: false),
    Binding(keys: [.char("W")], label: "W", help: "walkthrough menu", action: .walkthroughMenu, hint: false),
    Binding(keys: [.char("z")], label: "z", help: "zoom the focused pane", action: .zoom, hint: false),
    Binding(
      keys: [.char("u")], label: "u", help: "undo the last command (or step back)", action: .undo, hint: true),
    Binding(
      keys: [.char("w")], label: "w", help: "write the session as a scenario file", action: .write,
      hint: false),
    Binding(keys: [.char("?"), .control("h")], label: "?", help: "this help", action: .help, hint: true),
    Binding(keys: [.char("q"), .control("c")], label: "q", help: "quit", action: .quit, hint: true),
  ]

  /// The action for a key. In a walkthrough, `n` is "next step"; otherwise "new domain".
  public static func action(for key: Key, inWalkthrough: Bool) -> Action? {
    if inWalkthrough, key == .char("n") { return .nextStep }
    return bindings.first { $0.keys.contains(key) }?.action
  }
}
