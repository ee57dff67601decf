import Foundation
import Scenario

/// Standard output written in large chunks (a report of a long scenario is tens of MB).
struct BufferedOutput {
  private var text = ReportText()
  private let chunk = 1 << 16

  init() { text.bytes.reserveCapacity(chunk * 2) }

  /// Appends text, writing out whenever a chunk is full.
  mutating func write(_ s: String) {
    text.add(s)
    if text.bytes.count >= chunk { flush() }
  }

  /// Appends one line's block of `run`'s text report.
  mutating func writeText(of r: StepResult) {
    RunReport.appendText(r, to: &text)
    if text.bytes.count >= chunk { flush() }
  }

  /// Writes out everything buffered.
  mutating func flush() {
    guard !text.bytes.isEmpty else { return }
    try? FileHandle.standardOutput.write(contentsOf: Data(text.bytes))
    text.bytes.removeAll(keepingCapacity: true)
  }
}
