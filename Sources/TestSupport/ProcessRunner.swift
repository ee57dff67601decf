import Foundation

/// What a finished process wrote and how it exited.
package struct ProcessOutput: Sendable {
  package let status: Int32
  package let stdout: [UInt8]
  package let stderr: [UInt8]

  /// Standard output as text (invalid UTF-8 repaired).
  package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  /// Standard error as text (invalid UTF-8 repaired).
  package var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs a program to completion for the tests that drive built binaries: stdin from
/// /dev/null, stdout and stderr to pipes read to their end before the process is reaped (so
/// a large output cannot fill a pipe and stall it).
package enum ProcessRunner {
  /// Runs `executable` with `arguments`; `environment` is merged over this process's.
  package static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:])
    throws -> ProcessOutput
  {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // stderr is drained on another thread while stdout is read here.
    let errData = ErrBox()
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      errData.set(err.fileHandleForReading.readDataToEndOfFile())
      done.signal()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, stdout: [UInt8](stdout), stderr: errData.get())
  }

  /// Runs `command` with `/bin/sh -c`.
  package static func shell(_ command: String) throws -> ProcessOutput {
    try run(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
  }
}

/// The stderr bytes, handed from the reading thread.
private final class ErrBox: @unchecked Sendable {
  private let lock = NSLock()
  private var bytes: [UInt8] = []
  func set(_ d: Data) { lock.withLock { bytes = [UInt8](d) } }
  func get() -> [UInt8] { lock.withLock { bytes } }
}
