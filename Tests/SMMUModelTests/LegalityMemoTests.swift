import Testing

@testable import SMMUModel

/// `LegalityMemo`: a remembered verdict is the one the ILLEGAL rows give for that very entry
/// (and, for a CD, that STE's S1STALLD), never another entry's that shares its slot.
@Suite struct LegalityMemoTests {
  typealias S = StreamTableEntry
  typealias C = ContextDescriptor

  /// Two STEs with different verdicts that share a memo slot, checked in turn: each gets its own.
  @Test func entriesSharingASlotKeepTheirOwnVerdicts() throws {
    let smmu = SMMU()
    let legal = Rig.s1STE(cdTable: 0x4000_0000)
    #expect(smmu.steIllegalRow(legal) == nil)
    // Illegal variants (EATS split-stage on an S1 STE), differing in S2VMID, until one lands
    // in the legal STE's slot.
    var illegal = legal
    illegal[S.eats] = 2
    var vmid: UInt64 = 0
    while LegalityMemo.slot(illegal.qwords, 0) != LegalityMemo.slot(legal.qwords, 0) {
      vmid += 1
      illegal[S.s2vmid] = vmid
    }
    let row = try #require(smmu.steIllegalRow(illegal))
    var memo = LegalityMemo()
    for _ in 0..<3 {
      #expect(memo.steRow(legal, on: smmu) == nil)
      #expect(memo.steRow(illegal, on: smmu) == row)
      #expect(memo.steRow(illegal, on: smmu) == row)
      #expect(memo.steRow(legal, on: smmu) == nil)
    }
  }

  /// A CD's verdict depends on its STE's S1STALLD: the same CD is remembered per S1STALLD.
  @Test func cdVerdictFollowsTheSTEsStallDisable() throws {
    let smmu = SMMU()
    var cd = Rig.s1CD(asid: 1, ttb0: 0x4000_1000)
    cd[C.s] = 1
    let plain = Rig.s1STE(cdTable: 0x4000_0000)
    var stallDisabled = plain
    stallDisabled[S.s1stalld] = 1
    let row = try #require(smmu.cdIllegalRow(cd, ste: stallDisabled))
    #expect(IllegalCondition.cd[row].name == "S with S1STALLD")
    var memo = LegalityMemo()
    for _ in 0..<3 {
      #expect(memo.cdRow(cd, ste: plain, on: smmu) == nil)
      #expect(memo.cdRow(cd, ste: stallDisabled, on: smmu) == row)
    }
  }

  /// Through the SMMU: an STE made ILLEGAL after a legal one was checked (and remembered) at
  /// the same SID is reported as ILLEGAL.
  @Test func aChangedEntryIsCheckedAgain() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(Fixture.va, to: Fixture.pa, root: root)
    let table = rig.allocateCDTable(ssidBits: 1)
    rig.writeCD(Rig.s1CD(asid: 1, ttb0: root), table: table)
    var ste = Rig.s1STE(cdTable: table.base)
    rig.writeSTE(ste, sid: 1)
    rig.smmu.settle()
    #expect(rig.translate(sid: 1).outcome == .translated(Fixture.pa))
    ste[S.eats] = 2
    rig.writeSTE(ste, sid: 1)
    rig.smmu.submit([.cfgiSTE(sid: 1, leaf: true), .sync])
    rig.smmu.settle()
    #expect(rig.translate(sid: 1).event?.type == .cBadSTE)
  }
}
