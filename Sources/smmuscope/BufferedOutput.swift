import Foundation

/// Standard output written in large chunks (a report of a long scenario is tens of MB).
struct BufferedOutput {
  private var buffer: [UInt8] = []
  private let chunk = 1 << 16

  init() { buffer.reserveCapacity(chunk * 2) }

  /// Appends text, writing out whenever a chunk is full.
  mutating func write(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= chunk { flush() }
  }

  /// Writes out everything buffered.
  mutating func flush() {
    guard !buffer.isEmpty else { return }
    try? FileHandle.standardOutput.write(contentsOf: Data(buffer))
    buffer.removeAll(keepingCapacity: true)
  }
}
