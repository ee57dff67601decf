import Checker
import SMMUDriver

/// What `smmuscope bench --only check` measures: every walkthrough checked under both
/// designs, and how the checker's cost grows with streams.
package enum CheckBenchmark {
  /// Every built-in walkthrough checked under each design it is for: the reports.
  package static func walkthroughs() -> [CheckReport] {
    Walkthrough.all.flatMap { w in
      w.designs.map { CheckReport(w.scenario, design: $0, compact: nil) }
    }
  }

  /// Two devices with `streams` stream IDs between them, attached to one paging domain, then
  /// `operations` map/unmap lines on it. Every map/unmap stores into the domain's page table,
  /// so every stream is judged at every one; the operations do not depend on `streams`, so the
  /// checker's work is operations x streams.
  package static func scenario(streams: Int, operations: Int) -> String {
    var lines = ["smmu cache-invalid no", "smmu sid-bits 17", "domain d paging"]
    for m in 0..<2 {
      let sids = (0..<streams / 2).map { BenchmarkScenarios.hexString(8 + m * streams / 2 + $0) }
      lines.append("master m\(m) sid \(sids.joined(separator: ","))")
      lines.append("attach d m\(m)")
    }
    for i in 0..<operations {
      let iova = BenchmarkScenarios.hexString((0x100 + i / 2) << 12)
      lines.append(i % 2 == 0 ? "map d \(iova)" : "unmap d \(iova)")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
