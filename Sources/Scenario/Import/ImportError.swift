/// A bad input to the trace importer: the file (and line, when known) and what is wrong.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file concerned.
  public let file: String
  /// The 1-based line, when the problem is on one line.
  public let line: Int?
  public let message: String

  public init(file: String, line: Int? = nil, _ message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`, as compilers print it.
  public var description: String {
    "\(file)" + (line.map { ":\($0)" } ?? "") + ": \(message)"
  }
}
