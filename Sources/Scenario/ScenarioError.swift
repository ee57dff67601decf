/// A scenario that cannot run: where and why, rendered as `FILE:LINE:COL: error: ...` with
/// the line and a caret under the column.
package struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
  package let file: String
  package let line: Int
  package let column: Int
  package let message: String
  package let lineText: String

  package init(file: String, line: Int, column: Int, message: String, lineText: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.lineText = lineText
  }

  package var description: String {
    "\(file):\(line):\(column): error: \(message)\n\(lineText)\n"
      + String(repeating: " ", count: max(0, column - 1)) + "^"
  }
}
