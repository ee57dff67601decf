/// A rectangle of cells; layout is arithmetic on these, clipped, never negative.
package struct Rect: Sendable, Hashable {
  package var x: Int
  package var y: Int
  package var width: Int
  package var height: Int

  package init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// The area inside a one-cell border.
  package var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

  package func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < x + width && py >= y && py < y + height
  }

  /// Splits off the top `rows` rows.
  package func top(_ rows: Int) -> (Rect, Rect) {
    let r = min(max(0, rows), height)
    return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
  }

  /// Splits off the left `cols` columns.
  package func left(_ cols: Int) -> (Rect, Rect) {
    let c = min(max(0, cols), width)
    return (
      Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height)
    )
  }
}
