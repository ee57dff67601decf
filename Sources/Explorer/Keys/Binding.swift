/// One key binding: the keys, the label shown in hints, the help text, the action. The same
/// tables drive dispatch, the hint bar, the `?` help screen and every key list in the text.
package struct Binding: Sendable, Hashable {
  package let keys: [Key]
  package let label: String
  package let help: String
  package let action: Action
  /// The short text shown in the one-line hint bar, or nil when the binding has no hint.
  package let hint: String?
  /// What the help screen shows in the key column, when not the names of the keys.
  package let helpKeys: String?

  package init(
    keys: [Key], label: String, help: String, action: Action, hint: String? = nil, helpKeys: String? = nil
  ) {
    self.keys = keys
    self.label = label
    self.help = help
    self.action = action
    self.hint = hint
    self.helpKeys = helpKeys
  }

  /// The key column of the help screen.
  package var keyColumn: String { helpKeys ?? keys.map(\.name).joined(separator: " ") }
}

extension Key {
  /// The key's name in help text.
  package var name: String {
    switch self {
    case .char(" "): "Space"
    case .char(let c): String(c)
    case .up: "↑"
    case .down: "↓"
    case .left: "←"
    case .right: "→"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .home: "Home"
    case .end: "End"
    case .enter: "Enter"
    case .tab: "Tab"
    case .backTab: "S-Tab"
    case .escape: "Esc"
    case .backspace: "BS"
    case .control(let c): "^" + String(c).uppercased()
    case .wheelUp: "wheel↑"
    case .wheelDown: "wheel↓"
    default: "?"
    }
  }
}
