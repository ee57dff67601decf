import Checker
import SMMUDriver

/// What `smmuscope bench --only check` measures: every walkthrough checked under both
/// designs, and how the checker's cost grows with streams.
package enum CheckBenchmark {
  /// Every built-in walkthrough checked under legacy and per-master: the reports.
  package static func walkthroughs() -> [CheckReport] {
    Walkthrough.all.flatMap { w in
      [DriverDesign.legacy, .perMaster].map { CheckReport(w.scenario, design: $0, compact: nil) }
    }
  }

  /// `masters` devices attached to one paging domain, then `operations` map/unmap lines on it:
  /// every operation stores into the domain's page table, so every stream is judged at every
  /// one (the checker's work is operations x streams).
  package static func scenario(masters: Int, operations: Int) -> String {
    var lines = ["smmu cache-invalid no", "smmu sid-bits 17", "domain d paging"]
    for i in 0..<masters { lines.append("master m\(i) sid \(BenchmarkScenarios.hexString(i + 8))") }
    for i in 0..<masters { lines.append("attach d m\(i)") }
    for i in 0..<operations {
      let iova = BenchmarkScenarios.hexString((0x100 + i / 2) << 12)
      lines.append(i % 2 == 0 ? "map d \(iova)" : "unmap d \(iova)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
