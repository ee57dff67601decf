import SMMUDriver
import Testing

@testable import Scenario

/// The master options that follow newer Linux (upstream-2026.md §4): `rmr` (a direct-mapped
/// region: release attaches identity, §4.1) and `ats-always-on` (§4.2), their paths, and the
/// designs that honour them.
struct MasterOptionTests {
  @Test func optionsParse() throws {
    let s = try parsed("master a sid 1 ats ats-always-on rmr\nmaster b sid 2")
    #expect(
      s.lines[0].command
        == .master(
          name: "a", sids: [1], ssidBits: 0, ats: true, stall: false, group: nil, rmr: true, atsAlwaysOn: true
        ))
    #expect(
      s.lines[1].command == .master(name: "b", sids: [2], ssidBits: 0, ats: false, stall: false, group: nil))
  }

  @Test func atsAlwaysOnNeedsATS() {
    do {
      _ = try ScenarioParser.parse("master a sid 1 ats-always-on", file: "t.scn")
      Issue.record("parsed without ats")
    } catch {
      #expect(error.description.contains("ats-always-on is for a device with ATS"))
      #expect(error.column == 16)
    }
  }

  // upstream-2026.md §4.1, R1, and §4.2, A2-A3, through the language.
  @Test func pathsAndReleaseUnderEachDesign() throws {
    let text = """
      master gpu sid 0x10 ats ats-always-on
      master nic sid 0x20 rmr
      expect master.nic.rmr == 1
      expect master.gpu.rmr == 0
      per-master: expect master.gpu.ats-always-on == 1
      per-master: expect master.gpu.cd-table == linear
      legacy: expect master.gpu.ats-always-on == 0
      domain id identity
      attach id gpu
      per-master: expect ste.0x10.config == s1
      per-master: expect ste.0x10.s1dss == bypass
      per-master: expect ste.0x10.eats == 1
      legacy: expect ste.0x10.config == bypass
      remove gpu
      expect ste.0x10.config == abort
      attach id nic
      remove nic
      per-master: expect ste.0x20.config == bypass
      legacy: expect ste.0x20.config == abort
      expect cd-tables == 0
      expect hazards == 0
      """
    for design in DriverDesign.allCases {
      let s = try run(text, design: design)
      #expect(
        s.failures.isEmpty, "\(design): \(s.failures.map { "line \($0.line): \($0.expectation!.message)" })")
    }
  }

  /// upstream-2026.md §6 (unverified there): releasing an ats-always-on device with
  /// `require_direct` attaches identity, which for it is a CD-table STE, and then frees the
  /// CD table that STE points at. The model does what that reading says, and the SMMU model
  /// flags the free.
  @Test func releaseOfADirectMappedATSAlwaysOnDeviceFreesATableInUse() throws {
    let s = try run("master gpu sid 0x10 ats ats-always-on rmr\nremove gpu", design: .perMaster)
    #expect(s.driver.ste(sid: 0x10)?.configValue == .s1Translate)
    #expect(s.driver.smmu.hazards.contains { $0.kind == .useAfterFree })
  }

  /// The state writer keeps both options (the driver's view: legacy has no ats_always_on).
  @Test func theStateWriterKeepsThem() throws {
    let text = "master gpu sid 0x10 ats ats-always-on\nmaster nic sid 0x20 rmr"
    let perMaster = ScenarioWriter.reproduce(try run(text, design: .perMaster))
    #expect(perMaster.contains("master gpu sid 0x10 ats ats-always-on\n"))
    #expect(perMaster.contains("master nic sid 0x20 rmr\n"))
    let replay = try run(perMaster)
    #expect(replay.driver.masters["gpu"]?.atsAlwaysOn == true && replay.driver.masters["nic"]?.rmr == true)
    let legacy = ScenarioWriter.reproduce(try run(text, design: .legacy))
    #expect(legacy.contains("master gpu sid 0x10 ats\n"))
  }

  // upstream-2026.md §4.2, A1: the probe failure is the scenario's -EOPNOTSUPP.
  @Test func probeRefusalIsAnError() throws {
    let s = try run("smmu ssid-bits 0\nmaster gpu sid 0x10 ats ats-always-on\nexpect error -EOPNOTSUPP")
    #expect(s.failures.isEmpty, "\(s.failures.map { $0.expectation!.message })")
  }
}
