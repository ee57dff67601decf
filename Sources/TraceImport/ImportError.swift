import SMMUModel
import Scenario

/// A bad input to the trace importer: the file (and line, when known) and what is wrong.
package struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file concerned.
  package let file: String
  /// The 1-based line, when the problem is on one line.
  package let line: Int?
  /// The 1-based column, when known (a byte that is not UTF-8).
  package let column: Int?
  package let message: String

  package init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  /// A text file that cannot be read.
  package init(_ e: TextFileError) {
    self.init(file: e.file, line: e.line, column: e.column, e.message)
  }

  /// `file:line:col: message`, as compilers print it.
  package var description: String {
    "\(file)" + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "") + ": \(message)"
  }
}
