import SMMUDriver
import SMMUModel
import Testing

@testable import Scenario

/// `begin`/`end` operations and the pending-invalidation paths.
struct OperationGroupTests {
  /// Every expectation ran and held.
  func expectAllPass(_ s: Session, count: Int, _ where_: SourceLocation = #_sourceLocation) {
    #expect(s.results.compactMap(\.expectation).count == count, sourceLocation: where_)
    #expect(s.failures.map { "\($0.line): \($0.expectation?.message ?? "")" } == [], sourceLocation: where_)
  }

  static let setup = """
    design per-master
    master m sid 8 ssid-bits 4
    domain d paging
    attach d m

    """

  @Test func parseErrorsOfBeginAndEnd() {
    let p = ParserTests()
    p.check("begin \"a\"\nbegin \"b\"\nend", line: 2, column: 1, "operations do not nest")
    p.check("say \"x\"\nend", line: 2, column: 1, "end without begin")
    p.check("begin \"a\"\nend\nend", line: 3, column: 1, "end without begin")
    p.check("say \"x\"\nbegin \"a\"\nsay \"y\"", line: 3, column: 1, "begun at line 2: missing 'end'")
    p.check("begin a", line: 1, column: 8, "quoted name")
    p.check("legacy: begin \"a\"\nend", line: 1, column: 9, "takes no prefix")
    #expect(p.failure("begin \"a\"\nend\nbegin \"b\"\nend") == nil)
  }

  @Test func rawCommandsLeaveInvalidationsPendingUntilASync() throws {
    let s = try run(
      """
      master m sid 1
      expect pending-invalidations == 0
      expect last.pending-invalidations == 0
      cmd CFGI_STE sid 1
      expect pending-invalidations == 1
      expect last.pending-invalidations == 1
      cmd SYNC
      expect pending-invalidations == 0
      expect last.pending-invalidations == 0
      """)
    expectAllPass(s, count: 6)
    #expect(s.driver.smmu.invalidationsLeftPending == 1)
  }

  @Test func heldCommandsAreNotPending() throws {
    let s = try run(
      """
      smmu stage1 off
      master m sid 1
      cmd CFGI_STE sid 1
      cmd TLBI_EL2_ALL
      cmd TLBI_NSNH_ALL
      expect cmdq.held == 2
      expect pending-invalidations == 1
      ack cmdq
      expect pending-invalidations == 1
      """)
    expectAllPass(s, count: 3)
  }

  /// A raw CD store with its CFGI_CD and CMD_SYNC is one operation: `last.*` and `expect`
  /// after `end` see the group, lines inside it see themselves.
  @Test func aGroupIsOneOperation() throws {
    let s = try run(
      Self.setup + """
        begin "store CD 0 q3"
        write cd m 0 3 0
        cmd CFGI_CD sid 8 ssid 0
        expect last.commands == 1
        expect last.pending-invalidations == 1
        cmd SYNC
        end
        expect last.commands == 2
        expect last.cd-writes == 1
        expect last.syncs == 1
        expect last.pending-invalidations == 0
        expect pending-invalidations == 0
        """)
    expectAllPass(s, count: 7)
    #expect(s.driver.smmu.invalidationsLeftPending == 0)
  }

  @Test func aGroupWithoutItsSyncLeavesTheInvalidationPending() throws {
    let s = try run(
      Self.setup + """
        begin "store CD 0 q3"
        write cd m 0 3 0
        cmd CFGI_CD sid 8 ssid 0
        end
        expect last.commands == 1
        expect last.pending-invalidations == 1
        cmd SYNC
        expect last.pending-invalidations == 0
        """)
    expectAllPass(s, count: 3)
    #expect(s.driver.smmu.invalidationsLeftPending == 1)
  }

  /// Events and hazards of every line of a group are the group's.
  @Test func expectAfterEndSeesTheWholeGroup() throws {
    let s = try run(
      Self.setup + """
        map d 0x1000
        begin "break the STE"
        write ste 8 0 0
        cmd CFGI_STE sid 8
        cmd SYNC
        dma m 0x1000
        expect event C_BAD_STE
        say "nothing"
        end
        expect event C_BAD_STE
        expect last.commands == 2
        expect last.ste-writes == 1
        """)
    expectAllPass(s, count: 4)
  }

  /// Lines typed one at a time (the explorer's `:` line) group the same way.
  @Test func typedLinesFormAGroup() throws {
    var s = Session()
    try s.execute(source: "master m sid 1")
    try s.execute(source: "begin \"by hand\"")
    #expect(throws: ScenarioError.self) { try s.execute(source: "begin \"again\"") }
    try s.execute(source: "cmd CFGI_STE sid 1")
    try s.execute(source: "cmd TLBI_NSNH_ALL")
    try s.execute(source: "end")
    #expect(s.value(of: "last.commands") == "2")
    #expect(s.value(of: "last.pending-invalidations") == "2")
    #expect(throws: ScenarioError.self) { try s.execute(source: "end") }
  }

  /// The driver always syncs: every driver operation of every walkthrough, under both
  /// designs, compact and paged, ends with no invalidation pending. Raw `write`/`cmd` lines
  /// are the walkthrough's own hand-written steps (a raw CFGI whose CMD_SYNC is the next
  /// line), not the driver's; each walkthrough still ends with nothing pending.
  @Test(arguments: Walkthrough.all.map(\.name))
  func walkthroughOperationsLeaveNothingPending(name: String) throws {
    let w = try #require(Walkthrough.named(name))
    for design in w.designs {
      for compact in [false, true] {
        var s = Session(design: design, compact: compact, file: name)
        var operations = 0
        for line in w.scenario.lines {
          s.execute(line)
          guard line.command.isAction, s.results.last?.line == line.line,
            !["write", "cmd"].contains(line.command.verbName)
          else { continue }
          operations += 1
          #expect(
            s.value(of: "pending-invalidations") == "0",
            "\(name) \(design) compact=\(compact) line \(line.line): \(line.text)")
        }
        #expect(operations > 0)
        #expect(s.driver.smmu.pendingInvalidations.isEmpty, "\(name) \(design) compact=\(compact)")
      }
    }
  }
}
