/// A scenario that cannot run: where and why, rendered as `FILE:LINE:COL: error: ...` with
/// the line and a caret under the column.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let column: Int
  public let message: String
  public let lineText: String

  public init(file: String, line: Int, column: Int, message: String, lineText: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.lineText = lineText
  }

  public var description: String {
    "\(file):\(line):\(column): error: \(message)\n\(lineText)\n"
      + String(repeating: " ", count: max(0, column - 1)) + "^"
  }
}
