import SMMUModel
import Testing

/// The command queue's error semantics, CMD_SYNC's MSI, and the commands absent features make
/// illegal (smmuv3-hardware.md §10 items 14-18).
@Suite struct CommandQueueTests {
  static let illegal = Command.cfgiCD(sid: 1, ssid: 0, leaf: true)

  static func noStage1() -> SMMU {
    var f = SMMUFeatures()
    f.stage1 = false
    var smmu = SMMU(features: f)
    smmu.keepsCommandLog = true
    return smmu
  }

  /// Item 16: CONS stays on the illegal command, CONS.ERR = ILL, GERROR.CMDQ_ERR toggles;
  /// earlier commands took effect and later ones, the SYNC included, are held.
  @Test func illegalCommandStopsTheQueueAtIt() {
    var smmu = Self.noStage1()
    smmu.submit([.cfgiSTE(sid: 1, leaf: true), Self.illegal, .tlbiNSNHAll, .sync])
    #expect(smmu.commandQueue.cons == 1)
    #expect(smmu.commandQueue.error == .ill)
    #expect(smmu.commandQueue.gerror != smmu.commandQueue.gerrorn)
    #expect(smmu.commandQueue.errorActive)
    #expect(smmu.commandLog == [.cfgiSTE(sid: 1, leaf: true)])
    #expect(smmu.heldCommands == [Self.illegal, .tlbiNSNHAll, .sync])
    #expect(smmu.counters.syncs == 0)
  }

  /// `ack cmdq` as Linux does it: the faulting command becomes a CMD_SYNC, GERRORN = GERROR,
  /// and the held commands run after it.
  @Test func acknowledgingReplacesTheIllegalCommandWithASync() {
    var smmu = Self.noStage1()
    smmu.submit([Self.illegal, .tlbiNSNHAll, .sync])
    let gerror = smmu.commandQueue.gerror
    smmu.acknowledgeCommandError()
    #expect(smmu.commandLog == [.sync, .tlbiNSNHAll, .sync])
    #expect(smmu.commandQueue.cons == 3)
    #expect(smmu.commandQueue.error == .none)
    #expect(smmu.commandQueue.gerror == gerror)
    #expect(smmu.commandQueue.gerrorn == gerror)
    #expect(!smmu.commandQueue.errorActive)
    #expect(smmu.heldCommands.isEmpty)
    #expect(smmu.commandError == nil)
    // A second error toggles GERROR again.
    smmu.submit(Self.illegal)
    #expect(smmu.commandQueue.gerror != gerror)
    #expect(smmu.counters.commandErrors == 2)
  }

  /// The replacement SYNC closes the update window like any other: a torn update made before
  /// the error is published when the held commands run.
  @Test func theReplacementSyncCompletesLikeAnyOther() {
    var smmu = Self.noStage1()
    smmu.submit([Self.illegal])
    #expect(smmu.counters.syncs == 0)
    smmu.acknowledgeCommandError()
    #expect(smmu.counters.syncs == 1)
    #expect(smmu.commandLog.last == .sync)
  }

  @Test func acknowledgingWithoutAnErrorDoesNothing() {
    var smmu = SMMU()
    smmu.keepsCommandLog = true
    smmu.submit([.sync])
    let before = smmu.commandQueue
    smmu.acknowledgeCommandError()
    #expect(smmu.commandQueue == before)
    #expect(smmu.commandLog == [.sync])
  }

  /// Item 17, one row each: an absent feature makes its commands CERROR_ILL.
  @Test(arguments: [
    ("stage1", Command.cfgiCD(sid: 0, ssid: 0, leaf: true)), ("stage1", .cfgiCDAll(sid: 0)),
    ("stage1", .tlbiNHAll(vmid: 0)), ("stage1", .tlbiNHASID(vmid: 0, asid: 1)),
    ("stage1", .tlbiNHVA(vmid: 0, asid: 1, address: 0, leaf: true, range: nil)),
    ("stage1", .tlbiNHVAA(vmid: 0, address: 0, leaf: true, range: nil)),
    ("stage2", .tlbiS12VMAll(vmid: 1)), ("stage2", .tlbiS2IPA(vmid: 1, address: 0, leaf: true, range: nil)),
    ("hyp", .tlbiEL2All), ("hyp", .tlbiEL2ASID(asid: 1)),
    ("hyp", .tlbiEL2VA(asid: 1, address: 0, leaf: true)),
    ("hyp", .tlbiEL2VAA(address: 0, leaf: true)), ("ats", .atcInv(sid: 0, ssid: nil, address: 0, size: 52)),
    ("stall", .resume(sid: 0, stag: 0, retry: true, abort: false)), ("stall", .stallTerm(sid: 0)),
  ])
  func absentFeatureRowIsIllegal(_ feature: String, _ command: Command) {
    var without = SMMUFeatures()
    var with = SMMUFeatures()
    with.hyp = true
    switch feature {
    case "stage1": without.stage1 = false
    case "stage2": without.stage2 = false
    case "ats": without.ats = false
    case "stall": without.stallModel = .terminateOnly
    default: break  // hyp is off by default
    }
    var smmu = SMMU(features: without)
    smmu.keepsCommandLog = true
    smmu.submit([command, .sync])
    #expect(smmu.commandQueue.error == .ill, "\(command.description) without \(feature)")
    #expect(smmu.commandLog.isEmpty)
    #expect(smmu.commandError?.contains("no ") == true)
    var legal = SMMU(features: with)
    legal.keepsCommandLog = true
    legal.submit([command, .sync])
    #expect(legal.commandQueue.error == .none, "\(command.description) with \(feature)")
    #expect(legal.commandLog.count == 2)
  }

  /// Item 17: reserved opcodes and SSec=1 are CERROR_ILL; PREFETCH_ADDR is accepted.
  @Test func reservedOpcodesAndSSecAreIllegal() {
    let words: [[UInt64]] = [
      [0x07, 0], [0x3F, 0], [0xFF, 0], [0x41, 0], [0x46 | 1 << 10, 0], [0x03 | 1 << 10 | 8 << 32, 0],
    ]
    for q in words {
      var smmu = SMMU()
      let c = CommandEncoding.decodeAny(q)
      guard case .raw = c else {
        Issue.record("\(hex(q[0])) decoded to \(c.description)")
        continue
      }
      smmu.submit(c)
      #expect(smmu.commandQueue.error == .ill, "\(hex(q[0]))")
    }
    #expect(smmu(submitting: [0x46 | 1 << 10, 0]).commandError?.contains("SSec=1") == true)
    #expect(smmu(submitting: [0x02, 0]).commandQueue.error == .none)
  }

  func smmu(submitting q: [UInt64]) -> SMMU {
    var smmu = SMMU()
    smmu.submit(CommandEncoding.decodeAny(q))
    return smmu
  }

  /// Item 17: CMD_SYNC with CS=0b11 is CERROR_ILL; the other signals are legal.
  @Test func syncWithReservedCSIsIllegal() {
    var smmu = SMMU()
    smmu.submit(.sync(SyncOperands(signal: .reserved)))
    #expect(smmu.commandQueue.error == .ill)
    for s in [SyncOperands.Signal.none, .irq, .sev] {
      var ok = SMMU()
      ok.submit(.sync(SyncOperands(signal: s)))
      #expect(ok.commandQueue.error == .none)
      #expect(ok.counters.syncs == 1)
    }
  }

  /// Item 14: TG != 0 with NUM = SCALE = TTL = 0 is CERROR_ILL for every range TLBI.
  @Test func rangeTLBIWithNothingInItIsIllegal() {
    let zero = TLBIRange(num: 0, scale: 0, tg: 2, ttl: 0)
    for c in [
      Command.tlbiNHVA(vmid: 0, asid: 1, address: 0, leaf: true, range: zero),
      .tlbiNHVAA(vmid: 0, address: 0, leaf: true, range: zero),
      .tlbiS2IPA(vmid: 1, address: 0, leaf: true, range: zero),
    ] {
      var smmu = SMMU()
      smmu.submit(c)
      #expect(smmu.commandQueue.error == .ill, "\(c.description)")
    }
  }

  /// Item 18: CMD_SYNC with CS=IRQ and MSIAddr != 0 stores the 32-bit MSIData there (the other
  /// half of the qword kept) before the sync completes.
  @Test func syncWithMSIWritesTheDataBeforeCompleting() throws {
    var smmu = SMMU()
    let page = smmu.allocate(bytes: 4096, purpose: .data, owner: "msi")
    try smmu.write(page.base, 0x1111_2222_3333_4444)
    smmu.submit(.sync(SyncOperands(signal: .irq, msiData: 0xCAFE_F00D, msiAddress: page.base + 4)))
    #expect(try smmu.read(page.base) == 0xCAFE_F00D_3333_4444)
    #expect(
      smmu.commandQueue.msiWrites == [MSIWrite(address: page.base + 4, data: 0xCAFE_F00D, aborted: false)])
    #expect(smmu.counters.syncs == 1)
    // The low half.
    smmu.submit(.sync(SyncOperands(signal: .irq, msiData: 7, msiAddress: page.base)))
    #expect(try smmu.read(page.base) == 0xCAFE_F00D_0000_0007)
  }

  @Test func syncWithoutIRQOrAddressWritesNothing() throws {
    var smmu = SMMU()
    let page = smmu.allocate(bytes: 4096, purpose: .data, owner: "msi")
    smmu.submit([
      .sync(SyncOperands(signal: .sev, msiData: 5, msiAddress: page.base)),
      .sync(SyncOperands(signal: .irq, msiData: 5, msiAddress: 0)),
    ])
    #expect(try smmu.read(page.base) == 0)
    #expect(smmu.commandQueue.msiWrites.isEmpty)
    #expect(smmu.counters.syncs == 2)
  }

  @Test func msiToNoMemoryAbortsButTheSyncCompletes() {
    var smmu = SMMU()
    smmu.submit(.sync(SyncOperands(signal: .irq, msiData: 5, msiAddress: 0x10)))
    #expect(smmu.commandQueue.msiWrites.first?.aborted == true)
    #expect(smmu.counters.syncs == 1)
  }

  /// A held SYNC writes its MSI only when it runs, after the acknowledgement.
  @Test func aHeldSyncWritesItsMSIOnlyWhenItRuns() throws {
    var smmu = Self.noStage1()
    let page = smmu.allocate(bytes: 4096, purpose: .data, owner: "msi")
    smmu.submit([Self.illegal, .sync(SyncOperands(signal: .irq, msiData: 9, msiAddress: page.base))])
    #expect(try smmu.read(page.base) == 0)
    smmu.acknowledgeCommandError()
    #expect(try smmu.read(page.base) == 9)
  }

  /// Item 14 with 16 KiB and 64 KiB granules: exactly [Addr, Addr + (NUM+1) * 2^SCALE * granule).
  @Test(arguments: [(2, 16384), (3, 65536)])
  func rangeTLBICoversExactlyItsSpanInLargeGranules(_ tg: Int, _ granule: Int) {
    let r = TLBIRange(num: 1, scale: 1, tg: tg)
    #expect(r.bytes == UInt64(4 * granule))
    let base = UInt64(granule) * 4
    let span = SMMU.pageSpan(base, r)
    #expect(span == (base >> 12)...((base + UInt64(4 * granule) - 1) >> 12))
  }

  /// A TLBI removes a multi-page (block) entry when any page of it is in its span.
  @Test func spanCoversBlockEntriesThatOverlapIt() {
    func entry(_ page: UInt64, shift: Int) -> TLBKey {
      TLBKey(kind: .stage1, vmid: 0, asid: 1, page: page, shift: shift)
    }
    let span = SMMU.pageSpan(0x20_0000, nil)
    #expect(entry(0x200, shift: 12).overlaps(span))
    #expect(entry(0x200, shift: 21).overlaps(span))
    #expect(!entry(0x1FF, shift: 12).overlaps(span))
    #expect(!entry(0x400, shift: 21).overlaps(span))
    // A 2 MiB block entry (512 pages) that starts before a ranged span.
    let ranged = SMMU.pageSpan(0x30_0000, TLBIRange(num: 0, scale: 0, tg: 1, ttl: 3))
    #expect(entry(0x200, shift: 21).overlaps(ranged))
    #expect(!entry(0x400, shift: 21).overlaps(ranged))
  }
}
