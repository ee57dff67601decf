import Foundation
import Testing

/// Issue #10 reproducers through the built binary: each is a `FILE:LINE:COL: error:` with
/// exit status 2 (none traps with status 132), and CRLF files run.
extension CLITests {
  /// Writes raw bytes to a fresh temporary file.
  func file(bytes: [UInt8], name: String = "test.scn") throws -> String {
    let path = try file("", name: name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func sidBeyond32BitsExits2WithPosition() throws {
    let path = try file(
      "master a sid 1\ndomain d paging\nattach d a\nexpect ste.0x100000000.config == abort\n")
    let r = try smmuscope(["run", path])
    #expect(r.status == 2)
    #expect(
      r.stderr.hasPrefix(
        "\(path):4:12: error: SID 0x100000000 is out of range: stream IDs have at most 32 bits"))
    let cd = try file("master a sid 1 ssid-bits 4\nexpect cd.a.0x100000000.valid == 0\n")
    let c = try smmuscope(["run", cd])
    #expect(c.status == 2)
    #expect(c.stderr.hasPrefix("\(cd):2:13: error: SSID 0x100000000 is out of range"))
  }

  @Test func hugeOrAliasingMapExits2NamingTheLimit() throws {
    let big = try file("domain d paging\nmap d 0 size 0x10000000000\n")
    let r = try smmuscope(["run", big])
    #expect(r.status == 2)
    #expect(
      r.stderr.hasPrefix("\(big):2:14: error: size 0x10000000000 is over the limit of 0x40000000 bytes"))
    let high = try file("domain d paging\nmap d 0x1000000000000\n")
    let h = try smmuscope(["run", high])
    #expect(h.status == 2)
    #expect(
      h.stderr.hasPrefix("\(high):2:7: error: IOVA 0x1000000000000 is outside the domain's input range"))
  }

  /// A CRLF scenario with a failing expectation used to run nothing and exit 0.
  @Test func crlfScenarioWithAFailingExpectationExits1() throws {
    let text = "\u{FEFF}master a sid 0x10\r\nexpect cd-tables == 0\r\nexpect master.a.domain == d\r\n"
    let path = try file(text)
    let r = try smmuscope(["run", path])
    #expect(r.status == 1)
    #expect(r.stderr.contains("\(path):3: expectation failed: master.a.domain == d; found blocked"))
  }

  @Test func invalidUTF8NamesLineAndColumn() throws {
    let path = try file(
      bytes: Array("master a sid 1\ndomain é ".utf8) + [0xC3, 0x28] + Array(" paging\n".utf8))
    let r = try smmuscope(["run", path])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("\(path):2:10: error: not UTF-8 text: byte 0xc3 here is not valid UTF-8"))
  }

  @Test func unreadableFilesSayWhy() throws {
    let dir = URL(fileURLWithPath: try file("")).deletingLastPathComponent().path
    let missing = try smmuscope(["run", dir + "/nonexistent.scn"])
    #expect(missing.status == 2)
    #expect(missing.stderr.hasPrefix("\(dir)/nonexistent.scn: error: cannot read: No such file or directory"))
    let directory = try smmuscope(["compare", dir])
    #expect(directory.status == 2)
    #expect(directory.stderr.hasPrefix("\(dir): error: cannot read: Is a directory"))
    let fifo = dir + "/fifo.scn"
    #expect(mkfifo(fifo, 0o600) == 0)
    let f = try smmuscope(["run", fifo])
    #expect(f.status == 2, "a FIFO is refused without opening it (opening would block)")
    #expect(f.stderr.hasPrefix("\(fifo): error: cannot read: it is a FIFO, not a regular file"))
  }

  @Test func badTraceOperandExits2WithFileAndLine() throws {
    let path = try file(
      "100@1.0:smmuv3_cmdq_consume prod=1 cons=0xffffffffffffffff prod.wrap=0 cons.wrap=0\n"
        + "100@1.1:smmuv3_cmdq_opcode <--- SMMU_CMD_SYNC\n", name: "trace.log")
    let r = try smmuscope(["import", path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("\(path):1: cons=0xffffffffffffffff is out of range"))
  }
}
