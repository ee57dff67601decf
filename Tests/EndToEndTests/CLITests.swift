import Foundation
import TestSupport
import Testing

/// The `smmuscope` executable: exit codes, diagnostics and JSON of `run`, `compare` and
/// `transition`.
struct CLITests {
  struct NotBuilt: Error, CustomStringConvertible {
    var description: String { "smmuscope is not built next to the tests (or set SMMUSCOPE_BIN)" }
  }

  struct Output {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// The built executable: `$SMMUSCOPE_BIN`, else the one in the build directory of this
  /// test runner (`.build/<triple>/debug`).
  static var binary: URL? {
    BuiltBinary.smmuscope(
      packageRoot: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent())
  }

  func smmuscope(_ arguments: [String]) throws -> Output {
    guard let binary = Self.binary else { throw NotBuilt() }
    let r = try ProcessRunner.run(binary, arguments)
    return Output(status: r.status, stdout: r.stdoutText, stderr: r.stderrText)
  }

  /// Writes a scenario to a fresh temporary file.
  func file(_ text: String, name: String = "test.scn") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "smmuscope-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func isJSON(_ s: String) -> Bool {
    (try? JSONSerialization.jsonObject(with: Data(s.utf8))) != nil
  }

  @Test func syntaxErrorExits2WithCaretAndRunsNothing() throws {
    let path = try file(
      """
      master a sid 0x10
      domain d paging
      attach d a
      map d 0xZZ
      """)
    let r = try smmuscope(["run", path])
    #expect(r.status == 2)
    #expect(r.stdout.isEmpty)
    let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first == "\(path):4:7: error: '0xZZ' is not a number")
    #expect(lines.dropFirst().first == "map d 0xZZ")
    #expect(lines.dropFirst(2).first == "      ^")
    #expect(!r.stderr.contains("attach"))
  }

  @Test func failingExpectExits1AndNamesIt() throws {
    let path = try file(
      """
      master a sid 0x10
      expect cd-tables == 0
      expect master.a.domain == d
      """)
    let r = try smmuscope(["run", path])
    #expect(r.status == 1)
    #expect(r.stdout.contains("1 expectation(s) FAILED"))
    #expect(r.stderr.contains("\(path):3: expectation failed: master.a.domain == d; found blocked"))
    let ok = try smmuscope(["run", try file("master a sid 0x10\nexpect cd-tables == 0\n")])
    #expect(ok.status == 0)
    #expect(ok.stdout.contains("all expectations passed"))
  }

  @Test func runJSONAndCompareJSONAreValid() throws {
    let r = try smmuscope(["run", "--walkthrough", "sva-leak", "--json"])
    #expect(r.status == 0)
    #expect(isJSON(r.stdout))
    let legacy = try smmuscope(["run", "--walkthrough", "shared-domain", "--design", "legacy", "--json"])
    #expect(legacy.stdout.hasPrefix("{\"design\":\"legacy\""))
    let c = try smmuscope(["compare", "--walkthrough", "memory", "--json"])
    #expect(c.status == 0)
    #expect(isJSON(c.stdout))
    let path = try file("master a sid 1\ndomain d paging\nattach d a\n")
    let cf = try smmuscope(["compare", path, "--json"])
    #expect(cf.status == 0)
    #expect(isJSON(cf.stdout))
  }

  @Test func transitionCommand() throws {
    let bad = try smmuscope(["transition", "ste", "foo", "bar"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("abort | bypass | cdtable[:OPTS] | s2[:OPTS]"))
    let ok = try smmuscope(["transition", "ste", "bypass", "abort"])
    #expect(ok.status == 0)
    #expect(ok.stdout.split(separator: "\n").last == "syncs=2 hitless=yes")
    let cd = try smmuscope(["transition", "cd", "empty", "s1:asid=1997", "--json"])
    #expect(cd.status == 0)
    #expect(isJSON(cd.stdout))
    #expect(cd.stdout.contains("\"syncs\":2"))
    #expect(cd.stdout.contains("\"hitless\":false"))
  }

  @Test func walkthroughsListAndShow() throws {
    let list = try smmuscope(["walkthroughs"])
    #expect(list.status == 0)
    #expect(list.stdout.split(separator: "\n").count == 17)
    let show = try smmuscope(["walkthroughs", "--show", "memory"])
    #expect(show.stdout.contains("master dev63 sid 0x13f"))
    let missing = try smmuscope(["run", "--walkthrough", "nope"])
    #expect(missing.status == 2)
  }

  @Test func kunitPrintsEveryTransitionLine() throws {
    let path = try file(
      "transition ste bypass abort\nmaster a sid 1\ntransition cd s1:asid=778 s1:asid=1997\n")
    let out = try smmuscope(["kunit", path])
    #expect(out.status == 0)
    #expect(
      out.stdout.contains("arm_smmu_v3_test_ste_expect_hitless_transition(test, &bypass_ste, &abort_ste,"))
    #expect(
      out.stdout.contains("KUNIT_CASE(arm_smmu_v3_write_cd_test_smmuscope_s1_asid_778_to_s1_asid_1997),"))
    let none = try smmuscope(["kunit", try file("master a sid 1\n")])
    #expect(none.status == 2)
    #expect(none.stderr.contains("has no 'transition' lines"))
  }
}
