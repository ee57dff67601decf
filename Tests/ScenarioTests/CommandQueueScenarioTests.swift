import SMMUModel
import Testing

@testable import SMMUDriver
@testable import Scenario

/// `cmd` with every operand, the command queue's error semantics, `ack cmdq`, SYNC MSIs and
/// stalls, from scenarios (smmuv3-hardware.md §10 items 13-19).
struct CommandQueueScenarioTests {
  /// Outcomes of the `expect` lines, in order.
  func outcomes(_ s: Session) -> [Bool] { s.results.compactMap { $0.expectation?.passed } }

  /// Every expectation ran and held.
  func expectAllPass(_ s: Session, count: Int, _ where_: SourceLocation = #_sourceLocation) {
    #expect(outcomes(s).count == count, sourceLocation: where_)
    #expect(s.failures.map { "\($0.line): \($0.expectation?.message ?? "")" } == [], sourceLocation: where_)
  }

  static let setup = """
    master m sid 8
    domain d paging
    map d 0x1000 size 0x3000
    attach d m
    dma m 0x1000
    dma m 0x2000
    dma m 0x3000
    expect tlb.entries == 3

    """

  @Test func rangeOperandsParseIntoTheCommand() throws {
    let s = try parsed("cmd tlbi_nh_va asid 3 addr 0x4000 leaf 0 num 2 scale 1 tg 2 ttl 3 vmid 5")
    guard case .command(let raw) = s.lines[0].command else { throw ParseFailure() }
    #expect(
      raw.commands == [
        .tlbiNHVA(
          vmid: 5, asid: 3, address: 0x4000, leaf: false, range: TLBIRange(num: 2, scale: 1, tg: 2, ttl: 3))
      ])
    let ipa = try parsed("cmd TLBI_S2_IPA vmid 2 addr 0x8000 num 1 tg 1")
    guard case .command(let r2) = ipa.lines[0].command else { throw ParseFailure() }
    #expect(
      r2.commands == [
        .tlbiS2IPA(vmid: 2, address: 0x8000, leaf: true, range: TLBIRange(num: 1, scale: 0, tg: 1))
      ])
    // TG 0: one address, the range operands are not encoded.
    let one = try parsed("cmd TLBI_NH_VAA addr 0x8000 num 1")
    guard case .command(let r3) = one.lines[0].command else { throw ParseFailure() }
    #expect(r3.commands == [.tlbiNHVAA(vmid: 0, address: 0x8000, leaf: true, range: nil)])
  }

  struct ParseFailure: Error {}

  /// Item 14: the range removes exactly its pages.
  @Test func rangeTLBIRemovesExactlyItsPages() throws {
    let s = try run(
      Self.setup + """
        cmd TLBI_NH_VA asid 1 addr 0x2000 num 1 scale 0 tg 1 ttl 3
        expect tlb.entries == 1
        dma m 0x1000
        expect dma.served == TLB
        dma m 0x3000
        expect dma.served == walk
        """)
    expectAllPass(s, count: 4)
  }

  @Test func rangeTLBIWithNothingInItIsIllegal() throws {
    let s = try run(
      Self.setup + """
        cmd TLBI_NH_VA asid 1 addr 0x1000 tg 2
        expect cmdq.error == ILL
        expect tlb.entries == 3
        """)
    expectAllPass(s, count: 3)
  }

  /// Item 16: earlier commands take effect, the illegal one and everything after it (a SYNC
  /// included) wait; `ack cmdq` overwrites it with a CMD_SYNC and the rest run.
  @Test func illegalCommandHoldsTheQueueUntilAck() throws {
    var s = try run(Self.setup)
    s.driver.smmu.keepsCommandLog = true
    let lines = """
      cmd TLBI_NH_VA asid 1 addr 0x1000
      cmd TLBI_EL2_ALL
      expect cmdq.error == ILL
      expect cmdq.held == 1
      expect tlb.entries == 2
      cmd TLBI_NH_VA asid 1 addr 0x2000
      cmd SYNC
      expect cmdq.held == 3
      expect tlb.entries == 2
      ack cmdq
      expect cmdq.error == none
      expect cmdq.held == 0
      expect tlb.entries == 1
      """
    for line in lines.split(separator: "\n") { try s.execute(source: String(line)) }
    expectAllPass(s, count: 9)
    let ack = try #require(s.results.first { $0.text == "ack cmdq" }?.trace)
    #expect(
      ack.items.contains {
        if case .note(let n) = $0 { n.description.contains("3 held command(s) consumed") } else { false }
      })
    // The illegal TLBI_EL2_ALL became a CMD_SYNC.
    #expect(
      s.driver.smmu.commandLog == [
        .tlbiNHVA(vmid: 0, asid: 1, address: 0x1000, leaf: true, range: nil), .sync,
        .tlbiNHVA(vmid: 0, asid: 1, address: 0x2000, leaf: true, range: nil), .sync,
      ])
  }

  @Test func consPointsAtTheFaultingCommand() throws {
    var s = try run(Self.setup)
    let cons = s.driver.smmu.commandQueue.cons
    try s.execute(source: "cmd TLBI_EL2_ASID asid 1")
    try s.execute(source: "cmd SYNC")
    #expect(s.value(of: "cmdq.cons") == String(cons))
    try s.execute(source: "ack cmdq")
    #expect(s.value(of: "cmdq.cons") == String(cons + 2))
  }

  /// The driver model never leaves its own commands held: waiting on its CMD_SYNC, Linux's
  /// GERROR handler skips the bad command.
  @Test func driverSyncBehindAnErrorRunsTheGERRORHandler() throws {
    let s = try run(
      """
      master m sid 8
      domain d paging
      map d 0x1000
      cmd TLBI_EL2_VA asid 1 addr 0x1000
      expect cmdq.held == 1
      attach d m
      expect cmdq.error == none
      expect cmdq.held == 0
      dma m 0x1000
      expect dma == 0x80001000
      """)
    expectAllPass(s, count: 4)
    let attach = try #require(s.results.first { $0.text == "attach d m" }?.trace)
    #expect(
      attach.items.contains {
        if case .note(let n) = $0 { n.description.hasPrefix("CMDQ error: CERROR_ILL") } else { false }
      })
  }

  /// Item 17, one row each: the command is CERROR_ILL without the feature, legal with it.
  @Test(arguments: [
    ("stage1", "cmd CFGI_CD sid 8"), ("stage1", "cmd CFGI_CD_ALL sid 8"), ("stage1", "cmd TLBI_NH_ALL"),
    ("stage1", "cmd TLBI_NH_ASID asid 1"), ("stage1", "cmd TLBI_NH_VA asid 1 addr 0x1000"),
    ("stage1", "cmd TLBI_NH_VAA addr 0x1000"), ("stage2", "cmd TLBI_S12_VMALL vmid 1"),
    ("stage2", "cmd TLBI_S2_IPA vmid 1 addr 0x1000"), ("hyp", "cmd TLBI_EL2_ALL"),
    ("hyp", "cmd TLBI_EL2_ASID asid 1"), ("hyp", "cmd TLBI_EL2_VA asid 1 addr 0x1000"),
    ("ats", "cmd ATC_INV sid 8"), ("stall", "cmd RESUME sid 8 stag 0 retry"),
    ("stall", "cmd STALL_TERM sid 8"),
  ])
  func absentFeatureRow(_ feature: String, _ line: String) throws {
    let without = try run("smmu \(feature) off\n\(line)\nexpect cmdq.error == ILL\nexpect cmdq.held == 1\n")
    expectAllPass(without, count: 2)
    let with = try run(
      "smmu \(feature) \(feature == "stall" ? "on" : "on")\n\(line)\nexpect cmdq.error == none\n")
    expectAllPass(with, count: 1)
  }

  /// Item 17: CS=0b11, reserved opcodes and SSec=1.
  @Test(arguments: [
    "cmd SYNC cs reserved", "cmd RAW q0 0x3f q1 0", "cmd RAW q0 0x446 q1 0", "cmd RAW q0 0x41",
  ])
  func malformedCommandIsIllegal(_ line: String) throws {
    let s = try run("\(line)\nexpect cmdq.error == ILL\n")
    expectAllPass(s, count: 1)
  }

  @Test func legalRawAndSyncForms() throws {
    let s = try run(
      """
      cmd RAW q0 0x0fc02046 q1 0
      cmd RAW q0 0x02
      cmd SYNC cs none
      cmd SYNC cs sev
      expect cmdq.error == none
      expect last.commands.CMD_SYNC == 1
      """)
    expectAllPass(s, count: 2)
  }

  /// Item 18: CS=IRQ with an MSI address stores MSIData there (32 bits) before the sync
  /// completes.
  @Test func syncWithMSIStoresTheData() throws {
    var s = try run("smmu strtab linear sid-bits 6\nexpect cmdq.msi == none\n")
    let slot = try #require(s.driver.streamTable.steAddress(63)) + 56
    try s.execute(source: "cmd SYNC cs irq msiaddr \(hex(slot + 4)) msidata 0xcafe")
    #expect(try s.driver.smmu.read(slot) == 0xCAFE_0000_0000)
    #expect(s.value(of: "cmdq.msi") == "\(hex(slot + 4))=0xcafe")
    try s.execute(source: "cmd SYNC cs sev msiaddr \(hex(slot)) msidata 0x1")
    #expect(try s.driver.smmu.read(slot) == 0xCAFE_0000_0000, "no MSI without cs irq")
    expectAllPass(s, count: 1)
  }

  @Test func msiToNoMemoryIsNotedAndTheSyncCompletes() throws {
    let s = try run(
      """
      cmd SYNC cs irq msiaddr 0x1000 msidata 5
      expect cmdq.msi == 0x1000=0x5,aborted
      expect last.syncs == 1
      """)
    expectAllPass(s, count: 2)
    let line = try #require(s.results.first?.trace)
    #expect(
      line.items.contains {
        if case .note(let n) = $0 { n.description.hasPrefix("MSI 0x5 -> 0x1000 (aborted") } else { false }
      })
  }

  /// The run's sync total is read from its command counts: both forms of CMD_SYNC count.
  @Test func runTotalsCountBothFormsOfSync() throws {
    let s = try run(
      """
      cmd SYNC
      cmd SYNC cs irq msiaddr 0x1000 msidata 5
      cmd CFGI_STE sid 8
      """)
    #expect(s.totals.syncs == 2)
    #expect(s.totals.commands["CMD_SYNC"] == 2)
    #expect(s.totals.commands["CFGI_STE"] == 1)
  }

  /// With Hyp the driver's reset invalidates EL2 entries first, as `arm_smmu_device_reset`.
  @Test func hypResetIssuesTLBIEL2All() throws {
    // The reset is all the new driver's SMMU consumed (its command log is off: the counts).
    let hyp = try run("smmu hyp on")
    #expect(
      hyp.driver.smmu.counters.commands == [
        "CFGI_ALL": 1, "TLBI_EL2_ALL": 1, "TLBI_NSNH_ALL": 1, "CMD_SYNC": 3,
      ])
    let plain = try run("smmu hyp off")
    #expect(plain.driver.smmu.counters.commands == ["CFGI_ALL": 1, "TLBI_NSNH_ALL": 1, "CMD_SYNC": 2])
  }

  @Test func badOperandsAreParseErrors() {
    for line in [
      "cmd SYNC cs loud", "cmd TLBI_NH_VA tg 4", "cmd TLBI_NH_VA num 32", "cmd SYNC msiaddr 0x1001",
      "cmd RESUME sid 8 stag 0x10000", "cmd TLBI_NH_VA bogus 1", "ack", "ack everything",
      "smmu stall sometimes",
      "smmu hyp maybe",
    ] {
      #expect((try? parsed(line)) == nil, "\(line)")
    }
  }

  static let stallSetup = """
    master m sid 8 stall
    master n sid 9
    domain d paging
    domain e paging
    map d 0x1000
    map e 0x1000
    attach d m
    attach e n

    """

  /// Item 19: a stall-enabled master's fault stalls with an STAG; RESUME retry re-translates,
  /// abort terminates; STALL_TERM terminates every stall of the SID. Both designs.
  @Test(arguments: [DriverDesign.legacy, .perMaster])
  func stallAndResume(_ design: DriverDesign) throws {
    let s = try run(
      Self.stallSetup + """
        dma m 0x5000
        expect dma == stalled
        expect event F_TRANSLATION
        expect dma.stag == 0
        expect stalled == 1
        map d 0x5000
        cmd RESUME sid 8 stag 0 retry
        expect dma == 0x80005000
        expect stalled == 0
        dma m 0x6000
        expect dma.stag == 1
        cmd RESUME sid 8 stag 1 abort
        expect dma == abort
        dma m 0x7000
        dma m 0x8000
        expect stalled == 2
        cmd STALL_TERM sid 8
        expect stalled == 0
        dma n 0x5000
        expect dma == abort
        expect event F_TRANSLATION
        """, design: design)
    expectAllPass(s, count: 12)
    let stallEvents = s.driver.smmu.events.filter(\.stall)
    #expect(stallEvents.map(\.stag) == [0, 1, 2, 3])
  }

  /// Linux sets CD.S for a stall-enabled master and STE.S1STALLD for the others when the SMMU
  /// has stalls (both designs).
  @Test(arguments: [DriverDesign.legacy, .perMaster])
  func driverWiresStallBitsAsLinux(_ design: DriverDesign) throws {
    let s = try run(Self.stallSetup, design: design)
    typealias S = StreamTableEntry
    typealias C = ContextDescriptor
    let m = try #require(s.driver.ste(sid: 8))
    let n = try #require(s.driver.ste(sid: 9))
    #expect(m[S.s1stalld] == 0)
    #expect(n[S.s1stalld] == 1)
    let tables = Dictionary(uniqueKeysWithValues: s.cdTables.map { ($0.table.root.base, $0.table) })
    let mTable = try #require(tables[m.contextPointer])
    let nTable = try #require(tables[n.contextPointer])
    let mcd = try #require(s.driver.cd(table: mTable, ssid: 0))
    let ncd = try #require(s.driver.cd(table: nTable, ssid: 0))
    #expect(mcd[C.s] == 1)
    #expect(ncd[C.s] == 0)
  }

  @Test func forcedStallsMakeEveryMasterStall() throws {
    let s = try run(
      """
      smmu stall force
      master n sid 9
      domain e paging
      map e 0x1000
      attach e n
      dma n 0x5000
      expect dma == stalled
      """)
    expectAllPass(s, count: 1)
    #expect(s.driver.masters["n"]?.stallEnabled == true)
    #expect(s.driver.ste(sid: 9)?[StreamTableEntry.s1stalld] == 0)
  }

  @Test func noStallsOnATerminateOnlySMMU() throws {
    let s = try run(
      """
      smmu stall off
      master m sid 8 stall
      domain d paging
      map d 0x1000
      attach d m
      dma m 0x5000
      expect dma == abort
      expect stalled == 0
      """)
    expectAllPass(s, count: 2)
    #expect(s.driver.masters["m"]?.stallEnabled == false)
    #expect(s.driver.ste(sid: 8)?[StreamTableEntry.s1stalld] == 0)
  }

  static let scopeSetup = """
    master a sid 8
    master b sid 9
    domain d paging
    domain e paging
    map d 0x1000 size 0x2000
    map e 0x1000
    attach d a
    attach e b
    expect domain.d.asid == 1
    expect domain.e.asid == 2
    dma a 0x1000
    dma a 0x2000
    dma b 0x1000
    expect tlb.entries == 3
    expect cfg-cache.entries == 5

    """

  /// Item 13: each TLBI's scope over two ASIDs' entries (and item 14's range), from `cmd`.
  @Test(arguments: [
    ("cmd TLBI_NH_ASID asid 1", 1), ("cmd TLBI_NH_VA asid 1 addr 0x1000", 2),
    ("cmd TLBI_NH_VAA addr 0x1000", 1),
    ("cmd TLBI_NH_ALL", 0), ("cmd TLBI_NH_ALL vmid 1", 3), ("cmd TLBI_NSNH_ALL", 0),
    ("cmd TLBI_S12_VMALL vmid 0", 0),
    ("cmd TLBI_S2_IPA vmid 0 addr 0x1000", 3), ("cmd TLBI_NH_VA asid 1 addr 0x1000 num 1 tg 1", 1),
    ("cmd TLBI_NH_VA asid 2 addr 0x1000 num 1 tg 1", 2), ("cmd CFGI_ALL", 3),
  ])
  func tlbiScope(_ line: String, _ left: Int) throws {
    for design in [DriverDesign.legacy, .perMaster] {
      let s = try run(
        Self.scopeSetup + "\(line)\nexpect cmdq.error == none\nexpect tlb.entries == \(left)\n",
        design: design)
      expectAllPass(s, count: 6)
    }
  }

  /// Item 15: CFGI_STE_RANGE covers 2^(range+1) SIDs, aligned down, with the CDs cached via them
  /// and the L1 descriptor they share (SIDs 8 and 9 sit under L1 index 0 with the STE, CD pair
  /// of each: 5 entries).
  @Test(arguments: [
    ("sid 8 range 0", 0), ("sid 9 range 0", 0), ("sid 10 range 0", 4), ("sid 9 range 2", 0),
    ("sid 0 range 2", 4), ("range 31", 0),
  ])
  func cfgiSTERangeScope(_ operands: String, _ left: Int) throws {
    let s = try run(Self.scopeSetup + "cmd CFGI_STE_RANGE \(operands)\nexpect cfg-cache.entries == \(left)\n")
    expectAllPass(s, count: 5)
  }
}
