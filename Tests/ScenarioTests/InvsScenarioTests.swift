import SMMUDriver
import Testing

@testable import Scenario

/// `design per-master invs`: the invalidation array through the scenario language, its
/// paths, the checker and compare's fourth column.
struct InvsScenarioTests {
  /// Two ATS devices share an S1 domain, one also binds an SVA domain at PASID 1; unmaps,
  /// then both leave. Every operation is checked.
  static let source = """
    design per-master invs
    smmu strtab linear sid-bits 8
    master a sid 0x10 ssid-bits 4 ats
    master b sid 0x20 ats
    domain d paging
    domain s sva mm p
    attach d a
    expect check clean
    attach d b
    expect check clean
    expect domain.d.invs == "S1_ASID 1 x2, ATS 0x10/0 x1, ATS 0x20/0 x1"
    expect domain.d.invs.count == 3
    attach s a pasid 1
    expect domain.s.invs == "S1_ASID 2 x1, ATS 0x10/1 x1"
    map d 0x1000
    dma a 0x1000
    dma b 0x1000
    unmap d 0x1000
    expect check clean
    map s 0x2000
    dma a pasid 1 0x2000
    unmap s 0x2000
    expect check clean
    detach a
    expect check clean
    expect domain.d.invs == "S1_ASID 1 x1, ATS 0x20/0 x1"
    expect domain.d.invs.trash == 0
    detach b
    expect check clean
    expect domain.d.invs == empty
    expect domain.d.invs.count == 0
    detach a pasid 1
    expect check clean
    expect domain.s.invs.count == 0
    """

  @Test func scenarioRunsCleanUnderTheChecker() throws {
    let scenario = try parsed(Self.source)
    let report = CheckReport(scenario, design: nil, compact: nil)
    #expect(report.label == "per-master+invs")
    #expect(report.findings.isEmpty, "\(report.text.prefix(2000))")
    let s = Session.run(scenario)
    #expect(s.options.invs)
    #expect(s.failures.isEmpty, "\(s.failures.map { "\($0.line): \($0.expectation!.message)" })")
    #expect(s.value(of: "errors") == "0")
  }

  /// A new domain's array is empty (I1); an unknown field or domain names nothing.
  @Test func pathsNameNothingWithoutADomain() throws {
    let s = try run("design per-master invs\ndomain d paging\n")
    #expect(s.value(of: "domain.d.invs") == "empty")
    #expect(s.value(of: "domain.d.invs.trash") == "0")
    #expect(s.value(of: "domain.d.invs.size") == nil)
    #expect(s.value(of: "domain.x.invs") == nil)
  }

  @Test func legacyInvsIsAParseError() {
    #expect(throws: ScenarioError.self) { try parsed("design legacy invs\n") }
    do {
      _ = try parsed("design legacy invs\n")
    } catch let error as ScenarioError {
      #expect(error.message.contains("per-master"))
    } catch {
      Issue.record("unexpected \(error)")
    }
    // Without the option, the design line and every output stay as they were.
    #expect(Session.run(try! parsed("design per-master compact\n")).options.label == "per-master+compact")
  }

  /// compare's fourth column runs the same scenario with the array: here only the unmap of a
  /// 2 MiB page run differs (one TLBI_NH_ASID instead of 512 TLBI_NH_VA).
  @Test func compareHasAnInvsColumn() throws {
    let c = Comparison(
      try parsed(
        """
        master a sid 0x10
        domain d paging
        attach d a
        map d 0x401000 size 0x200000 pa 0x90001000
        unmap d 0x401000 size 0x200000
        """))
    #expect(c.labels == ["legacy", "per-master", "per-master+compact", "per-master+invs"])
    func row(_ label: String) -> [String]? { c.rows.first { $0.0 == label }?.1 }
    #expect(row("TLBI_NH_VA") == ["512", "512", "512", "0"])
    #expect(row("TLBI_NH_ASID")?.last == "1")
    #expect(row("failed expects") == ["0", "0", "0", "0"])
  }
}
