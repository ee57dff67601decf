import Testing

@testable import SMMUModel

/// Nested (Config = 0b111): the CD table and every stage-1 table address are IPAs, translated
/// through stage 2 — the two-dimensional walk — and a stage-2 fault on the way is reported
/// with S2 = 1 and CLASS = CD (a CD or L1CD fetch) or TT (a stage-1 table), the final IPA's
/// with CLASS = IN.
struct NestedWalkTests {
  /// `Rig.nested`, settled.
  static func rig(skip: Set<Int> = [], s2ps: UInt64 = 5) -> (Rig, s1Pages: [UInt64], cds: UInt64, s2: UInt64)
  {
    var (rig, pages, cds, s2) = Rig.nested(skip: skip, s2ps: s2ps)
    rig.smmu.settle()
    return (rig, pages, cds, s2)
  }

  /// Cold: 4 stage-1 reads, each after a 4-read stage-2 walk of its table's IPA (20), plus the
  /// final IPA's 4 = 24; the CD fetch's own stage-2 walk adds 4 (28). With the CD cached, a
  /// TLB miss walks the 24.
  @Test func a4Over4LevelWalkReads24DescriptorsPlus4ForTheCD() {
    var (rig, _, _, _) = Self.rig()
    let r = rig.translate(sid: 1, va: 0x1010)
    #expect(r.outputAddress == 0xB000_0010)
    #expect(rig.smmu.counters.walkReads == [7, 7, 7, 7])
    rig.smmu.submit([.tlbiNHAll(vmid: 4), .sync])
    let before = rig.smmu.counters.walkReads.reduce(0, +)
    #expect(rig.translate(sid: 1, va: 0x1010).servedBy == "walk")
    #expect(rig.smmu.counters.walkReads.reduce(0, +) - before == 24)
  }

  @Test func aStage2FaultOnTheCDFetchIsClassCD() {
    var (rig, _, cds, _) = Self.rig(skip: [4])
    let e = rig.translate(sid: 1, va: 0x1000).event
    #expect(e?.type == .fTranslation && e?.stage2 == true && e?.eventClass == .cd && e?.ipa == cds)
    // Not cached: mapping the CD table's IPA makes the next access work without CFGI.
    #expect(rig.smmu.counters.cdFetches == 0)
  }

  @Test func aStage2FaultOnAStage1TableIsClassTT() {
    var (rig, pages, _, _) = Self.rig(skip: [2])
    let e = rig.translate(sid: 1, va: 0x1000).event
    #expect(e?.type == .fTranslation && e?.stage2 == true && e?.eventClass == .tt && e?.ipa == pages[2])
  }

  @Test func aStage2AddressSizeFaultOnATableIsClassTT() {
    // S2PS = 0: 32-bit stage-2 outputs; the level-1 table's IPA now maps above them.
    var (rig, pages, _, s2) = Self.rig(s2ps: 0)
    rig.map(pages[1], to: 1 << 33, root: s2, stage2: true)
    let e = rig.translate(sid: 1, va: 0x1000).event
    #expect(e?.type == .fAddrSize && e?.stage2 == true && e?.eventClass == .tt && e?.ipa == pages[1])
  }

  @Test func theFinalIPAsStage2FaultIsClassIN() {
    var (other, pages, _, _) = Self.rig()
    other.map(0x2000, to: 0x9000_0000, root: pages[0])
    let f = other.translate(sid: 1, va: 0x2000).event
    #expect(f?.type == .fTranslation && f?.stage2 == true && f?.eventClass == .input && f?.ipa == 0x9000_0000)
  }
}
