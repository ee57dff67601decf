import Foundation

/// This process's resident memory, from /proc/self/status (Linux; 0 elsewhere).
enum ProcessMemory {
  /// Resident set size now, in bytes (VmRSS).
  static var current: Int { field("VmRSS:") }
  /// Peak resident set size of the process, in bytes (VmHWM).
  static var peak: Int { field("VmHWM:") }

  /// Bytes as MiB with one decimal.
  static func mib(_ bytes: Int) -> String { String(Double(bytes / 104_858) / 10) }

  static func field(_ name: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(name) {
      let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
      return (kb.flatMap { Int($0) } ?? 0) * 1024
    }
    return 0
  }
}
