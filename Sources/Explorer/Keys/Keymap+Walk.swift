extension Keymap {
  /// The walk view: scroll, close.
  package static let walkView = Keymap([
    Binding(keys: [.up, .char("k")], label: "↑/k", help: "scroll up", action: .move(-1), hint: "scroll"),
    Binding(keys: [.down, .char("j"), .wheelDown], label: "↓/j", help: "scroll down", action: .move(1)),
    Binding(keys: [.wheelUp], label: "wheel↑", help: "", action: .move(-3)),
    Binding(keys: [.pageUp], label: "PgUp", help: "page up", action: .page(-1), hint: "page"),
    Binding(keys: [.pageDown, .char(" ")], label: "PgDn", help: "page down", action: .page(1)),
    Binding(keys: [.home, .char("g")], label: "g", help: "top", action: .home),
    Binding(keys: [.end, .char("G")], label: "G", help: "bottom", action: .end),
    Binding(
      keys: [.escape, .char("q"), .char("e"), .enter], label: "Esc", help: "close the walk", action: .cancel,
      hint: "close"),
  ])
}
