extension Keymap {
  /// The `:` command line (text keys are typed in).
  package static let commandLine = Keymap([
    Binding(keys: [.enter], label: "Enter", help: "run the line", action: .accept, hint: "run"),
    Binding(
      keys: [.tab], label: "Tab", help: "complete a verb or a name", action: .complete, hint: "complete"),
    Binding(keys: [.escape], label: "Esc", help: "cancel", action: .cancel, hint: "cancel"),
    Binding(keys: [.backspace], label: "BS", help: "delete a character", action: .deleteBackward),
    Binding(keys: [.control("u")], label: "^U", help: "clear the line", action: .clearLine),
  ])

  /// The `/` filter and the file-name prompt.
  package static let textPrompt = Keymap([
    Binding(keys: [.enter], label: "Enter", help: "accept", action: .accept, hint: "accept"),
    Binding(keys: [.escape], label: "Esc", help: "cancel", action: .cancel, hint: "cancel"),
    Binding(keys: [.backspace], label: "BS", help: "delete a character", action: .deleteBackward),
    Binding(keys: [.control("u")], label: "^U", help: "clear the line", action: .clearLine),
  ])

  /// A menu (the walkthrough menu).
  package static let menu = Keymap([
    Binding(keys: [.up, .char("k")], label: "↑/k", help: "previous entry", action: .move(-1)),
    Binding(keys: [.down, .char("j")], label: "↓/j", help: "next entry", action: .move(1)),
    Binding(keys: [.enter], label: "Enter", help: "open the entry", action: .accept, hint: "open"),
    Binding(keys: [.escape, .char("q")], label: "Esc", help: "close", action: .cancel, hint: "close"),
  ])

  /// A read-only popup (raw qwords, the comparison).
  package static let popup = Keymap([
    Binding(
      keys: [.escape, .char("q"), .enter, .char("?")], label: "Esc", help: "close", action: .cancel,
      hint: "closes")
  ])

  /// A scrolling read-only popup (the sweep chart).
  package static let scrollPopup = Keymap([
    Binding(keys: [.up, .char("k")], label: "↑/k", help: "scroll up", action: .move(-1)),
    Binding(keys: [.down, .char("j")], label: "↓/j", help: "scroll down", action: .move(1), hint: "scroll"),
    Binding(keys: [.pageUp], label: "PgUp", help: "page up", action: .page(-1)),
    Binding(keys: [.pageDown], label: "PgDn", help: "page down", action: .page(1)),
    Binding(
      keys: [.escape, .char("q"), .enter], label: "Esc", help: "close", action: .cancel, hint: "closes"),
  ])

  /// The help screen: any character key closes it too.
  package static let helpScreen = Keymap([
    Binding(
      keys: [.escape, .char("q"), .enter, .char("?")], label: "any key", help: "close", action: .cancel,
      hint: "closes")
  ])
}
