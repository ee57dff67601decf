/// Generated scenarios of one repeated shape, for checking that `run` time grows linearly
/// with the number of lines (`smmuscope bench --only linearity`).
package enum LinearityShape: String, Sendable, CaseIterable {
  /// Consecutive `expect` lines after one action.
  case expects
  /// A new paging domain attached to a master, over and over (each takes an ASID).
  case attaches
  /// `master` lines, one SID each.
  case masters
  /// A RID attach and detach, alternating, on a few masters and domains.
  case churn

  /// A scenario of exactly `lines` lines of this shape (a short set-up included).
  package func scenario(lines count: Int) -> String {
    var lines: [String] = []
    lines.reserveCapacity(count + 1)
    switch self {
    case .expects:
      lines += ["master m0 sid 0x8", "domain d0 paging", "attach d0 m0"]
      var i = 0
      while lines.count < count {
        lines.append(i % 2 == 0 ? "expect errors == 0" : "expect last.syncs >= 1")
        i += 1
      }
    case .attaches:
      lines += ["smmu sid-bits 17", "master m0 sid 0x8", "master m1 sid 0x9"]
      var i = 0
      while lines.count < count {
        lines.append("domain d\(i) paging")
        lines.append("attach d\(i) m\(i % 2)")
        i += 1
      }
    case .masters:
      lines.append("smmu sid-bits 17")
      var i = 0
      while lines.count < count {
        lines.append("master m\(i) sid \(BenchmarkScenarios.hexString(i))")
        i += 1
      }
    case .churn:
      lines += [
        "master m0 sid 0x8", "master m1 sid 0x9 ats", "domain d0 paging", "domain d1 paging", "map d0 0x1000",
      ]
      var i = 0
      while lines.count < count {
        let m = "m\(i % 2)"
        lines.append("attach d\((i / 2) % 2) \(m)")
        lines.append("detach \(m)")
        i += 1
      }
    }
    return lines.prefix(count).joined(separator: "\n") + "\n"
  }
}
