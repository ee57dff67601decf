/// The line-drawing characters, in Unicode or (for non-UTF-8 locales) plain ASCII.
package struct Glyphs: Sendable, Hashable {
  package let horizontal: Character
  package let vertical: Character
  package let topLeft: Character
  package let topRight: Character
  package let bottomLeft: Character
  package let bottomRight: Character
  package let teeDown: Character
  package let teeUp: Character
  package let teeRight: Character
  package let teeLeft: Character
  package let cross: Character
  package let arrow: Character
  package let bullet: Character

  package static let unicode = Glyphs(
    horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
    teeDown: "┬", teeUp: "┴", teeRight: "├", teeLeft: "┤", cross: "┼", arrow: "▶", bullet: "•")
  package static let ascii = Glyphs(
    horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
    teeDown: "+", teeUp: "+", teeRight: "+", teeLeft: "+", cross: "+", arrow: ">", bullet: "*")
}

extension Grid {
  /// Draws a box with a title; `focused` boxes are drawn in the accent colour.
  package mutating func box(_ r: Rect, title: String, focused: Bool, glyphs g: Glyphs) {
    guard r.width >= 2, r.height >= 2 else { return }
    let style = Style(focused ? .accent : .dim, bold: focused)
    for x in (r.x + 1)..<(r.x + r.width - 1) {
      self[x, r.y] = Cell(g.horizontal, style)
      self[x, r.y + r.height - 1] = Cell(g.horizontal, style)
    }
    for y in (r.y + 1)..<(r.y + r.height - 1) {
      self[r.x, y] = Cell(g.vertical, style)
      self[r.x + r.width - 1, y] = Cell(g.vertical, style)
    }
    self[r.x, r.y] = Cell(g.topLeft, style)
    self[r.x + r.width - 1, r.y] = Cell(g.topRight, style)
    self[r.x, r.y + r.height - 1] = Cell(g.bottomLeft, style)
    self[r.x + r.width - 1, r.y + r.height - 1] = Cell(g.bottomRight, style)
    // A title that does not fit is cut with an ellipsis, keeping a line segment at the end.
    let room = r.width - 6
    guard room > 0 else { return }
    let shown = title.count <= room ? title : String(title.prefix(max(0, room - 1))) + "…"
    write(
      " \(shown) ", x: r.x + 2, y: r.y, style: Style(focused ? .title : .normal, bold: true),
      maxWidth: r.width - 4)
  }
}
