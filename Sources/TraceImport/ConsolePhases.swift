import Foundation
import SMMUModel
import Scenario

/// The phases of a traced run, from the guest console stamped with the host clock
/// (`[host SECONDS] ...`, the clock of the trace).
///
/// A phase starts at each `=== MARK: LABEL` line (the label is cut at its first `": "`, so
/// `DMA read start: dd if=...` is `DMA read start`), and at the first console line of two
/// kernel milestones: the arm-smmu-v3 probe (`kernel: arm-smmu-v3 probe`) and each device's
/// `Adding to iommu group N` (`kernel: DEVICE -> iommu group N`).
package struct ConsolePhases: Sendable {
  /// One phase start.
  package struct Mark: Sendable, Hashable {
    package let time: Double
    package let label: String
  }

  /// Label of events before the first mark.
  package static let beforeFirstMark = "(before first mark)"

  /// Phase starts in time order.
  package let marks: [Mark]

  package init(marks: [Mark]) { self.marks = marks.sorted { $0.time < $1.time } }

  /// Parses console text.
  package init(text: String) {
    var marks: [Mark] = []
    var seen: Set<String> = []
    for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
      guard raw.hasPrefix("[host "), let close = raw.firstIndex(of: "]") else { continue }
      guard let t = Double(raw[raw.index(raw.startIndex, offsetBy: 6)..<close]) else { continue }
      let body = raw[raw.index(after: close)...].trimmingCharacters(in: .whitespaces)
      var label: String?
      if let r = body.range(of: "=== MARK: ") {
        let text = body[r.upperBound...]
        label = text.range(of: ": ").map { String(text[..<$0.lowerBound]) } ?? String(text)
      } else if body.contains("arm-smmu-v3 ") && body.contains(": ") {
        label = "kernel: arm-smmu-v3 probe"
      } else if let r = body.range(of: ": Adding to iommu group ") {
        // "[    1.677290] virtio-pci 0000:00:01.0: Adding to iommu group 0"
        var device = body[..<r.lowerBound]
        if let k = device.firstIndex(of: "]") { device = device[device.index(after: k)...] }
        label =
          "kernel: \(device.trimmingCharacters(in: .whitespaces)) -> iommu group \(body[r.upperBound...])"
      }
      guard let label else { continue }
      // Kernel lines recur when dmesg is replayed; a milestone starts a phase only once.
      if label.hasPrefix("kernel: ") {
        guard !seen.contains(label) else { continue }
        seen.insert(label)
      }
      marks.append(Mark(time: t, label: label))
    }
    self.init(marks: marks)
  }

  /// Reads a console log; nil when the file does not exist.
  package static func load(_ path: String) throws(ImportError) -> ConsolePhases? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let text = try QEMUTrace.readText(path)
    return ConsolePhases(text: text)
  }

  /// The phase an event at `time` belongs to.
  package func phase(at time: Double?) -> String {
    guard let time else { return Self.beforeFirstMark }
    var lo = 0
    var hi = marks.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if marks[mid].time <= time { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? Self.beforeFirstMark : marks[lo - 1].label
  }
}
