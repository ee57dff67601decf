/// A rectangle of cells; layout is arithmetic on these, clipped, never negative.
public struct Rect: Sendable, Hashable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// The area inside a one-cell border.
  public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

  public func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < x + width && py >= y && py < y + height
  }

  /// Splits off the top `rows` rows.
  public func top(_ rows: Int) -> (Rect, Rect) {
    let r = min(max(0, rows), height)
    return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
  }

  /// Splits off the left `cols` columns.
  public func left(_ cols: Int) -> (Rect, Rect) {
    let c = min(max(0, cols), width)
    return (
      Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height)
    )
  }
}
