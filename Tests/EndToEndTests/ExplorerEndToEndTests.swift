import Foundation
import TestSupport
import Testing

/// The real `smmuscope` binary in a real terminal (tmux): start-up, the command line, the
/// design switch, walkthrough stepping, resizes, quitting, and refusing to start without a TTY.
/// Every wait polls the screen; nothing sleeps for a fixed time.
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct ExplorerEndToEndTests {
  /// The shell command tmux runs: the binary, then a line with its exit status, then a sleep
  /// that keeps the pane (and its alternate-screen flag) readable. tmux 3.3 can lose
  /// `pane_dead_status` when a command exits right after its terminal output, so the shell
  /// reports the status instead.
  func command(_ arguments: String = "", environment: String = "") throws -> String {
    let binary = try #require(TmuxSession.smmuscopeBinary, "build smmuscope first (swift build)")
    // The trap keeps the shell alive when Ctrl-C sends SIGINT to the whole foreground group
    // (a trap with a command, unlike an ignored signal, is reset for the child on exec).
    return "trap true INT; " + environment + "'\(binary.path)'" + (arguments.isEmpty ? "" : " " + arguments)
      + "; echo \"[smmuscope exited $?]\"; exec sleep 600"
  }

  /// Starts the explorer and waits for its title bar.
  func start(_ arguments: String = "", width: Int = 120, height: Int = 40) throws -> TmuxSession {
    let session = try TmuxSession(try command(arguments), width: width, height: height)
    try #require(session.waitFor("smmuscope  design:"), "no title bar:\n\(session.screen)")
    return session
  }

  /// Quits with `q` and checks that the process exited 0 and gave the terminal back.
  func quit(_ session: TmuxSession, sourceLocation: SourceLocation = #_sourceLocation) {
    session.sendKeys("q")
    #expect(session.waitFor("[smmuscope exited 0]"), "\(session.screen)", sourceLocation: sourceLocation)
    #expect(session.alternateScreenOn == false, "alternate screen still on", sourceLocation: sourceLocation)
  }

  @Test func startsOnTheDefaultWalkthroughWithItsNarration() throws {
    let s = try start()
    let screen = s.capture()
    #expect(screen[0].contains("smmuscope"))
    #expect(screen[0].contains("design: per-master"))
    #expect(screen[0].contains("walkthrough: shared-domain step 1/5"))
    #expect(s.waitFor("Two devices share one paging domain"))
    #expect(s.waitFor("nvme0 (SID 0x8) and nic0 (SID 0x10) have no PASID support"))
    #expect(s.waitFor("Stream table (2 SIDs)"))
    #expect(s.alternateScreenOn == true)
    quit(s)
  }

  /// `smmuscope --file F` runs F under its own `design` line; `--design` overrides the design
  /// and keeps the file's `compact`.
  @Test func aFilesDesignLineIsHonouredUnlessForced() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "smmuscope-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("legacy.scn").path
    try "design legacy compact\nmaster a sid 1\n".write(toFile: path, atomically: true, encoding: .utf8)
    let s = try start("--file '\(path)'")
    #expect(s.capture()[0].contains("design: legacy+compact"), "\(s.screen)")
    quit(s)
    let forced = try start("--file '\(path)' --design per-master")
    #expect(forced.capture()[0].contains("design: per-master+compact"), "\(forced.screen)")
    quit(forced)
  }

  @Test func attachesAtAPASIDFromTheCommandLine() throws {
    let s = try start("--walkthrough pasid-paging")
    #expect(s.waitFor("cd-table of gpu"))
    s.sendKeys(":")
    #expect(s.waitFor("Enter run  Tab complete"))
    s.type("attach ctx gpu pasid 3")
    #expect(s.waitFor(":attach ctx gpu pasid 3"))
    s.sendKeys("Enter")
    #expect(s.waitFor("attach ctx gpu pasid 3: ok"), "\(s.screen)")
    // The new CD row: SSID 3, ASID 2 (ctx), in gpu's table.
    #expect(
      s.waitUntil { $0.contains { $0.contains("│3       2     0x") && $0.contains("ctx") } }, "\(s.screen)")
    quit(s)
  }

  @Test func attachesAtAPASIDInAnOpenedFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "smmuscope-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("pasids.scn")
    try """
    # a device with 4 PASID bits and two paging domains
    master dev sid 0x10 ssid-bits 4
    domain main paging
    domain side paging
    attach main dev
    """.write(to: file, atomically: true, encoding: .utf8)
    let s = try start("--file '\(file.path)'")
    #expect(s.waitFor("opened"))
    s.sendKeys(":")
    s.type("attach side dev pasid 5")
    s.sendKeys("Enter")
    #expect(s.waitFor("attach side dev pasid 5: ok"), "\(s.screen)")
    #expect(
      s.waitUntil { $0.contains { $0.contains("│5       2     0x") && $0.contains("side") } }, "\(s.screen)")
    // A bad line is reported and changes nothing.
    s.sendKeys(":")
    s.type("attach side dev pasid 99")
    s.sendKeys("Enter")
    #expect(s.waitFor("error"), "\(s.screen)")
    quit(s)
  }

  @Test func capitalSOpensTheSweepChart() throws {
    let s = try start()
    s.sendKeys("S")
    // The first S runs the sweep's workloads (about a second in a debug build, more under load).
    #expect(s.waitFor("What each design costs", timeout: .seconds(60)), "\(s.screen)")
    #expect(s.waitFor("CD-table bytes (log scale)", timeout: .seconds(60)), "\(s.screen)")
    #expect(s.waitFor("per-master+compact", timeout: .seconds(60)), "\(s.screen)")
    // At 120x40 the chart is one panel wide: one page down shows the fifth panel's title.
    s.sendKeys("NPage")
    #expect(s.waitFor("CFGI_CD commands", timeout: .seconds(60)), "\(s.screen)")
    s.sendKeys("Escape")
    #expect(
      s.waitUntil(timeout: .seconds(60)) { !$0.joined().contains("What each design costs") }, "\(s.screen)")
    quit(s)
  }

  @Test func pSwitchesTheDesign() throws {
    let s = try start("--walkthrough shared-domain")
    s.sendKeys("Space", "Space")
    #expect(s.waitFor("step 3/5"))
    #expect(s.waitFor("Stream table (2 SIDs)"))
    s.sendKeys("p")
    #expect(s.waitFor("design: legacy"))
    #expect(s.waitFor("(session replayed)"))
    #expect(s.waitFor("─┬▶ T:dma0"), "legacy: both STEs point at the domain's table\(s.screen)")
    s.sendKeys("p")
    #expect(s.waitFor("design: per-master"))
    quit(s)
  }

  @Test func spaceAndBStepThroughTheWalkthrough() throws {
    let s = try start()
    s.sendKeys("Space")
    #expect(s.waitFor("step 2/5"))
    #expect(s.waitFor("Attach the first device"))
    #expect(s.waitFor("✓ expect cd-tables == 1"))
    s.sendKeys("Space")
    #expect(s.waitFor("step 3/5"))
    s.sendKeys("b")
    #expect(s.waitFor("step 2/5"))
    s.sendKeys("b")
    #expect(s.waitFor("step 1/5"))
    quit(s)
  }

  @Test func resizingBelowTheMinimumAndBackRecovers() throws {
    let s = try start()
    #expect(s.waitFor("Stream table"))
    s.resize(width: 40, height: 12)
    #expect(s.waitFor("terminal too small"), "\(s.screen)")
    #expect(s.waitFor("have 40x12"))
    s.resize(width: 120, height: 40)
    #expect(s.waitFor("Stream table"), "\(s.screen)")
    #expect(s.waitFor("Sharing graph"))
    #expect(!s.capture().contains { $0.contains("terminal too small") })
    quit(s)
  }

  @Test func aTinyTerminalAtStartUp() throws {
    let s = try TmuxSession(try command(), width: 40, height: 12)
    #expect(s.waitFor("terminal too small"), "\(s.screen)")
    #expect(s.waitFor("need 60x16, have 40x12"))
    s.resize(width: 100, height: 30)
    #expect(s.waitFor("Stream table"), "\(s.screen)")
    quit(s)
  }

  @Test func qQuitsAndRestoresTheScreen() throws {
    let s = try start()
    #expect(s.alternateScreenOn == true)
    s.sendKeys("q")
    #expect(s.waitFor("[smmuscope exited 0]"), "\(s.screen)")
    #expect(s.alternateScreenOn == false)
    #expect(!s.capture().contains { $0.contains("Stream table") }, "the explorer's screen is gone")
  }

  /// Ctrl-C raises SIGINT (the terminal is in cbreak mode, not raw): the handler restores the
  /// terminal and the process dies of the signal, as a shell expects.
  @Test func ctrlCRestoresTheScreen() throws {
    let s = try start()
    s.sendKeys("C-c")
    #expect(s.waitFor("[smmuscope exited \(128 + SIGINT)]"), "\(s.screen)")
    #expect(s.alternateScreenOn == false)
  }

  @Test func withoutATTYItExitsWithStatus2AndNoEscapes() throws {
    let binary = try #require(TmuxSession.smmuscopeBinary)
    let result = try run(binary, arguments: [], environment: ["TERM": "xterm-256color"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("smmuscope run"), "\(result.stderr)")
    #expect(result.stderr.contains("interactive terminal"))
    #expect(!result.stdout.contains(0x1b) && !result.stderr.contains(0x1b), "escape sequences printed")
  }

  @Test func termDumbExitsWithStatus2() throws {
    // In a real terminal (tmux) but with TERM=dumb.
    let s = try TmuxSession(try command(environment: "TERM=dumb "), width: 160, height: 20)
    #expect(s.waitFor("[smmuscope exited 2]"), "\(s.screen)")
    #expect(s.waitFor("TERM=dumb cannot move the cursor"), "\(s.screen)")
    #expect(s.waitFor("smmuscope run"))
    #expect(s.alternateScreenOn == false)
    // And without a terminal.
    let binary = try #require(TmuxSession.smmuscopeBinary)
    let result = try run(binary, arguments: [], environment: ["TERM": "dumb"])
    #expect(result.status == 2)
    #expect(!result.stdout.contains(0x1b) && !result.stderr.contains(0x1b))
  }

  /// Runs the binary with stdin from /dev/null and stdout/stderr to pipes.
  func run(_ binary: URL, arguments: [String], environment: [String: String]) throws -> (
    status: Int32, stdout: [UInt8], stderr: String
  ) {
    let r = try ProcessRunner.run(binary, arguments, environment: environment)
    #expect(!r.stderr.contains(0x1b))
    return (r.status, r.stdout, r.stderrText)
  }
}

extension TmuxSession {
  /// The screen as one string, for failure messages.
  var screen: String { "\n" + capture().joined(separator: "\n") }
}

extension String {
  /// True if the UTF-8 bytes contain `byte`.
  func contains(_ byte: UInt8) -> Bool { utf8.contains(byte) }
}
