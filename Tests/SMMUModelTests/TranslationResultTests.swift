import SMMUModel
import Testing

/// A result keeps its fields out of line and shared between copies: copies compare and hash
/// by contents, and a change to one copy leaves the others as they were.
@Suite struct TranslationResultTests {
  @Test func resultsBuiltApartWithEqualFieldsAreEqual() {
    let a = TranslationResult(
      outcome: .translated(0x1000), event: nil, servedBy: "TLB", path: ["x"], hazards: [])
    let b = TranslationResult(
      outcome: .translated(0x1000), event: nil, servedBy: "TLB", path: ["x"], hazards: [])
    #expect(a == b && a.hashValue == b.hashValue)
    #expect(
      a
        != TranslationResult(
          outcome: .translated(0x1000), event: nil, servedBy: "TLB", path: ["y"], hazards: []))
  }

  @Test func changingACopyLeavesTheOriginal() {
    let original = TranslationResult(
      outcome: .translated(0x1000), event: nil, servedBy: "walk", path: ["a"], hazards: [])
    var copy = original
    copy.outcome = .aborted
    copy.servedBy = "-"
    copy.notes.append(.text("b"))
    #expect(original.outcome == .translated(0x1000) && original.servedBy == "walk" && original.path == ["a"])
    #expect(copy.outcome == .aborted && copy.servedBy == "-" && copy.path == ["a", "b"])
    #expect(copy != original)
  }

  @Test func aTranslationsWalkIsKeptAndDroppedLikeAField() {
    var (rig, _, _) = Rig.standard()
    var r = rig.smmu.translate(Transaction(sid: 1, address: Fixture.va), recordWalk: true)
    let kept = r
    #expect(r.walk != nil)
    r.walk = nil
    #expect(r.walk == nil && kept.walk != nil)
  }
}
