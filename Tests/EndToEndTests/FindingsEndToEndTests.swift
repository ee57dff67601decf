import Foundation
import Testing

/// The checker in a real terminal: a file whose CD store has no CFGI_CD is counted live,
/// `!` lists the finding, Enter shows its walk under the stale CD. Every wait polls.
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct FindingsEndToEndTests {
  @Test func bangListsAStaleCDAndEnterWalksIt() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "smmuscope-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("stale.scn")
    try """
    smmu cache-invalid no
    master nvme0 sid 8
    domain dma0 paging
    attach dma0 nvme0
    begin "flip bit 13 of CD 0's q0, no CFGI_CD"
    write cd nvme0 0 0 0x1e205c0001510
    cmd CMD_SYNC
    end
    """.write(to: file, atomically: true, encoding: .utf8)
    let binary = try #require(TmuxSession.smmuscopeBinary, "build smmuscope first (swift build)")
    let command = "'\(binary.path)' --file '\(file.path)'; echo \"[smmuscope exited $?]\"; exec sleep 600"
    let s = try TmuxSession(command, width: 120, height: 40)
    try #require(s.waitFor("smmuscope  design:"), "no title bar:\n\(s.screen)")
    #expect(s.waitFor("! 1 finding"), "\(s.screen)")
    s.sendKeys("!")
    #expect(s.waitFor("Checker: 1 finding, stale 1"), "\(s.screen)")
    #expect(s.waitUntil { $0.contains { $0.contains("stale") && $0.contains("line 5") } }, "\(s.screen)")
    s.sendKeys("Enter")
    #expect(s.waitFor("Walk of nvme0 0x8, finding 1/1: stale line 5"), "\(s.screen)")
    #expect(s.waitFor("cached with q0="), "\(s.screen)")
    #expect(s.waitFor("cache (dropped by CFGI_CD"), "\(s.screen)")
    // Esc: the panes at the point; Esc again: the list; Esc: the live screen.
    s.sendKeys("Escape")
    #expect(s.waitFor("at finding 1/1: stale line 5"), "\(s.screen)")
    s.sendKeys("Escape")
    #expect(s.waitFor("Checker: 1 finding"), "\(s.screen)")
    s.sendKeys("Escape")
    #expect(s.waitUntil { !$0.contains { $0.contains("Checker:") } }, "\(s.screen)")
    s.sendKeys("q")
    #expect(s.waitFor("[smmuscope exited 0]"), "\(s.screen)")
  }
}
