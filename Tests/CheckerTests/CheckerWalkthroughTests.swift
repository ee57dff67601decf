import Checker
import SMMUDriver
import Scenario
import Testing

/// Every built-in walkthrough under both designs, compact CD tables on and off: clean except
/// what it exists to show and what docs/checker.md decides (the table there).
@Suite struct CheckerWalkthroughTests {
  /// The finding kinds each walkthrough shows under `smmu cache-invalid no`, by design.
  static func expected(_ walkthrough: String, _ design: DriverDesign) -> Set<String> {
    switch (walkthrough, design) {
    case ("missing-invalidation", _): ["stale", "unsynced"]
    case ("sva-leak", .legacy): ["isolation"]
    case ("hitless-update", .legacy), ("vfio-s2", .legacy), ("group", .legacy), ("freeing-tables", .legacy),
      ("ats-invalidation-order", .legacy):
      ["torn"]
    default: []
    }
  }

  static let cases: [(String, DriverDesign, Bool)] = Walkthrough.all.flatMap { w in
    w.designs.flatMap { d in [false, true].map { (w.name, d, $0) } }
  }

  @Test(arguments: cases)
  func findingsAreWhatTheWalkthroughShows(name: String, design: DriverDesign, compact: Bool) throws {
    let w = try #require(Walkthrough.named(name))
    let qemu = try ScenarioParser.parse("smmu cache-invalid no\n" + w.source, file: name)
    let clean = CheckReport(qemu, design: design, compact: compact)
    #expect(Set(clean.findings.map(\.kind.rawValue)) == Self.expected(name, design), "\(clean.text)")
    // The default caches invalid structures: the one further finding is Linux's new L1
    // stream-table descriptor without CFGI_STE Leaf=0 (docs/checker.md, decision 1).
    let report = CheckReport(w.scenario, design: design, compact: compact)
    let extra = report.findings.filter { f in
      !clean.findings.contains { $0.kind == f.kind && $0.master == f.master && $0.seen == f.seen }
    }
    // l2-visibility sets `smmu cache-invalid no` itself.
    #expect(extra.count == (name == "l2-visibility" ? 0 : 1), "\(report.text)")
    #expect(
      extra.allSatisfy {
        $0.kind == .stale && $0.cache.hasPrefix("L1STD [") && $0.missing?.hasPrefix("CFGI_STE leaf 0") == true
      })
  }

  @Test func svaLeakReportIsTheIsolationUnderLegacyAndCleanUnderPerMaster() throws {
    let w = try #require(Walkthrough.named("sva-leak"))
    let scenario = try ScenarioParser.parse("smmu cache-invalid no\n" + w.source, file: "sva-leak")
    let legacy = CheckReport(scenario, design: .legacy, compact: nil)
    #expect(
      legacy.text.contains("isolation  line ")
        && legacy.text.contains("allowed  no domain attached at this SSID"))
    let perMaster = CheckReport(scenario, design: .perMaster, compact: nil)
    #expect(perMaster.text.hasSuffix("clean: no finding\n"))
    let json = legacy.json.rendered()
    for key in [
      "\"findings\":[{\"kind\":\"isolation\",\"line\":", "\"point\":", "\"sid\":40,", "\"ssid\":5,",
      "\"cache\":", "\"seen\":", "\"allowed\":[", "\"operations\":", "\"points\":", "\"streams\":",
      "\"outcomes\":",
    ] {
      #expect(json.contains(key), "\(key) in \(json)")
    }
  }
}
