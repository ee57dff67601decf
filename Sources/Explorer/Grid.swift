/// A colour the explorer uses; the terminal layer maps it to a colour pair (or to nothing
/// under NO_COLOR / monochrome terminals).
package enum Color: UInt8, Sendable, Hashable, CaseIterable {
  case normal, accent, good, bad, warn, dim, flash, selection, title, header
  /// What belongs to a VM guest (its vSMMU, CD tables and domains), apart from the host.
  case guest
}

/// How one cell is drawn.
package struct Style: Sendable, Hashable {
  package var color: Color
  package var bold: Bool
  package var reverse: Bool
  package var underline: Bool

  package init(_ color: Color = .normal, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
    self.color = color
    self.bold = bold
    self.reverse = reverse
    self.underline = underline
  }

  package static let plain = Style()
}

/// One terminal cell: a character (one column wide) and its style.
package struct Cell: Sendable, Hashable {
  package var character: Character
  package var style: Style

  package init(_ character: Character = " ", _ style: Style = .plain) {
    self.character = character
    self.style = style
  }
}

/// A rectangle of cells: what a frame of the explorer is. Rendering is a pure function into
/// a grid; the terminal layer only copies the cells that changed since the last frame.
package struct Grid: Sendable, Hashable {
  package let width: Int
  package let height: Int
  package private(set) var cells: [Cell]

  package init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: Cell(), count: self.width * self.height)
  }

  package subscript(x: Int, y: Int) -> Cell {
    get { cells[y * width + x] }
    set {
      guard x >= 0, y >= 0, x < width, y < height else { return }
      cells[y * width + x] = newValue
    }
  }

  /// Writes text from (x, y), clipped to `maxWidth` columns and to the grid.
  package mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) {
    guard y >= 0, y < height else { return }
    let limit = min(width, x + (maxWidth ?? width))
    var cx = x
    for ch in text {
      if cx >= limit { break }
      if cx >= 0 { cells[y * width + cx] = Cell(ch, style) }
      cx += 1
    }
  }

  /// Fills a rectangle with a style (keeping characters when `keepText`).
  package mutating func fill(
    x: Int, y: Int, width w: Int, height h: Int, style: Style, character: Character = " "
  ) {
    for yy in max(0, y)..<min(height, y + h) {
      for xx in max(0, x)..<min(width, x + w) { cells[yy * width + xx] = Cell(character, style) }
    }
  }

  /// Replaces every non-ASCII character by an ASCII stand-in (for `--ascii` and non-UTF-8
  /// locales): line drawing, arrows, check marks, dashes and the cursor block.
  package mutating func asciify() {
    for i in cells.indices where !cells[i].character.isASCII {
      cells[i].character = Self.asciiFallback[cells[i].character] ?? "?"
    }
  }

  static let asciiFallback: [Character: Character] = [
    "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "┬": "+", "┴": "+", "├": "+", "┤": "+",
    "┼": "+",
    "▶": ">", "•": "*", "—": "-", "–": "-", "…": "~", "✓": "+", "✗": "x", "»": ">", "█": "_", "↑": "^",
    "↓": "v", "←": "<", "→": ">", "×": "x",
  ]

  /// The grid as plain text lines (trailing spaces kept), for golden tests and tmux checks.
  package var lines: [String] {
    (0..<height).map { y in String(cells[(y * width)..<(y * width + width)].map(\.character)) }
  }
}
