import SMMUModel
import Testing

/// The stall model (smmuv3-hardware.md §10 item 19): CD.S / STE.S2S, STALL_MODEL, Stall=1
/// events with an STAG, and RESUME / STALL_TERM.
@Suite struct StallTests {
  typealias C = ContextDescriptor
  typealias S = StreamTableEntry

  /// SID 1: one CD (ASID 1, S as given, R as given) over a table mapping only Fixture.va.
  static func rig(stall: Bool, record: Bool = true, model: SMMUFeatures.StallModel = .stallOrTerminate) -> Rig
  {
    var f = SMMUFeatures()
    f.stallModel = model
    var rig = Rig(features: f)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable()
    var cd = Rig.s1CD(asid: 1, ttb0: root, record: record)
    cd[C.s] = stall ? 1 : 0
    rig.writeCD(cd, table: table)
    rig.writeSTE(Rig.s1STE(cdTable: table.base), sid: 1)
    return rig
  }

  static let unmapped: UInt64 = 0x5000

  /// The page table SID 1's CD points at.
  static func root(_ rig: Rig) throws -> UInt64 {
    let ste = StreamTableEntry(qwords: try rig.smmu.memory.readEntry(rig.steAddress(1)))
    return ContextDescriptor(qwords: try rig.smmu.memory.readEntry(ste.contextPointer)).tableAddress
  }

  @Test func faultWithCDSStallsWithAnSTAG() throws {
    var rig = Self.rig(stall: true)
    let r = rig.translate(sid: 1, va: Self.unmapped)
    #expect(r.outcome == .stalled(stag: 0))
    #expect(r.isStalled)
    #expect(r.outputAddress == nil)
    let e = try #require(r.event)
    #expect(e.type == .fTranslation)
    #expect(e.stall && e.stag == 0)
    #expect(rig.smmu.events.last == e)
    #expect(rig.smmu.stalledTransactions.map(\.stag) == [0])
    #expect(rig.smmu.stalledTransactions.first?.transaction.address == Self.unmapped)
    // STAGs are allocated in order.
    #expect(rig.translate(sid: 1, va: Self.unmapped + 0x1000).outcome == .stalled(stag: 1))
    #expect(rig.smmu.stalledTransactions.count == 2)
  }

  @Test func faultWithoutCDSAborts() {
    var rig = Self.rig(stall: false)
    let r = rig.translate(sid: 1, va: Self.unmapped)
    #expect(r.outcome == .aborted)
    #expect(r.event?.stall == false)
    #expect(rig.smmu.stalledTransactions.isEmpty)
  }

  /// S=1 records the fault even with R=0 (R is forced to 1).
  @Test func stallRecordsEvenWithRZero() {
    var rig = Self.rig(stall: true, record: false)
    let r = rig.translate(sid: 1, va: Self.unmapped)
    #expect(r.isStalled)
    #expect(r.event?.stall == true)
    var silent = Self.rig(stall: false, record: false)
    #expect(silent.translate(sid: 1, va: Self.unmapped).event == nil)
  }

  /// Successful translations and configuration errors never stall.
  @Test func onlyTranslationFaultsStall() {
    var rig = Self.rig(stall: true)
    #expect(rig.translate(sid: 1).outputAddress == Fixture.pa)
    // SID 2 has an invalid STE: C_BAD_STE aborts.
    let bad = rig.translate(sid: 2)
    #expect(bad.outcome == .aborted)
    #expect(bad.event?.type == .cBadSTE)
    #expect(bad.event?.stall == false)
  }

  @Test func resumeRetryTranslatesAgain() throws {
    var rig = Self.rig(stall: true)
    #expect(rig.translate(sid: 1, va: Self.unmapped).isStalled)
    // The fault is fixed, then the transaction retried.
    rig.map(Self.unmapped, to: Fixture.pa2, root: try Self.root(rig))
    rig.smmu.submit([.resume(sid: 1, stag: 0, retry: true, abort: false)])
    #expect(rig.smmu.stalledTransactions.isEmpty)
    let done = try #require(rig.smmu.stallCompletions.last)
    #expect(done.action == .retry)
    #expect(done.result.outputAddress == Fixture.pa2)
  }

  @Test func resumeRetryThatFaultsAgainStallsAgain() throws {
    var rig = Self.rig(stall: true)
    _ = rig.translate(sid: 1, va: Self.unmapped)
    rig.smmu.submit([.resume(sid: 1, stag: 0, retry: true, abort: false)])
    let done = try #require(rig.smmu.stallCompletions.last)
    #expect(done.result.outcome == .stalled(stag: 1))
    #expect(rig.smmu.stalledTransactions.map(\.stag) == [1])
    #expect(rig.smmu.events.filter(\.stall).count == 2)
  }

  @Test func resumeAbortTerminates() throws {
    var rig = Self.rig(stall: true)
    _ = rig.translate(sid: 1, va: Self.unmapped)
    let events = rig.smmu.events.count
    rig.smmu.submit([.resume(sid: 1, stag: 0, retry: false, abort: true)])
    let done = try #require(rig.smmu.stallCompletions.last)
    #expect(done.action == .abort)
    #expect(done.result.outcome == .aborted)
    #expect(rig.smmu.stalledTransactions.isEmpty)
    #expect(rig.smmu.events.count == events)
  }

  @Test func resumeOfAnUnknownSTAGDoesNothing() {
    var rig = Self.rig(stall: true)
    _ = rig.translate(sid: 1, va: Self.unmapped)
    rig.smmu.submit([
      .resume(sid: 1, stag: 7, retry: true, abort: false),
      .resume(sid: 2, stag: 0, retry: true, abort: false),
    ])
    #expect(rig.smmu.stalledTransactions.count == 1)
    #expect(rig.smmu.stallCompletions.isEmpty)
    #expect(rig.smmu.commandQueue.error == .none)
  }

  @Test func stallTermTerminatesEveryStallOfTheSID() {
    var rig = Self.rig(stall: true)
    _ = rig.translate(sid: 1, va: Self.unmapped)
    _ = rig.translate(sid: 1, va: Self.unmapped + 0x1000)
    rig.smmu.submit([.stallTerm(sid: 2)])
    #expect(rig.smmu.stalledTransactions.count == 2)
    rig.smmu.submit([.stallTerm(sid: 1)])
    #expect(rig.smmu.stalledTransactions.isEmpty)
    #expect(rig.smmu.stallCompletions.map(\.action) == [.stallTerm, .stallTerm])
    #expect(rig.smmu.stallCompletions.allSatisfy { $0.result.outcome == .aborted })
  }

  /// STALL_MODEL=force: every valid CD has S=1 (S=0 is ILLEGAL) and faults stall.
  @Test func forcedStallsStall() {
    var rig = Self.rig(stall: true, model: .stallForced)
    #expect(rig.translate(sid: 1, va: Self.unmapped).isStalled)
    var illegal = Self.rig(stall: false, model: .stallForced)
    let r = illegal.translate(sid: 1, va: Self.unmapped)
    #expect(r.outcome == .aborted)
    #expect(r.event?.type == .cBadCD)
  }

  /// STALL_MODEL=terminate only: CD.S=1 is ILLEGAL, nothing stalls.
  @Test func terminateOnlyNeverStalls() {
    var rig = Self.rig(stall: true, model: .terminateOnly)
    let r = rig.translate(sid: 1, va: Self.unmapped)
    #expect(r.event?.type == .cBadCD)
    #expect(rig.smmu.stalledTransactions.isEmpty)
  }

  /// Stage 2: STE.S2S stalls stage-2 faults.
  @Test func stage2FaultWithS2SStalls() throws {
    var rig = Rig()
    let s2 = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: s2, stage2: true)
    var ste = Rig.s2STE(vmid: 3, root: s2)
    ste[S.s2s] = 1
    rig.writeSTE(ste, sid: 4)
    let r = rig.translate(sid: 4, va: Self.unmapped)
    #expect(r.isStalled)
    #expect(r.event?.stage2 == true)
    #expect(r.event?.stall == true)
    ste[S.s2s] = 0
    rig.writeSTE(ste, sid: 5)
    #expect(rig.translate(sid: 5, va: Self.unmapped).outcome == .aborted)
  }
}
