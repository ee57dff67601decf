import Foundation
import TestSupport

/// Drives a command inside a detached tmux session on a private socket, for end-to-end tests
/// of the real `smmuscope` binary: send keys, read the screen, resize, kill.
///
/// Each session gets its own tmux server (`tmux -L smmuscope-test-<pid>-<n>`), so tests can run
/// in parallel and never touch the user's tmux. The server is killed by `kill()` or on deinit.
/// Waiting is always polling (`waitFor`), never a fixed sleep.
final class TmuxSession {
  /// True when a `tmux` executable is on PATH. Use with `.enabled(if: TmuxSession.available)`.
  static var available: Bool { tmuxPath != nil }

  /// The private socket name passed to `tmux -L`.
  let socket: String
  private(set) var width: Int
  private(set) var height: Int
  private var killed = false
  /// Where the pane's shell writes the command's exit status.
  private let statusFile: String

  /// Starts `command` (run by tmux through `sh -c`) in a new detached session.
  /// - Parameters:
  ///   - command: the shell command line to run in the pane.
  ///   - width, height: the pane size in cells.
  ///   - term: the TERM the command sees (tmux's `default-terminal`).
  ///   - environment: extra variables for the command; LANG defaults to C.UTF-8.
  /// - Throws: `TmuxError` when tmux is missing or the session cannot be created.
  init(
    _ command: String, width: Int = 100, height: Int = 30, term: String = "tmux-256color",
    environment: [String: String] = [:]
  ) throws {
    guard Self.tmuxPath != nil else { throw TmuxError.tmuxNotFound }
    socket = "smmuscope-test-\(getpid())-\(Self.counter.next())"
    statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).status").path
    unlink(statusFile)
    self.width = width
    self.height = height
    var env = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
    env.merge(environment) { _, new in new }
    var args = [
      "start-server", ";",
      "set-option", "-g", "default-terminal", term, ";",
      "set-option", "-g", "remain-on-exit", "on", ";",
      "new-session", "-d", "-s", "s", "-x", String(width), "-y", String(height),
    ]
    for (key, value) in env.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(key)=\(value)"] }
    // The shell records the command's exit status in a file: tmux 3.3 sometimes never records
    // `pane_dead_status` (it can miss the child's exit). The subshell keeps the command's own
    // signal dispositions; the trap keeps the outer shell alive through a Ctrl-C.
    args.append("trap true INT; ( \(command)\n); echo $? > '\(statusFile)'")
    let result = try tmux(args)
    guard result.status == 0 else {
      throw TmuxError.commandFailed(args: args, status: result.status, output: result.output)
    }
  }

  deinit { kill() }

  /// Sends keys. Named tmux keys ("Enter", "Escape", "Tab", "Up", "C-c", "NPage", …) are sent
  /// as keys; with `literal: true` each string is typed as text (`send-keys -l`).
  func sendKeys(_ keys: String..., literal: Bool = false) {
    sendKeys(keys, literal: literal)
  }

  /// Array form of `sendKeys(_:literal:)`.
  func sendKeys(_ keys: [String], literal: Bool = false) {
    guard !keys.isEmpty else { return }
    _ = try? tmux(["send-keys", "-t", "s"] + (literal ? ["-l"] : []) + keys)
  }

  /// Types `text` literally (`send-keys -l`).
  func type(_ text: String) { sendKeys([text], literal: true) }

  /// Sends one key `count` times in a single `send-keys -N`, as fast as tmux writes them.
  func sendKey(_ key: String, repeat count: Int) {
    _ = try? tmux(["send-keys", "-t", "s", "-N", String(count), key])
  }

  /// Pastes `text` from a tmux buffer (`paste-buffer`, line breaks sent as CR). With
  /// `bracketed`, tmux wraps it in `ESC[200~` … `ESC[201~` if the program turned bracketed
  /// paste on (`paste-buffer -p`), as a terminal does.
  func paste(_ text: String, bracketed: Bool = true) throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "\(socket)-\(UUID().uuidString).paste")
    try text.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    _ = try tmux(["load-buffer", "-b", "paste", file.path])
    _ = try tmux(["paste-buffer", "-d", "-b", "paste", "-t", "s"] + (bracketed ? ["-p"] : []))
  }

  /// The visible screen, one string per row (no escape sequences, trailing spaces trimmed by tmux).
  func capture() -> [String] {
    guard let result = try? tmux(["capture-pane", "-p", "-t", "s"]), result.status == 0 else { return [] }
    var lines = result.output.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  /// The visible screen with SGR escape sequences kept (`capture-pane -e`), for screenshots.
  func captureWithEscapes() -> String {
    (try? tmux(["capture-pane", "-p", "-e", "-t", "s"]))?.output ?? ""
  }

  /// Polls the screen every 50 ms until `text` appears somewhere on it.
  /// - Returns: true if it appeared before `timeout`.
  func waitFor(_ text: String, timeout: Duration = .seconds(10)) -> Bool {
    waitUntil(timeout: timeout) { $0.contains { $0.contains(text) } }
  }

  /// Polls the screen every 50 ms until `condition` holds for the captured lines.
  /// - Returns: true if it held before `timeout`.
  func waitUntil(timeout: Duration = .seconds(10), _ condition: ([String]) -> Bool) -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
      if condition(capture()) { return true }
      if clock.now >= deadline { return false }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }

  /// Resizes the window (and so the pane and the program's terminal) to `width` x `height`.
  func resize(width: Int, height: Int) {
    _ = try? tmux(["resize-window", "-t", "s", "-x", String(width), "-y", String(height)])
    self.width = width
    self.height = height
  }

  /// True while the command in the pane has not exited (and the session was not killed).
  var isRunning: Bool {
    guard !killed, let result = try? tmux(["display-message", "-p", "-t", "s", "#{pane_dead}"]),
      result.status == 0
    else { return false }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
  }

  /// The command's exit status once it has exited, else nil; 128 + the signal number when a
  /// signal killed it (as a shell reports it).
  var exitStatus: Int32? {
    guard !killed,
      let result = try? tmux(
        ["display-message", "-p", "-t", "s", "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}"]),
      result.status == 0
    else { return nil }
    let parts = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
      .split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == "1" else { return nil }
    if let data = FileManager.default.contents(atPath: statusFile),
      let status = Int32(
        String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    {
      return status
    }
    if let status = Int32(parts[1]) { return status }
    if let signal = Int32(parts[2]) { return 128 + signal }
    return nil
  }

  /// A tmux format evaluated for the pane (e.g. `#{alternate_on}`), or nil if tmux failed.
  func paneFormat(_ format: String) -> String? {
    guard !killed, let result = try? tmux(["display-message", "-p", "-t", "s", format]), result.status == 0
    else { return nil }
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// True while the pane shows the alternate screen (a full-screen program has not yet
  /// restored the terminal); nil if tmux could not tell.
  var alternateScreenOn: Bool? {
    paneFormat("#{alternate_on}").map { $0 == "1" }
  }

  /// Polls every 50 ms until the command has exited, then up to a second more for tmux to
  /// record its exit status (the pane reads as dead a moment before; tmux 3.3 sometimes never
  /// records it, so tests that need the status reliably should have the shell print it).
  /// - Returns: true if it exited in time.
  func waitForExit(timeout: Duration = .seconds(10)) -> Bool {
    guard waitUntil(timeout: timeout, { _ in !self.isRunning }) else { return false }
    _ = waitUntil(timeout: .seconds(1)) { _ in self.exitStatus != nil }
    return true
  }

  /// Kills the private tmux server (and the command with it). Idempotent.
  func kill() {
    guard !killed else { return }
    killed = true
    unlink(statusFile)
    _ = try? tmux(["kill-server"])
  }

  // MARK: - The smmuscope binary

  /// The built `smmuscope` executable: `$SMMUSCOPE_BIN` if set, else the one next to the test
  /// executable (both live in `.build/<triple>/debug`), else `<package>/.build/debug/smmuscope`.
  /// Tests never build it: `swift build` (or `swift test`, which builds every target) does.
  static var smmuscopeBinary: URL? {
    BuiltBinary.smmuscope(
      packageRoot: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent())
  }

  // MARK: - Running tmux

  private static let tmuxPath: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/tmux" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }()

  private static let counter = Counter()

  private func tmux(_ args: [String]) throws -> (status: Int32, output: String) {
    guard let tmuxPath = Self.tmuxPath else { throw TmuxError.tmuxNotFound }
    // -u: treat the client as UTF-8 (else capture-pane turns non-ASCII into '_');
    // -f /dev/null: ignore the user's tmux.conf.
    var environment = ProcessInfo.processInfo.environment
    environment["TMUX"] = nil  // allow use from inside a tmux session
    return try spawnAndWait(
      tmuxPath, arguments: ["-u", "-L", socket, "-f", "/dev/null"] + args, environment: environment)
  }
}

/// Runs a program to completion and returns its exit status and its stdout+stderr.
///
/// Not Foundation's `Process`: that passes on the calling thread's signal mask, and test threads
/// block most signals, so a tmux server started from a test would never see SIGCHLD, SIGTERM or
/// SIGWINCH (nor would the program in its pane). posix_spawn here resets the mask and the signal
/// dispositions. Output goes to a temporary file, not a pipe: the tmux server the client forks
/// could otherwise keep the pipe open and the read would never end.
func spawnAndWait(_ path: String, arguments: [String], environment: [String: String]) throws -> (
  status: Int32, output: String
) {
  let outputPath = FileManager.default.temporaryDirectory
    .appendingPathComponent("tmux-session-\(getpid())-\(UUID().uuidString)").path
  defer { unlink(outputPath) }

  var attributes = posix_spawnattr_t()
  posix_spawnattr_init(&attributes)
  defer { posix_spawnattr_destroy(&attributes) }
  var emptyMask = sigset_t()
  sigemptyset(&emptyMask)
  posix_spawnattr_setsigmask(&attributes, &emptyMask)
  var defaultSignals = sigset_t()
  sigfillset(&defaultSignals)
  sigdelset(&defaultSignals, SIGKILL)
  sigdelset(&defaultSignals, SIGSTOP)
  posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
  posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  posix_spawn_file_actions_adddup2(&actions, 1, 2)

  let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
  let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer { (argv + envp).forEach { free($0) } }

  var pid = pid_t()
  let spawnStatus = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
  guard spawnStatus == 0 else { throw TmuxError.spawnFailed(path: path, errno: spawnStatus) }
  var waitStatus: Int32 = 0
  while waitpid(pid, &waitStatus, 0) == -1 {
    guard errno == EINTR else { throw TmuxError.spawnFailed(path: path, errno: errno) }
  }
  // Exit code if it exited normally, else 128 + signal number (as a shell reports it).
  let exitStatus = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
  let data = FileManager.default.contents(atPath: outputPath) ?? Data()
  return (exitStatus, String(decoding: data, as: UTF8.self))
}

/// Why a tmux session could not be started.
enum TmuxError: Error, CustomStringConvertible {
  case tmuxNotFound
  case commandFailed(args: [String], status: Int32, output: String)
  case spawnFailed(path: String, errno: Int32)

  var description: String {
    switch self {
    case .tmuxNotFound: return "tmux is not on PATH (apt-get install tmux)"
    case .commandFailed(let args, let status, let output):
      return "tmux \(args.joined(separator: " ")) exited \(status): \(output)"
    case .spawnFailed(let path, let code):
      return "could not run \(path): \(String(cString: strerror(code)))"
    }
  }
}

/// Numbers the sessions of this test process.
private final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  func next() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value
  }
}
