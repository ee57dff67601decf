import Foundation
import Testing

/// The real binary in tmux under signals and fast input: every terminating signal gives the
/// terminal back (alternate screen left, echo and canonical mode on, the shell usable, exit
/// status 128 + N), Ctrl-Z and `fg` suspend and resume, a bracketed paste arrives whole (and
/// never acts as keys outside a text field), and 2 000 key presses sent at once are all applied.
/// Behaviour only: nothing here asserts a time (`scripts/input-bench.py` measures).
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct TerminalRobustnessTests {
  /// Files the pane's shell writes: the binary's pid (the shell execs it, so its pid is the
  /// binary's) and `stty -a` once the binary has exited.
  struct Files {
    let directory: URL
    var pid: URL { directory.appendingPathComponent("pid") }
    var stty: URL { directory.appendingPathComponent("stty") }

    init() throws {
      directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "smmuscope-term-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
  }

  /// Starts the explorer in a shell wrapper that records its pid, then prints its exit status,
  /// saves `stty -a`, and reads one line (to show that typing works again) before it sleeps.
  /// `environment` is put before the command as is (e.g. `"NAME=value "`).
  func start(_ arguments: String = "", environment: String = "", files: Files) throws -> TmuxSession {
    let binary = try #require(TmuxSession.smmuscopeBinary, "build smmuscope first (swift build)")
    let command =
      "trap true INT; \(environment)sh -c 'echo $$ > \"\(files.pid.path)\"; exec \"$0\" \"$@\"' '\(binary.path)' \(arguments)"
      + "; echo \"[smmuscope exited $?]\"; stty -a > '\(files.stty.path)'; read line; echo \"[read: $line]\""
      + "; exec sleep 600"
    let session = try TmuxSession(command, width: 120, height: 40)
    try #require(session.waitFor("smmuscope  design:"), "no title bar:\(session.screen)")
    return session
  }

  /// The binary's pid, from the file its wrapper wrote.
  func pid(_ files: Files) throws -> pid_t {
    let text = try String(contentsOf: files.pid, encoding: .utf8)
    return try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
  }

  /// The words of `stty -a` once the wrapper has written it.
  func sttyFlags(_ files: Files, in session: TmuxSession) -> Set<String> {
    _ = session.waitUntil { _ in
      ((try? String(contentsOf: files.stty, encoding: .utf8)) ?? "").contains("icanon")
    }
    let text = (try? String(contentsOf: files.stty, encoding: .utf8)) ?? ""
    return Set(text.split { $0 == " " || $0 == "\n" || $0 == ";" }.map(String.init))
  }

  @Test(arguments: [SIGQUIT, SIGUSR1, SIGTERM, SIGHUP, SIGINT, SIGUSR2, SIGALRM])
  func aSignalRestoresTheTerminal(_ signal: Int32) throws {
    let files = try Files()
    defer { files.remove() }
    let s = try start(files: files)
    #expect(s.alternateScreenOn == true)
    #expect(kill(try pid(files), signal) == 0)
    #expect(s.waitFor("[smmuscope exited \(128 + signal)]"), "\(s.screen)")
    #expect(s.alternateScreenOn == false, "alternate screen still on")
    let flags = sttyFlags(files, in: s)
    #expect(flags.contains("icanon") && flags.contains("echo"), "\(flags.sorted())")
    #expect(!flags.contains("-icanon") && !flags.contains("-echo"), "\(flags.sorted())")
    // The shell reads a line: typed characters are echoed and Enter ends the line.
    s.type("typed-after-exit")
    s.sendKeys("Enter")
    #expect(s.waitFor("[read: typed-after-exit]"), "\(s.screen)")
    #expect(s.capture().contains { $0.hasPrefix("typed-after-exit") }, "echoed as typed\(s.screen)")
    #expect(!s.capture().contains { $0.contains("crashed") || $0.contains("Crash") }, "\(s.screen)")
  }

  /// A fault gives the terminal back too, then still kills the process (here with the Swift
  /// crash reporter off, so the default action runs at once instead of an interactive report).
  @Test func aFaultRestoresTheTerminalAndStillDiesOfIt() throws {
    let files = try Files()
    defer { files.remove() }
    let s = try start(environment: "SWIFT_BACKTRACE=enable=no ", files: files)
    #expect(kill(try pid(files), SIGSEGV) == 0)
    #expect(s.waitFor("[smmuscope exited \(128 + SIGSEGV)]"), "\(s.screen)")
    #expect(s.alternateScreenOn == false, "alternate screen still on")
    let flags = sttyFlags(files, in: s)
    #expect(flags.contains("icanon") && flags.contains("echo"), "\(flags.sorted())")
  }

  @Test func ctrlZGivesTheTerminalBackAndContinuingTakesItAgain() throws {
    let files = try Files()
    defer { files.remove() }
    let s = try start(files: files)
    let pid = try pid(files)
    #expect(kill(pid, SIGTSTP) == 0)
    #expect(s.waitUntil { _ in s.alternateScreenOn == false }, "not given back on stop\(s.screen)")
    #expect(kill(pid, SIGCONT) == 0)
    #expect(s.waitUntil { _ in s.alternateScreenOn == true }, "not taken back on continue\(s.screen)")
    #expect(s.waitFor("smmuscope  design:"), "not repainted\(s.screen)")
    // Keys work again: open the command line, run a line, quit.
    s.sendKeys(":")
    #expect(s.waitFor("Enter run  Tab complete"), "\(s.screen)")
    s.type("master late sid 0x30")
    s.sendKeys("Enter")
    #expect(s.waitFor("Stream table (3 SIDs)"), "\(s.screen)")
    s.sendKeys("q")
    #expect(s.waitFor("[smmuscope exited 0]"), "\(s.screen)")
  }

  @Test func aLongBracketedPasteArrivesWholeAndRunsLineByLine() throws {
    let files = try Files()
    defer { files.remove() }
    let s = try start(files: files)
    let masters = (0..<40).map { "master p\($0) sid 0x" + String(0x100 + $0, radix: 16) }
    let long = "say \"" + String(repeating: "0123456789abcdef", count: 256) + "\""  // 4 KB
    s.sendKeys(":")
    #expect(s.waitFor("Enter run  Tab complete"))
    try s.paste((masters + [long, "master tail"]).joined(separator: "\n"))
    #expect(s.waitFor("Stream table (42 SIDs)"), "every line ran\(s.screen)")
    #expect(s.waitFor(":master tail"), "the unfinished last line waits in the : line\(s.screen)")
    s.sendKeys("Escape")
    // Write the session to a file: the long line is in it, whole.
    let out = files.directory.appendingPathComponent("session.scn")
    s.sendKeys("w", "C-u")
    s.type(out.path)
    s.sendKeys("Enter")
    #expect(s.waitFor("wrote"), "\(s.screen)")
    let written = try String(contentsOf: out, encoding: .utf8)
    #expect(written.contains(long + "\n"), "the 4 KB line arrived whole")
    #expect(written.contains("master p39 sid 0x127\n"))
    s.sendKeys("q")
    #expect(s.waitFor("[smmuscope exited 0]"), "\(s.screen)")
  }

  @Test func aPasteOutsideATextFieldDoesNotActAsKeys() throws {
    let files = try Files()
    defer { files.remove() }
    let s = try start(files: files)
    try s.paste("p:q\nq")
    #expect(s.waitFor("paste ignored"), "\(s.screen)")
    #expect(s.isRunning, "a pasted q did not quit")
    #expect(s.capture()[0].contains("design: per-master"), "a pasted p did not switch the design")
    s.sendKeys("q")
    #expect(s.waitFor("[smmuscope exited 0]"), "\(s.screen)")
  }

  @Test func twoThousandKeyPressesAreAllApplied() throws {
    let files = try Files()
    defer { files.remove() }
    let scenario = files.directory.appendingPathComponent("many.scn")
    try (0..<2_100).map { "master m\($0) sid \(0x100 + $0)\n" }.joined().write(
      to: scenario, atomically: true, encoding: .utf8)
    let s = try start("--file '\(scenario.path)'", files: files)
    #expect(s.waitFor("Stream table (2100 SIDs)"), "\(s.screen)")
    s.sendKey("j", repeat: 2_000)
    #expect(s.waitFor("2001/2100"), "the selection moved by exactly 2000 rows\(s.screen)")
    s.sendKey("k", repeat: 1_000)
    #expect(s.waitFor("1001/2100"), "\(s.screen)")
    s.sendKeys("q")
    #expect(s.waitFor("[smmuscope exited 0]"), "\(s.screen)")
  }
}
