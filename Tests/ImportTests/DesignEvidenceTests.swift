import SMMUModel
import Testing

@testable import TraceImport

/// Deciding the CD-table design from the order of traced commands.
@Suite struct DesignEvidenceTests {
  static func commands(_ list: [Command]) -> [ImportedCommand] {
    list.enumerated().map { i, c in
      ImportedCommand(
        traceLine: i + 1, time: nil, name: c == .sync ? "SYNC" : Command.names[c.nameIndex], command: c,
        ringSlot: nil, source: .trace, phase: "p")
    }
  }

  @Test func bareSyncsBeforeTheFirstCFGISTEAreLegacy() {
    let e = DesignEvidence(
      commands: Self.commands([
        .tlbiNSNHAll, .sync, .sync, .sync, .cfgiSTE(sid: 8, leaf: true), .sync, .cfgiSTE(sid: 8, leaf: true),
        .sync,
      ]), stage1SIDs: [8])
    #expect(e.verdict == .legacy)
    #expect(e.legacySIDs == [8])
  }

  @Test func cfgiCDBeforeTheFirstCFGISTEIsPerMaster() {
    let e = DesignEvidence(
      commands: Self.commands([
        .tlbiNHASID(vmid: 0, asid: 1), .sync, .cfgiCD(sid: 8, ssid: 0, leaf: true), .sync,
        .cfgiCD(sid: 8, ssid: 0, leaf: true), .sync, .cfgiSTE(sid: 8, leaf: true), .sync,
      ]), stage1SIDs: [8])
    #expect(e.verdict == .perMaster)
    #expect(e.perMasterSIDs == [8])
  }

  @Test func nothingDecidingOrMixedEvidenceCannotTell() {
    let none = DesignEvidence(
      commands: Self.commands([.cfgiSTE(sid: 8, leaf: true), .sync]), stage1SIDs: [8])
    #expect(none.verdict == .cannotTell)
    #expect(none.summary.hasPrefix("cannot tell"))
    let mixed = DesignEvidence(
      commands: Self.commands([
        .sync, .sync, .cfgiSTE(sid: 8, leaf: true), .cfgiCD(sid: 9, ssid: 0, leaf: true), .sync,
        .cfgiSTE(sid: 9, leaf: true),
      ]), stage1SIDs: [8, 9])
    #expect(mixed.verdict == .cannotTell)
    // A SID that is not stage 1 (bypass, abort) is no evidence.
    let bypass = DesignEvidence(
      commands: Self.commands([.sync, .sync, .cfgiSTE(sid: 8, leaf: true)]), stage1SIDs: [])
    #expect(bypass.verdict == .cannotTell)
  }
}
