import Foundation
import SMMUDriver
import SMMUModel
import Testing

@testable import Scenario

/// Issue #10 reproducers for the scenario language: numbers out of range are parse errors at
/// their column, large or out-of-range mappings are refused, and CRLF / BOM files parse.
@Suite struct CrashReproducerTests {
  static let prelude = "master a sid 1 ssid-bits 4\ndomain d paging\nattach d a\n"

  /// The error `line` (the 4th, after the prelude) gives, or nil when it parses.
  func error(_ line: String) -> ScenarioError? {
    do {
      _ = try ScenarioParser.parse(Self.prelude + line, file: "r.scn")
      return nil
    } catch {
      return error
    }
  }

  @Test(arguments: ["0x100000000", "0x8000000000000000", "0xffffffffffffffff", "4294967296"])
  func steSIDBeyond32BitsIsAParseError(sid: String) throws {
    let e = try #require(error("expect ste.\(sid).config == abort"))
    #expect(e.line == 4)
    #expect(e.column == 12)
    #expect(e.message == "SID \(sid) is out of range: stream IDs have at most 32 bits")
  }

  @Test func steSIDOf32BitsParsesAndReadsNothing() throws {
    #expect(error("expect ste.0xffffffff.config == abort") == nil)
    let s = try run(Self.prelude + "expect ste.0xffffffff.config == abort")
    #expect(s.failures.count == 1, "SID 0xffffffff is beyond the 16-bit table: no such value")
    #expect(s.value(of: "ste.0x100000000.config") == nil, "the query itself never traps")
  }

  @Test func cdSSIDBeyond20BitsIsAParseError() throws {
    let e = try #require(error("expect cd.a.0x100000000.valid == 0"))
    #expect(e.column == 13)
    #expect(e.message == "SSID 0x100000000 is out of range: substream IDs have at most 20 bits")
    #expect(try #require(error("expect cd.a.0x100000.valid == 0")).message.contains("20 bits"))
    #expect(error("expect cd.a.0xfffff.valid == 0") == nil)
    let s = try run(Self.prelude)
    #expect(s.value(of: "cd.a.0x100000000.valid") == nil)
  }

  @Test func aSIDThatIsNotANumberIsAParseError() throws {
    let e = try #require(error("expect ste.0x1ffffffffffffffff.config == abort"))
    #expect(e.message == "SID '0x1ffffffffffffffff' is not a number")
  }

  /// `map d 0 size 0x10000000000` (1 TiB) used to run for ever: the limit is 1 GiB a line.
  @Test func mapOverOneGiBIsRefusedNamingTheLimit() throws {
    let e = try #require(error("map d 0 size 0x10000000000"))
    #expect(e.column == 14)
    #expect(e.message.contains("over the limit of 0x40000000 bytes (1 GiB, 262144 pages)"))
    #expect(try #require(error("unmap d 0 size 0x40001000")).message.contains("limit"))
    #expect(error("map d 0 size 0x40000000") == nil)
  }

  @Test(arguments: ["0x1000000000000", "0xffff000000001000", "0xffffffffffffffff"])
  func mapOfAnIOVAAtOrAbove2To48IsRefused(iova: String) throws {
    let e = try #require(error("map d \(iova)"))
    #expect(e.column == 7)
    #expect(e.message.contains("outside the domain's input range [0, 0x1000000000000)"))
    #expect(try #require(error("unmap d \(iova)")).message.contains("input range"))
  }

  @Test func mapEndingPast2To48OrWithAPABeyondTheOutputIsRefused() throws {
    #expect(try #require(error("map d 0xfffffffff000 size 0x2000")).message.contains("ends beyond"))
    #expect(error("map d 0xfffffffff000 size 0x1000") == nil)
    #expect(try #require(error("map d 0 pa 0x1000000000000")).message.contains("output address size"))
    #expect(try #require(error("map d 0 pa 0xffffffffffffffff")).message.contains("output address size"))
  }

  /// The driver refuses the same ranges on its own (defence for callers other than the parser).
  @Test func driverRefusesOutOfRangeMapsAndNothingAliases() throws {
    var d = Driver()
    _ = d.addMaster(name: "a", sids: [1])
    _ = d.addDomain(name: "d", kind: .paging)
    _ = d.attach(domain: "d", master: "a")
    #expect(d.map(domain: "d", iova: 1 << 48).error?.code == .einval)
    #expect(d.map(domain: "d", iova: 0, size: 1 << 40).error?.code == .einval)
    #expect(d.unmap(domain: "d", iova: 0xFFFF_0000_0000_1000).error?.code == .einval)
    #expect(d.dma(master: "a", iova: 0).translation?.outputAddress == nil, "nothing was mapped at 0")
    #expect(d.map(domain: "d", iova: 0x1000).error == nil)
    let far = try #require(d.dma(master: "a", iova: 0xFFFF_0000_0000_1000).translation)
    #expect(far.outputAddress == nil)
    #expect(far.event?.type == .fTranslation)
  }

  @Test func dmaBeyondTheInputRangeFaultsInsteadOfAliasing() throws {
    let s = try run(
      Self.prelude + """
        map d 0x1000
        dma a 0x1000
        expect dma == 0x80001000
        dma a 0xffff000000001000
        expect dma == abort
        expect event F_TRANSLATION
        dma a 0x1000000000000
        expect dma == abort
        """)
    #expect(s.failures.isEmpty, "\(s.failures.map { $0.expectation!.message })")
  }

  /// CRLF lines used to be one line (`\r\n` is one Character), so nothing ran.
  @Test func crlfScenarioRunsEveryLine() throws {
    let source = (Self.prelude + "map d 0x1000\nexpect errors == 1\n")
      .replacingOccurrences(of: "\n", with: "\r\n")
    let scenario = try parsed(source)
    #expect(scenario.lines.count == 5)
    #expect(scenario.lines.last?.line == 5)
    let s = Session.run(scenario)
    #expect(s.failures.count == 1, "the failing expectation runs and fails")
  }

  @Test func textFileDropsTheBOMAndCROnlyBeforeLF() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\r\n".utf8)
    #expect(try TextFile.decode(bytes, file: "f") == "a\nb\rc\n")
    #expect(
      throws: TextFileError(
        file: "f", line: 2, column: 3, "not UTF-8 text: byte 0xff here is not valid UTF-8")
    ) {
      try TextFile.decode(Array("x\r\nab".utf8) + [0xFF], file: "f")
    }
  }

  @Test func byteOrderMarkIsIgnored() throws {
    let scenario = try parsed("\u{FEFF}master a sid 1\ndomain d paging\n")
    #expect(scenario.lines.count == 2)
    if case .master(let name, _, _, _, _, _, _, _) = scenario.lines[0].command {
      #expect(name == "a")
    } else {
      Issue.record("first line is not the master")
    }
  }
}
