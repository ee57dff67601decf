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
  /// The short text shown in the one-line hint bar, or nil when the binding has no hint.
  public let hint: String?
}

/// The explorer's key bindings.
public enum Keymap {
  public static let bindings: [Binding] = [
    Binding(keys: [.up, .char("k")], label: "↑/k", help: "previous row", action: .move(-1), hint: nil),
    Binding(keys: [.down, .char("j")], label: "↓/j", help: "next row", action: .move(1), hint: nil),
    Binding(keys: [.pageUp], label: "PgUp", help: "page up", action: .page(-1), hint: nil),
    Binding(keys: [.pageDown], label: "PgDn", help: "page down", action: .page(1), hint: nil),
    Binding(keys: [.home, .char("g")], label: "g/Home", help: "first row", action: .home, hint: nil),
    Binding(keys: [.end, .char("G")], label: "G/End", help: "last row", action: .end, hint: nil),
    Binding(
      keys: [.tab, .right, .char("l")], label: "Tab", help: "next pane", action: .focusNext, hint: "pane"),
    Binding(
      keys: [.backTab, .left, .char("h")], label: "S-Tab", help: "previous pane", action: .focusPrevious,
      hint: nil),
    Binding(
      keys: [.enter], label: "Enter", help: "raw qwords and decoded fields of the selection", action: .raw,
      hint: "raw"),
    Binding(
      keys: [.char("a")], label: "a", help: "attach DOMAIN MASTER [pasid N]", action: .prompt("attach "),
      hint: "attach"),
    Binding(
      keys: [.char("d")], label: "d", help: "detach MASTER [pasid N] (selected master)",
      action: .prompt("detach "), hint: "detach"),
    Binding(
      keys: [.char("m")], label: "m", help: "new master: master NAME sid N [ssid-bits N] [ats] [stall]",
      action: .prompt("master "), hint: nil),
    Binding(
      keys: [.char("n")], label: "n", help: "new domain: domain NAME paging|s2|sva|identity|blocked",
      action: .prompt("domain "), hint: nil),
    Binding(
      keys: [.char("t")], label: "t", help: "DMA transaction: dma MASTER [pasid N] IOVA [read|write]",
      action: .prompt("dma "), hint: "dma"),
    Binding(
      keys: [.char("p")], label: "p", help: "switch design (replays the session under the other design)",
      action: .switchDesign, hint: "design"),
    Binding(
      keys: [.char("C")], label: "C", help: "toggle compact (64-byte) single-entry CD tables, replaying",
      action: .toggleCompact, hint: nil),
    Binding(
      keys: [.char("c")], label: "c", help: "compare the session under every design", action: .compare,
      hint: "compare"),
    Binding(
      keys: [.char(":")], label: ":", help: "command line (the scenario language)", action: .commandLine,
      hint: "command"),
    Binding(keys: [.char("/")], label: "/", help: "filter the log", action: .filter, hint: nil),
    Binding(
      keys: [.char(" "), .char("n")], label: "Space", help: "walkthrough: next step", action: .nextStep,
      hint: nil),
    Binding(
      keys: [.char("b")], label: "b", help: "walkthrough: previous step (time travel)", action: .previousStep,
      hint: nil),
    Binding(keys: [.char("W")], label: "W", help: "walkthrough menu", action: .walkthroughMenu, hint: nil),
    Binding(keys: [.char("z")], label: "z", help: "zoom the focused pane", action: .zoom, hint: nil),
    Binding(
      keys: [.char("u")], label: "u", help: "undo the last command (or step back)", action: .undo,
      hint: "undo"),
    Binding(
      keys: [.char("w")], label: "w", help: "write the session as a scenario file", action: .write,
      hint: nil),
    Binding(keys: [.char("?"), .control("h")], label: "?", help: "this help", action: .help, hint: "help"),
    Binding(keys: [.char("q"), .control("c")], label: "q", help: "quit", action: .quit, hint: "quit"),
  ]

  /// The action for a key. In a walkthrough, `n` is "next step"; otherwise "new domain".
  public static func action(for key: Key, inWalkthrough: Bool) -> Action? {
    if inWalkthrough, key == .char("n") { return .nextStep }
    return bindings.first { $0.keys.contains(key) }?.action
  }
}
