import SMMUModel
import Testing

/// The ILLEGAL tables (`IllegalCondition.ste`, `.cd`): every row is met by a real lookup through
/// the SMMU, which raises C_BAD_STE / C_BAD_CD for it and names that row; the same setup
/// without the row's change translates (checklist item 3; IHI 0070 §5.2, §5.4).
@Suite struct IllegalEntryTests {
  typealias S = StreamTableEntry
  typealias C = ContextDescriptor

  /// A row's witness: the SMMU's features, and the change to a working S1 or S2 setup.
  struct Witness: Sendable {
    var stage2 = false
    var features: @Sendable (inout SMMUFeatures) -> Void = { _ in }
    var ste: @Sendable (inout StreamTableEntry) -> Void = { _ in }
    var cd: @Sendable (inout ContextDescriptor) -> Void = { _ in }
  }

  static let steWitnesses: [String: Witness] = [
    "Config needs stage 1": Witness(features: { $0.stage1 = false }),
    "Config needs stage 2": Witness(stage2: true, features: { $0.stage2 = false }),
    // The case: split-stage ATS on a stage-1-only STE.
    "EATS split-stage": Witness(ste: { $0[S.eats] = 2 }),
    "EATS full ATS with S2S": Witness(
      stage2: true,
      ste: {
        $0[S.eats] = 1
        $0[S.s2s] = 1
      }),
    "STRW reserved": Witness(features: { $0.hyp = true }, ste: { $0[S.strw] = 1 }),
    "S1STALLD without the stall model": Witness(
      features: { $0.stallModel = .terminateOnly }, ste: { $0[S.s1stalld] = 1 }),
    "S1CDMax beyond SSIDSIZE": Witness(features: { $0.ssidBits = 4 }, ste: { $0[S.s1cdmax] = 5 }),
    "S1Fmt 2-level without CD2L": Witness(
      features: { $0.twoLevelCDTable = false },
      ste: {
        $0[S.s1cdmax] = 1
        $0[S.s1fmt] = S.s1fmt64KL2
      }),
    "S2S without the stall model": Witness(
      stage2: true, features: { $0.stallModel = .terminateOnly }, ste: { $0[S.s2s] = 1 }),
    "S2S=0 with stalls forced": Witness(stage2: true, features: { $0.stallModel = .stallForced }),
    "S2AA64 selects AArch32": Witness(stage2: true, ste: { $0[S.s2aa64] = 0 }),
    "S2HA/S2HD without HTTU": Witness(stage2: true, ste: { $0.qwords[2] |= 1 << 56 }),
    "S2TG reserved": Witness(stage2: true, ste: { $0[S.vtcrTG] = 3 }),
    "S2TTB beyond S2PS": Witness(
      stage2: true,
      ste: {
        $0[S.vtcrPS] = 0
        $0[S.s2ttb] = (UInt64(1) << 36) >> 4
      }),
    // The case: S2T0SZ = 0.
    "S2T0SZ out of range": Witness(stage2: true, ste: { $0[S.vtcrT0SZ] = 0 }),
    // Start level 2 cannot resolve a 48-bit IPA.
    "S2SL0 inconsistent": Witness(stage2: true, ste: { $0[S.vtcrSL0] = 0 }),
    "S2ENDI big-endian": Witness(stage2: true, ste: { $0[S.s2endi] = 1 }),
  ]

  static let cdWitnesses: [String: Witness] = [
    "S with S1STALLD": Witness(ste: { $0[S.s1stalld] = 1 }, cd: { $0[C.s] = 1 }),
    "S without the stall model": Witness(features: { $0.stallModel = .terminateOnly }, cd: { $0[C.s] = 1 }),
    "S=0 with stalls forced": Witness(features: { $0.stallModel = .stallForced }),
    "ENDI big-endian": Witness(cd: { $0[C.endi] = 1 }),
    "AA64=0 (AArch32)": Witness(cd: { $0[C.aa64] = 0 }),
    "HA/HD without HTTU": Witness(cd: { $0[C.ha] = 1 }),
    "ASID[15:8] without ASID16": Witness(features: { $0.asid16 = false }, cd: { $0[C.asid] = 0x100 }),
    "T0SZ out of range": Witness(cd: { $0[C.t0sz] = 0 }),
    "T1SZ out of range": Witness(cd: { $0[C.epd1] = 0 }),
    "TG0 reserved": Witness(cd: { $0[C.tg0] = 3 }),
    "TTB0 beyond IPS": Witness(
      cd: {
        $0[C.ips] = 0
        $0[C.ttb0] = (UInt64(1) << 33) >> 4
      }),
    "TG1 reserved": Witness(cd: { Self.enableTTB1(&$0, tg1: 0, ttb1: 0x4000_0000) }),
    "TTB1 beyond IPS": Witness(cd: { Self.enableTTB1(&$0, tg1: 2, ttb1: 1 << 50) }),
  ]

  /// Turns on TTB1 (EPD1=0) with T1SZ 16 and the given TG1 and TTB1.
  static func enableTTB1(_ cd: inout ContextDescriptor, tg1: UInt64, ttb1: UInt64) {
    cd[C.epd1] = 0
    cd.qwords[0] = cd.qwords[0] & ~(UInt64(0xFF) << 16) | 16 << 16 | tg1 << 22
    cd.qwords[2] = ttb1 & 0x000F_FFFF_FFFF_FFF0
  }

  /// SID 1 set up to translate Fixture.va (S1 through a CD, or S2), with the witness's
  /// features and changes; returns the rig, the STE and the CD it wrote.
  static func setUp(_ w: Witness, apply: Bool) -> (rig: Rig, ste: StreamTableEntry, cd: ContextDescriptor) {
    var features = SMMUFeatures()
    if apply { w.features(&features) }
    var rig = Rig(features: features)
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root, stage2: w.stage2)
    var cd = Rig.s1CD(asid: 1, ttb0: root)
    var ste: StreamTableEntry
    if w.stage2 {
      ste = Rig.s2STE(vmid: 1, root: root)
    } else {
      let table = rig.allocateCDTable(ssidBits: 1)
      ste = Rig.s1STE(cdTable: table.base)
      if apply { w.cd(&cd) }
      rig.writeCD(cd, table: table)
    }
    if apply { w.ste(&ste) }
    rig.writeSTE(ste, sid: 1)
    rig.smmu.settle()
    return (rig, ste, cd)
  }

  @Test func everyRowHasAWitness() {
    #expect(Set(IllegalCondition.ste.map(\.name)) == Set(Self.steWitnesses.keys))
    #expect(Set(IllegalCondition.cd.map(\.name)) == Set(Self.cdWitnesses.keys))
    let names = IllegalCondition.ste.map(\.name) + IllegalCondition.cd.map(\.name)
    #expect(Set(names).count == names.count)
    for r in IllegalCondition.ste { #expect(r.source.hasPrefix("§5.2 STE.")) }
    for r in IllegalCondition.cd { #expect(r.source.hasPrefix("§5.4 CD.")) }
  }

  @Test(arguments: IllegalCondition.ste.map(\.name))
  func illegalSTERowIsCBadSTE(row: String) throws {
    let w = try #require(Self.steWitnesses[row])
    var good = Self.setUp(w, apply: false)
    #expect(good.rig.translate(sid: 1).outcome == .translated(Fixture.pa))
    var bad = Self.setUp(w, apply: true)
    let r = bad.rig.translate(sid: 1)
    #expect(r.outcome == .aborted)
    #expect(r.event?.type == .cBadSTE)
    #expect(bad.rig.smmu.steIllegalCondition(bad.ste)?.name == row)
    // The explained walk says which condition made the STE ILLEGAL.
    let walk = bad.rig.smmu.translate(Transaction(sid: 1, address: Fixture.va), recordWalk: true).walk
    #expect(walk?.failure?.reason.contains(row) == true)
  }

  @Test(arguments: IllegalCondition.cd.map(\.name))
  func illegalCDRowIsCBadCD(row: String) throws {
    let w = try #require(Self.cdWitnesses[row])
    var good = Self.setUp(w, apply: false)
    #expect(good.rig.translate(sid: 1).outcome == .translated(Fixture.pa))
    var bad = Self.setUp(w, apply: true)
    let r = bad.rig.translate(sid: 1)
    #expect(r.outcome == .aborted)
    #expect(r.event?.type == .cBadCD)
    #expect(bad.rig.smmu.steIllegalCondition(bad.ste) == nil)
    #expect(bad.rig.smmu.cdIllegalCondition(bad.cd, ste: bad.ste)?.name == row)
    let walk = bad.rig.smmu.translate(Transaction(sid: 1, address: Fixture.va), recordWalk: true).walk
    #expect(walk?.failure?.reason.contains(row) == true)
  }

  /// What the architecture does not make ILLEGAL: EATS without ATS (IGNORED), IPS above the
  /// OAS (capped), the fields of a disabled half (EPD0=1), a Config 0xx STE's fields.
  @Test func ignoredFieldsAreNotIllegal() {
    var noATS = Witness(ste: { $0[S.eats] = 2 })
    noATS.features = { $0.ats = false }
    var a = Self.setUp(noATS, apply: true)
    #expect(a.rig.translate(sid: 1).outcome == .translated(Fixture.pa))

    var b = Self.setUp(Witness(cd: { $0[C.ips] = 7 }), apply: true)
    #expect(b.rig.translate(sid: 1).outcome == .translated(Fixture.pa))

    let disabledHalf = Witness(cd: {
      $0[C.epd0] = 1
      $0[C.t0sz] = 0
      $0[C.tg0] = 3
    })
    var c = Self.setUp(disabledHalf, apply: true)
    #expect(c.rig.smmu.cdIllegalCondition(c.cd, ste: c.ste) == nil)
    #expect(c.rig.translate(sid: 1).event?.type == .fTranslation)

    var abort = Rig.abortSTE()
    abort[S.vtcrTG] = 3
    abort[S.s2aa64] = 0
    var d = Rig()
    d.writeSTE(abort, sid: 1)
    let r = d.translate(sid: 1)
    #expect(r.outcome == .aborted && r.event == nil)
  }
}
