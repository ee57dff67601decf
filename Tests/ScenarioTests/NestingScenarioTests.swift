import Foundation
import SMMUDriver
import SMMUModel
import Testing

@testable import Scenario

/// Nesting through the scenario language (upstream-2026.md §1): the verbs, the paths, the
/// guest's structures in guest RAM and a DMA through both stages, events to the vSMMU.
struct NestingScenarioTests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

  /// Guest RAM: IPA `ipa` + n at PA `pa` + n.
  static let ipa: UInt64 = 0x10_0000
  static let pa: UInt64 = 0x2_0000_0000

  /// The PA of a guest IPA.
  static func phys(_ ipa: UInt64) -> UInt64 { ipa - Self.ipa + Self.pa }

  /// A VM with a guest CD (ASID 5) at IPA 0x100000 and a 4-level guest table at IPA 0x101000
  /// mapping each (IOVA, IPA) of `maps`, stored with `write mem` at their PAs; `gpu` attached
  /// to the nested domain of a stage-1 vSTE pointing at the CD.
  static func vm(maps: [(iova: UInt64, ipa: UInt64)], tail: String) -> String {
    typealias S = StreamTableEntry
    let cd = EntryBuilder.s1CD(
      asid: 5, ttbr: ipa + 0x1000, tcr: .linux(outputBits: 48), mair: EntryBuilder.ioPgtableMAIR,
      masterStall: false)
    var stores: [(UInt64, UInt64)] = cd.qwords.array.enumerated().map {
      (phys(ipa + UInt64($0.offset * 8)), $0.element)
    }
    // Table pages at IPA 0x101000 (L0), 0x102000 (L1), 0x103000 (L2), 0x104000 (L3): enough
    // for IOVAs below 2 MiB apart within one 1 GiB.
    let tables: [UInt64] = (1...4).map { ipa + UInt64($0) * 0x1000 }
    for m in maps {
      for level in 0..<3 {
        let slot = tables[level] + UInt64(PageTableFormat.index(m.iova, level: level) * 8)
        stores.append((phys(slot), PageTableFormat.table(tables[level + 1])))
      }
      let leaf = tables[3] + UInt64(PageTableFormat.index(m.iova, level: 3) * 8)
      stores.append((phys(leaf), PageTableFormat.s1Page(m.ipa, writable: true)))
    }
    let q0 = S.v.mask | S.config.set(0, S.Config.s1Translate.rawValue) | ipa
    let q1 = S.s1cir.set(0, S.cacheWBRA) | S.s1cor.set(0, S.cacheWBRA) | S.s1csh.set(0, S.shareInner)
    return """
      master gpu sid 0x10
      domain p s2 nest-parent
      viommu v parent p
      vdevice v gpu vsid 7
      map p \(hex(ipa)) size 0x10000 pa \(hex(pa))
      \(stores.map { "write mem \(hex($0.0)) \(hex($0.1))" }.joined(separator: "\n"))
      domain g nested v ste \(hex(q0)) \(hex(q1))
      attach g gpu
      \(tail)
      """
  }

  /// §1.6: the DMA walks the guest's stage 1 (CD and tables at IPAs) and the parent's stage 2.
  @Test func dmaWalksBothStages() throws {
    let target: UInt64 = Self.ipa + 0x8000
    let s = try run(Self.vm(maps: [(0x40_0000, target)], tail: "dma gpu 0x400010"))
    #expect(s.failures.isEmpty && s.totals.errors == 0)
    #expect(s.value(of: "ste.0x10.config") == "nested")
    #expect(s.value(of: "dma") == hex(Self.phys(target) + 0x10))
  }

  /// §1.8 (N9): a stage-1 fault reaches the vSMMU with the vSID; a stage-2 fault (the guest
  /// maps an IPA the parent does not) stays with the host.
  @Test func guestEventsGoToTheVSMMU() throws {
    let unmappedIPA: UInt64 = 0x90_0000
    let s1 = try run(Self.vm(maps: [(0x40_0000, Self.ipa + 0x8000)], tail: "dma gpu 0x500000"))
    #expect(s1.value(of: "events.F_TRANSLATION") == "1")
    #expect(s1.value(of: "viommu.v.events") == "1")
    #expect(s1.value(of: "viommu.v.events.last.sid") == "7")
    let s2 = try run(Self.vm(maps: [(0x40_0000, unmappedIPA)], tail: "dma gpu 0x400000"))
    #expect(s2.value(of: "events.F_TRANSLATION") == "1")
    #expect(s2.value(of: "viommu.v.events") == "0")
  }

  /// The paths: `viommu.V.vmid` is the parent's VMID, `master.M.vsid` the vDEVICE's vSID.
  @Test func paths() throws {
    let s = try run(
      """
      master a sid 1
      master b sid 2
      domain p s2 nest-parent
      viommu v parent p
      viommu w parent p
      vdevice v a vsid 9
      """)
    #expect(s.value(of: "viommu.v.vmid") == s.value(of: "domain.p.vmid"))
    #expect(s.value(of: "viommu.w.vmid") == s.value(of: "domain.p.vmid"))
    #expect(s.value(of: "master.a.vsid") == "9")
    #expect(s.value(of: "master.b.vsid") == "none")
    #expect(s.value(of: "viommu.v.parent") == "p")
    #expect(s.value(of: "viommu.nope.vmid") == nil)
  }

  /// The legacy driver has no nested domains: every nesting verb is a -EOPNOTSUPP driver error.
  @Test func legacyGivesEOPNOTSUPP() throws {
    let s = try run(
      """
      design legacy
      master a sid 1
      domain p s2 nest-parent
      expect error -EOPNOTSUPP
      domain q s2
      viommu v parent q
      expect error -EOPNOTSUPP
      domain g nested v ste 0 0
      expect error -EOPNOTSUPP
      """)
    #expect(s.failures.isEmpty)
  }

  @Test func parseErrors() {
    let p = ParserTests()
    #expect(p.failure("domain g nested v ste 0 0")?.message == "unknown viommu 'v'")
    #expect(
      p.failure("domain p s2 nest-parent\nviommu v parent p\ndomain g nested v 0 0")?.message
        == "expected 'ste', found '0'")
    #expect(
      p.failure("master a sid 1\ndomain p s2\nviommu v parent p\nvdevice v a 3")?.message
        == "expected 'vsid', found '3'")
  }

  /// `ScenarioWriter.reproduce` writes nest parents, vSMMUs, vDEVICEs and nested domains
  /// (the guest's EATS request included) so the replay installs the same STEs.
  @Test func theWriterReproducesANestedVM() throws {
    let s = try run(
      """
      master a sid 0x10 ats
      master b sid 0x11
      domain p s2 nest-parent
      viommu v parent p
      vdevice v a vsid 3
      map p 0x100000 pa 0x200000000
      domain g nested v ste 0x10000B 0x100000D4
      domain by nested v ste 0x9 0
      attach g a
      attach by b
      """)
    #expect(s.totals.errors == 0)
    let replay = Session.run(try parsed(ScenarioWriter.reproduce(s)))
    #expect(replay.totals.errors == 0)
    #expect(RoundTripTests.logicalState(replay) == RoundTripTests.logicalState(s))
    for sid in ["0x10", "0x11"] {
      for q in 0..<4 { #expect(replay.value(of: "ste.\(sid).q\(q)") == s.value(of: "ste.\(sid).q\(q)")) }
    }
    #expect(replay.value(of: "master.a.vsid") == "3")
  }

  /// examples/nesting.scn: every expectation passes, the checker's included.
  @Test func theExampleRunsClean() throws {
    let text = try String(contentsOf: Self.examples.appendingPathComponent("nesting.scn"), encoding: .utf8)
    let s = Session.run(try parsed(text, file: "nesting.scn"))
    #expect(s.failures.map(\.text).isEmpty)
  }
}
