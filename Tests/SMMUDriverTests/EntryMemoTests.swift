import SMMUModel
import Testing

@testable import SMMUDriver

/// The driver's memo of built entries returns what the builder builds, for every input: a
/// key that left an input out would return the entry of an earlier call that differs only in
/// that input.
struct EntryMemoTests {
  @Test func s1CDsDifferingInAnyInputAreEachBuilt() {
    var memo = EntryMemo()
    let tcrs = [CDTranslationControl.linux(outputBits: 48), .linux(outputBits: 44)]
    for asid: UInt16 in [1, 2] {
      for ttbr: UInt64 in [0x1000, 0x2000] {
        for tcr in tcrs {
          for mair in [EntryBuilder.ioPgtableMAIR, EntryBuilder.cpuMAIR] {
            for stall in [false, true] {
              // Twice: the second call is a hit and must still be this input's entry.
              for _ in 0..<2 {
                let got = memo.s1CD(asid: asid, ttbr: ttbr, tcr: tcr, mair: mair, masterStall: stall)
                let want = EntryBuilder.s1CD(asid: asid, ttbr: ttbr, tcr: tcr, mair: mair, masterStall: stall)
                #expect(got == want)
              }
            }
          }
        }
      }
    }
    #expect(memo.s1CDs.count == 32)
  }

  @Test func cdTableSTEsDifferingInAnyInputAreEachBuilt() {
    var memo = EntryMemo()
    var built = 0
    for base: UInt64 in [0x10000, 0x20000] {
      for (s1cdmax, s1fmt): (UInt64, UInt64) in [(0, 0), (8, 0), (8, 1)] {
        for ats in [false, true] {
          for s1dss in StreamTableEntry.S1DSS.allCases {
            for flags in 0..<8 {
              let smmuStalls = flags & 1 != 0
              let masterStall = flags & 2 != 0
              let ato = flags & 4 != 0
              for _ in 0..<2 {
                let got = memo.cdTableSTE(
                  cdTable: base, s1cdmax: s1cdmax, s1fmt: s1fmt, ats: ats, s1dss: s1dss,
                  smmuStalls: smmuStalls,
                  masterStall: masterStall, attributeTypesOverride: ato)
                let want = EntryBuilder.cdTableSTE(
                  cdTable: base, s1cdmax: s1cdmax, s1fmt: s1fmt, ats: ats, s1dss: s1dss,
                  smmuStalls: smmuStalls,
                  masterStall: masterStall, attributeTypesOverride: ato)
                #expect(got == want)
              }
              built += 1
            }
          }
        }
      }
    }
    #expect(memo.cdTableSTEs.count == built)
  }

  /// A memo of many distinct inputs stays bounded, and still answers every input right after
  /// it is emptied.
  @Test func aMemoOfManyDistinctInputsStaysBounded() {
    var memo = EntryMemo()
    let tcr = CDTranslationControl.linux(outputBits: 48)
    for i in 0..<(EntryMemo.limit * 2 + 3) {
      let ttbr = UInt64(i) << 12
      let got = memo.s1CD(asid: 1, ttbr: ttbr, tcr: tcr, mair: EntryBuilder.ioPgtableMAIR, masterStall: false)
      #expect(
        got
          == EntryBuilder.s1CD(
            asid: 1, ttbr: ttbr, tcr: tcr, mair: EntryBuilder.ioPgtableMAIR, masterStall: false))
      _ = memo.cdTableSTE(
        cdTable: ttbr, s1cdmax: 0, s1fmt: 0, ats: false, s1dss: .terminate, smmuStalls: false,
        masterStall: false,
        attributeTypesOverride: false)
      #expect(memo.s1CDs.count <= EntryMemo.limit && memo.cdTableSTEs.count <= EntryMemo.limit)
    }
    #expect(memo.s1CDs.count == 3 && memo.cdTableSTEs.count == 3)
  }
}
