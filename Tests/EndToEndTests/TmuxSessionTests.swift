import Foundation
import Testing

/// The harness itself, on a plain shell command (independent of smmuscope).
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed"))
struct TmuxSessionTests {
  @Test func showsOutputResizesAndKills() throws {
    let session = try TmuxSession("sh -c 'printf \"hello-from-tmux\\n\"; sleep 30'", width: 80, height: 24)
    #expect(session.waitFor("hello-from-tmux"))
    #expect(session.capture().count == 24)
    #expect(session.isRunning)

    session.resize(width: 60, height: 12)
    #expect(session.waitUntil { $0.count == 12 })
    #expect(session.capture().count == 12)
    #expect(session.capture().allSatisfy { $0.count <= 60 })

    session.kill()
    #expect(!session.isRunning)
    #expect(session.capture().isEmpty)
  }

  @Test func reportsExitAndTypesLiterally() throws {
    let session = try TmuxSession("sh -c 'read line; echo \"got:$line\"; exit 3'", width: 40, height: 5)
    session.type("abc déf")
    session.sendKeys("Enter")
    #expect(session.waitFor("got:abc déf"))
    #expect(session.waitForExit())
    #expect(session.exitStatus == 3)
  }

  @Test func setsTERM() throws {
    let session = try TmuxSession(
      "sh -c 'echo \"term=$TERM\"; sleep 30'", width: 40, height: 5, term: "xterm-256color")
    #expect(session.waitFor("term=xterm-256color"))
  }

  @Test func findsTheBuiltBinary() throws {
    let binary = try #require(TmuxSession.smmuscopeBinary)
    #expect(FileManager.default.isExecutableFile(atPath: binary.path))
  }
}
