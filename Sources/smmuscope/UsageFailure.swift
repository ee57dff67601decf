import ArgumentParser
import Foundation

/// A bad input the user must fix: printed as `smmuscope: error: ...` on stderr, exit status 2.
struct UsageFailure: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

/// Writes to standard error.
func printError(_ s: String) {
  FileHandle.standardError.write(Data(s.utf8))
}

extension ParsableCommand {
  /// Prints a `UsageFailure` and returns exit status 2.
  static func failing(_ f: UsageFailure) -> ExitCode {
    printError(f.message.hasSuffix("\n") ? f.message : "smmuscope: error: \(f.message)\n")
    return ExitCode(2)
  }
}
