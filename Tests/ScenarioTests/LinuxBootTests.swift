import Foundation
import SMMUDriver
import SMMUModel
import Testing

@testable import Scenario

/// The examples that reproduce a Linux boot on QEMU's SMMUv3, and the pieces they rest on:
/// no command at a master's probe, `flush`, `oas`, raw qword paths and `step.commands`.
@Suite struct LinuxBootTests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

  @Test(arguments: ["linux-6.1-boot.scn", "linux-6.12-boot.scn"])
  func exampleMeetsItsExpectations(file: String) throws {
    let text = try String(contentsOf: Self.examples.appendingPathComponent(file), encoding: .utf8)
    let s = Session.run(try parsed(text, file: file))
    let failed = s.failures.map { "\($0.line): \($0.expectation?.message ?? "")" }
    #expect(failed.isEmpty, "\(failed)")
    let expectations = s.results.filter { $0.expectation != nil }.count
    #expect(expectations >= 25)
    #expect(s.totals.errors == 0)
  }

  @Test(arguments: DriverDesign.allCases)
  func probingAMasterIssuesNoCommand(design: DriverDesign) throws {
    // Linux stores the new L2 table's L1 descriptor with no CFGI_STE and no sync.
    let s = try run("master a sid 0x8\nexpect last.commands == 0\n", design: design)
    #expect(s.failures.isEmpty)
    #expect(s.totals.commands.isEmpty)
    #expect(s.driver.smmu.memory.occupiedBytes(.streamTable) > 0)
  }

  @Test func legacyFlushOfANeverAttachedDomainIssuesNothing() throws {
    let s = try run("design legacy\ndomain d paging\nflush d\nexpect last.commands == 0\n")
    #expect(s.failures.isEmpty)
  }

  @Test func perMasterDomainsAreFinalisedAtAllocation() throws {
    let s = try run(
      """
      design per-master
      domain a paging
      domain b s2
      expect domain.a.asid == 1
      expect domain.b.vmid == 1
      flush a
      expect last.commands.TLBI_NH_ASID == 1
      expect last.commands.CMD_SYNC == 1
      flush b
      expect last.commands.TLBI_S12_VMALL == 1
      """)
    #expect(s.failures.map(\.text) == [])
  }

  @Test func flushReachesTheATCOfATSMasters() throws {
    let s = try run("master n sid 0x10 ats\ndomain d paging\nattach d n\nflush d\n")
    let last = try #require(s.results.last?.trace)
    #expect(last.commandCounts["ATC_INV"] == 1)
    #expect(last.commandCounts["TLBI_NH_ASID"] == 1)
  }

  @Test func identityDomainsHaveNothingToFlush() throws {
    let s = try run("domain i identity\nflush i\nexpect last.commands == 0\n")
    #expect(s.failures.isEmpty)
    #expect(s.totals.errors == 0)
  }

  @Test(arguments: [(44, UInt64(4)), (48, 5), (52, 6), (32, 0)])
  func outputAddressSizeSetsIPSAndS2PS(bits: Int, encoding: UInt64) throws {
    let s = try run(
      "design per-master\nsmmu oas \(bits)\nmaster m sid 1\nmaster v sid 2\ndomain d paging\ndomain s s2\n"
        + "attach d m\nattach s v\n")
    #expect(s.totals.errors == 0)
    let cd = try #require(
      s.cdTables.first { $0.owner == "m" }.flatMap { s.driver.cd(table: $0.table, ssid: 0) })
    #expect(cd[ContextDescriptor.ips] == encoding)
    let ste = try #require(s.driver.ste(sid: 2))
    #expect(ste[StreamTableEntry.vtcrPS] == encoding)
    #expect(ste[StreamTableEntry.vtcrT0SZ] == UInt64(64 - max(bits, 32)))
  }

  @Test func oasMustBeAnArchitecturalSize() {
    #expect(throws: ScenarioError.self) { try parsed("smmu oas 45\n") }
  }

  @Test func rawQwordPaths() throws {
    let s = try run(
      """
      design legacy
      master m sid 0x8
      domain d paging
      attach d m
      expect ste.0x8.q1 != 0
      expect ste.0x8.q7 == 0
      expect cd.d.0.q3 == 0xfffffffff404ff44
      """)
    #expect(s.failures.isEmpty)
    let ste = try #require(s.driver.ste(sid: 8))
    #expect(s.value(of: "ste.0x8.q0") == hex(ste.qwords[0], digits: 16))
    #expect(s.value(of: "ste.0x8.q8") == nil)
    #expect(s.value(of: "cd.d.0.qx") == nil)
  }

  @Test func stepCommandsCountFromTheStepAndIncludeTheReset() throws {
    let s = try run(
      """
      step "reset"
      smmu sid-bits 8
      expect step.commands == 4
      expect step.commands.cmd_sync == 2
      step "next"
      expect step.commands == 0
      master m sid 1
      domain d paging
      attach d m
      expect step.commands.CFGI_STE == 2
      """)
    #expect(s.failures.map(\.text) == [])
    #expect(s.value(of: "step.commands.NO_SUCH_COMMAND") == nil)
  }
}
