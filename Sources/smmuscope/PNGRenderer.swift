import Explorer
import Foundation

/// Renders a grid to PNG with the renderer the README screenshots use (scripts/render_png.py:
/// pyte + Pillow + DejaVu Sans Mono), found beside the source tree the binary was built in or
/// through SMMUSCOPE_RENDER_PNG.
enum PNGRenderer {
  static func render(_ grid: Grid, to path: String) throws {
    guard let script = locate() else {
      throw UsageFailure(
        "--png needs scripts/render_png.py (set SMMUSCOPE_RENDER_PNG to its path when the binary is moved)")
    }
    let capture = FileManager.default.temporaryDirectory.appendingPathComponent("smmuscope-\(getpid()).ans")
    try Data(grid.ansiText().replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: capture)
    defer { try? FileManager.default.removeItem(at: capture) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [
      "python3", script, capture.path, "--width", String(grid.width), "--height", String(grid.height), "-o",
      path,
    ]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw UsageFailure("rendering \(path) failed (\(script))") }
  }

  static func locate() -> String? {
    if let env = ProcessInfo.processInfo.environment["SMMUSCOPE_RENDER_PNG"] { return env }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for _ in 0..<6 {
      let candidate = dir.appendingPathComponent("scripts/render_png.py").path
      if FileManager.default.fileExists(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return nil
  }
}
