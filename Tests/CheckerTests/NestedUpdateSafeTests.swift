import Checker
import SMMUDriver
import Scenario
import Testing

/// The `nested-update-safe` walkthrough under the writer without update-safe bits
/// (upstream-2026.md §1.10 and §3, S1): the switches between the nested and the S2 STE go
/// through V=0 where a hitless update exists, and the checker reports that C_BAD_STE window.
struct NestedUpdateSafeTests {
  static func report(_ mutations: [DriverMutation], invs: Bool = false) throws -> CheckReport {
    let w = try #require(Walkthrough.named("nested-update-safe"))
    let scenario = try ScenarioParser.parse("smmu cache-invalid no\n" + w.source, file: w.name)
    return CheckReport(scenario.injecting(mutations), design: .perMaster, compact: nil, invs: invs)
  }

  @Test(arguments: [false, true])
  func withoutSafeBitsTheSwitchIsTorn(invs: Bool) throws {
    #expect(try Self.report([], invs: invs).findings.isEmpty)
    let mutated = try Self.report([.noUpdateSafe], invs: invs)
    let torn = mutated.findings.filter { $0.kind == .torn }
    #expect(!torn.isEmpty, "\(mutated.text)")
    #expect(
      torn.allSatisfy {
        $0.master == "gpu" && $0.seen.contains("C_BAD_STE") && $0.point.contains("q0 of STE")
      })
    #expect(mutated.findings.allSatisfy { $0.kind == .torn })
  }

  /// A break the change needs stays allowed: moving the STE to another CD table and S1DSS at
  /// once (two critical qwords) passes through V=0 and is clean.
  @Test func aNeededBreakIsNotAFinding() throws {
    let text = """
      smmu cache-invalid no
      master gpu sid 0x10 ssid-bits 4
      domain a paging
      domain b paging
      map a 0x1000
      map b 0x1000
      attach a gpu
      attach b gpu
      """
    let s = try checked(text, design: .perMaster)
    let last = try #require(s.results.last?.trace)
    #expect(last.writes.contains { $0.target == .cd && $0.qword == 0 && $0.new == 0 })
    #expect(s.findings.isEmpty, "\(s.findings.map(\.kind))")
  }
}
