import SMMUDriver

/// `smmuscope sweep`: what each design costs as the system grows. For each point (N masters,
/// P PASIDs each) a standard workload runs under legacy, per-master and per-master+compact,
/// and six figures are read from the session with the same paths `expect` uses.
package struct Sweep: Sendable {
  /// One measured figure.
  package struct Metric: Sendable, Hashable {
    package let label: String
    /// The `expect` path that reads it.
    package let path: String
  }

  /// The figures a sweep reports, in order.
  package static let metrics = [
    Metric(label: "CD-table bytes", path: "cd-table-bytes"),
    Metric(label: "stream-table bytes", path: "memory.stream-table-bytes"),
    Metric(label: "CD writes", path: "cd-writes"),
    Metric(label: "syncs", path: "syncs"),
    Metric(label: "CFGI_CD commands", path: "commands.CFGI_CD"),
    Metric(label: "CD fetches", path: "cd-fetches"),
  ]

  /// What the workload does, for `--help` and the README.
  package static let workloadDescription = """
    The workload at a point (N masters, P PASIDs): an SMMU with 16 SID bits and 20 SSID bits;
    one paging domain with one page mapped; N masters (SIDs 0x100 on; 20 SSID bits when P > 0,
    none otherwise) all attached to that domain; then each master binds P processes by SVA, at
    PASIDs numbered from 1 across all masters (an SVA domain per process, one page mapped);
    last, each master issues one DMA without a PASID and one at each of its PASIDs.
    """

  /// One point of the sweep and its figures: `values[metric][configuration]`.
  package struct Point: Sendable {
    package let masters: Int
    package let pasids: Int
    package let values: [[Int]]
  }

  package let configurations: [DriverOptions]
  package let points: [Point]

  /// Runs the workload at every (masters, pasids) pair, PASID counts outermost.
  package init(masters: [Int], pasids: [Int], configurations: [DriverOptions] = Sweep.defaultConfigurations) {
    self.configurations = configurations
    var points: [Point] = []
    for p in pasids {
      for n in masters {
        let scenario = try? ScenarioParser.parse(Self.workload(masters: n, pasids: p), file: "sweep")
        let sessions = configurations.map { o in
          scenario.map { Session.run($0, design: o.design, compact: o.compactCDTables) }
        }
        let values = Self.metrics.map { m in sessions.map { Int($0?.value(of: m.path) ?? "") ?? 0 } }
        points.append(Point(masters: n, pasids: p, values: values))
      }
    }
    self.points = points
  }

  /// Compare's configurations but the invalidation array's (it changes no table memory).
  package static let defaultConfigurations = Comparison.configurations.filter { !$0.2 }.map {
    DriverOptions(design: $0.0, compactCDTables: $0.1)
  }

  /// The workload as scenario text.
  package static func workload(masters n: Int, pasids p: Int) -> String {
    var lines = ["smmu sid-bits 16 ssid-bits 20", "domain shared paging", "map shared 0x10000"]
    for i in 0..<n {
      lines.append("master m\(i) sid 0x\(String(0x100 + i, radix: 16))" + (p > 0 ? " ssid-bits 20" : ""))
    }
    for i in 0..<n { lines.append("attach shared m\(i)") }
    for i in 0..<n {
      for j in 0..<p {
        let pasid = 1 + i * p + j
        lines += [
          "domain sva\(pasid) sva mm mm\(pasid)", "map sva\(pasid) 0x400000",
          "attach sva\(pasid) m\(i) pasid \(pasid)",
        ]
      }
    }
    for i in 0..<n {
      lines.append("dma m\(i) 0x10000")
      for j in 0..<p { lines.append("dma m\(i) pasid \(1 + i * p + j) 0x400000") }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A text table: one row per point, one column per metric and configuration.
  package var text: String {
    var out =
      "masters pasids  metric                " + configurations.map { padded($0.label, 20) }.joined() + "\n"
    for p in points {
      for (k, m) in Self.metrics.enumerated() {
        out +=
          padded(String(p.masters), 7) + " " + padded(String(p.pasids), 6) + "  "
          + padded(m.label, 20, right: false)
          + p.values[k].map { padded(String($0), 20) }.joined() + "\n"
      }
    }
    return out
  }

  /// One JSON object: `{"metrics": [...], "configurations": [...], "points": [{"masters",
  /// "pasids", "values": {METRIC: {CONFIGURATION: N}}}]}`.
  package var json: String {
    let labels = configurations.map(\.label)
    let pts: [JSON] = points.map { p in
      .object([
        ("masters", .int(p.masters)), ("pasids", .int(p.pasids)),
        (
          "values",
          .object(
            zip(Self.metrics, p.values).map { m, v in (m.path, .object(zip(labels, v).map { ($0, .int($1)) }))
            })
        ),
      ])
    }
    return JSON.object([
      ("metrics", .array(Self.metrics.map { .string($0.path) })),
      ("configurations", .array(labels.map { .string($0) })),
      ("points", .array(pts)),
    ]).rendered()
  }
}
