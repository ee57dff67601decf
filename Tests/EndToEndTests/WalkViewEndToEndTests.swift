import Foundation
import Testing

/// The walk view in a real terminal: Enter on a `dma` line of the log opens that DMA's walk
/// through the hardware; Escape closes it. Every wait polls the screen.
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct WalkViewEndToEndTests {
  func start(_ arguments: String = "", width: Int = 160, height: Int = 48) throws -> TmuxSession {
    let binary = try #require(TmuxSession.smmuscopeBinary, "build smmuscope first (swift build)")
    let command =
      "'\(binary.path)'" + (arguments.isEmpty ? "" : " " + arguments)
      + "; echo \"[smmuscope exited $?]\"; exec sleep 600"
    let session = try TmuxSession(command, width: width, height: height)
    try #require(session.waitFor("smmuscope  design:"), "no title bar:\n\(session.screen)")
    return session
  }

  @Test func enterOnADMALogLineOpensItsWalk() throws {
    let s = try start()
    // The default walkthrough at "One ASID, one set of TLB entries": DMA through both devices.
    s.sendKeys("Space", "Space", "Space")
    #expect(s.waitFor("step 4/5"), "\(s.screen)")
    // Focus the log (the fifth pane); its selection starts on the last line.
    s.sendKeys("Tab", "Tab", "Tab", "Tab")
    #expect(
      s.waitUntil { $0.contains { $0.hasPrefix("│>") && $0.contains(": expect ok dma ==") } }, "\(s.screen)")
    // Up to the second device's DMA, which the first one's TLB entry served.
    s.sendKeys("k", "k", "k")
    #expect(
      s.waitUntil { $0.contains { $0.hasPrefix("│>") && $0.contains(": dma nic0 0x10000") } }, "\(s.screen)")
    s.sendKeys("Enter")
    #expect(s.waitFor("Walk of line 35: dma nic0 0x10000"), "\(s.screen)")
    #expect(s.waitFor("TLB hit"))
    #expect(s.waitFor("cache (dropped by TLBI_NH_VA asid 1 addr 0x10000"))
    #expect(s.waitFor("Esc close"))
    s.sendKeys("G")
    #expect(s.waitFor("=> output address 0x80010000"), "\(s.screen)")
    s.sendKeys("Escape")
    #expect(s.waitUntil { !$0.contains { $0.contains("Walk of line") } }, "\(s.screen)")
    #expect(s.waitFor("┌─ Log"))
    s.sendKeys("q")
    #expect(s.waitFor("[smmuscope exited 0]"), "\(s.screen)")
  }
}
