extension Keymap {
  /// The checker's findings list (`!`).
  package static let findingsList = Keymap([
    Binding(keys: [.up, .char("k")], label: "↑/k", help: "previous finding", action: .move(-1)),
    Binding(keys: [.down, .char("j")], label: "↓/j", help: "next finding", action: .move(1), hint: "select"),
    Binding(keys: [.pageUp], label: "PgUp", help: "page up", action: .page(-1)),
    Binding(keys: [.pageDown], label: "PgDn", help: "page down", action: .page(1)),
    Binding(keys: [.home, .char("g")], label: "g", help: "first finding", action: .home),
    Binding(keys: [.end, .char("G")], label: "G", help: "last finding", action: .end),
    Binding(
      keys: [.enter], label: "Enter",
      help: "go to the finding: its stream's walk under the cache state found, then the panes at its point",
      action: .accept, hint: "go to"),
    Binding(
      keys: [.escape, .char("q"), .char("!")], label: "Esc", help: "close", action: .cancel, hint: "close"),
  ])

  /// The keys while the panes show a finding's point, over the screen's own.
  static let inspectionLayer: [Binding] = [
    Binding(
      keys: [.escape, .char("!")], label: "Esc",
      help: "leave the finding's point: back to the findings and the live session", action: .findings,
      hint: "findings"),
    Binding(
      keys: [.char("e")], label: "e", help: "the finding's walk (its stream under the cache state found)",
      action: .walk, hint: "walk"),
  ]
}
