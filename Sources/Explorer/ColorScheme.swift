/// The one table of how each `Color` looks: ANSI colour numbers (0-7, 8 = bright black) for
/// foreground and background, and attributes. The ncurses palette and the ANSI text output
/// (`Grid.ansiText`, used by `sweep` and its PNG) both read it.
package enum ColorScheme {
  /// How one colour is drawn.
  package struct Look: Sendable, Hashable {
    /// Foreground colour, nil for the terminal's default.
    package var foreground: Int?
    /// Background colour, nil for the terminal's default.
    package var background: Int?
    package var bold = false
    /// Drawn dim where the terminal lacks colour 8.
    package var dimWithoutGrey = false
  }

  package static func look(_ color: Color) -> Look {
    switch color {
    case .normal: Look()
    case .accent: Look(foreground: 6)
    case .good: Look(foreground: 2)
    case .bad: Look(foreground: 1)
    case .warn: Look(foreground: 3)
    case .dim: Look(foreground: 8, dimWithoutGrey: true)
    case .flash: Look(foreground: 0, background: 3)
    case .selection: Look(foreground: 0, background: 6)
    case .title: Look(bold: true)
    case .header: Look(foreground: 4, bold: true)
    case .guest: Look(foreground: 5)
    }
  }
}

extension Grid {
  /// The grid as text with ANSI SGR colour sequences (or plain when `color` is false), one
  /// line per row, trailing blanks trimmed.
  package func ansiText(color: Bool = true) -> String {
    var out = ""
    for y in 0..<height {
      var line = ""
      var current: Style? = nil
      var row = Array(cells[(y * width)..<(y * width + width)])
      while let last = row.last, last.character == " ", !last.style.reverse, last.style.color == .normal {
        row.removeLast()
      }
      for cell in row {
        if color, cell.style != current {
          line += Self.sgr(cell.style)
          current = cell.style
        }
        line.append(cell.character)
      }
      if color, current != nil { line += "\u{1B}[0m" }
      out += line + "\n"
    }
    return out
  }

  static func sgr(_ style: Style) -> String {
    let look = ColorScheme.look(style.color)
    var codes = ["0"]
    if look.bold || style.bold { codes.append("1") }
    if style.underline { codes.append("4") }
    if style.reverse { codes.append("7") }
    if let f = look.foreground { codes.append(f >= 8 ? "9\(f - 8)" : "3\(f)") }
    if let b = look.background { codes.append("4\(b)") }
    return "\u{1B}[" + codes.joined(separator: ";") + "m"
  }
}
