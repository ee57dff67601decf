import Scenario
import Testing

@testable import Explorer

/// Issue #10 reproducers typed at the explorer's `:` line: each used to kill the session (an
/// integer trap) or run for ever; now each is an error in the status bar and nothing changes.
@Suite struct ExplorerCrashReproducerTests {
  static let lines: [(typed: String, message: String)] = [
    ("expect ste.0x100000000.config == abort", "SID 0x100000000 is out of range"),
    ("expect ste.0xffffffffffffffff.valid == 0", "stream IDs have at most 32 bits"),
    ("expect cd.nvme0.0x100000000.valid == 0", "SSID 0x100000000 is out of range"),
    ("map d 0 size 0x10000000000", "over the limit of 0x40000000 bytes"),
    ("map d 0x1000000000000", "outside the domain's input range"),
    ("unmap d 0xffff000000001000", "outside the domain's input range"),
  ]

  @Test func reproducersAreStatusErrorsAndChangeNothing() {
    var s = Fixture.scenario(
      "master nvme0 sid 1 ssid-bits 4\ndomain d paging\nattach d nvme0\nmap d 0x1000\n")
    let results = s.session.results.map(\.text)
    let text = s.scenarioText
    for (typed, message) in Self.lines {
      s.press(.char(":"))
      s.type(typed)
      s.press(.enter)
      #expect(s.statusIsError, "\(typed)")
      #expect(s.status?.contains(message) == true, "\(typed): \(s.status ?? "no status")")
      #expect(s.session.results.map(\.text) == results, "\(typed) changed the session")
      #expect(s.userLines.isEmpty)
      #expect(s.scenarioText == text)
    }
    #expect(s.render().lines[s.height - 2].contains("error"))
  }

  /// A DMA beyond the input range is a fault in the status bar, not a translation of 0x1000.
  @Test func dmaBeyondTheInputRangeFaults() {
    var s = Fixture.scenario("master nvme0 sid 1\ndomain d paging\nattach d nvme0\nmap d 0x1000\n")
    s.press(.char(":"))
    s.type("dma nvme0 0xffff000000001000")
    s.press(.enter)
    #expect(s.status?.contains("F_TRANSLATION") == true, "\(s.status ?? "no status")")
    #expect(s.session.value(of: "dma") == "abort")
  }
}
