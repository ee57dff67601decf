import Foundation

/// Finds the built `smmuscope` executable for tests that run it: `$SMMUSCOPE_BIN` if set,
/// else the one next to the test executable (both live in `.build/<triple>/debug`), else
/// `<package>/.build/debug/smmuscope`. Tests never build it: `swift build --build-tests`
/// (or `swift test`, which builds every target) does.
package enum BuiltBinary {
  package static func smmuscope(packageRoot: URL) -> URL? {
    let fm = FileManager.default
    if let path = ProcessInfo.processInfo.environment["SMMUSCOPE_BIN"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    var candidates: [URL] = []
    for executable in [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])] {
      guard let executable else { continue }
      // The test binary may sit inside a bundle (…/debug/X.xctest/Contents/MacOS/X); walk up.
      var dir = executable.resolvingSymlinksInPath().deletingLastPathComponent()
      for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent("smmuscope"))
        dir = dir.deletingLastPathComponent()
      }
    }
    candidates.append(packageRoot.appendingPathComponent(".build/debug/smmuscope"))
    return candidates.first { fm.isExecutableFile(atPath: $0.path) }
  }
}
