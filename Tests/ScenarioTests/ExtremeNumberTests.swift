import SMMUDriver
import Scenario
import TestSupport
import Testing

/// The class of issue #10: lines of every kind with numbers at and beyond their bounds,
/// parsed and run line by line as the explorer's `:` line does. A trap would end the test
/// process; a refused line must leave the session unchanged and point inside the line.
@Suite struct ExtremeNumberTests {
  static let numbers = [
    "0", "1", "0xfff", "0x1000", "0xfffff", "0x100000", "0xffffffff", "0x100000000", "0xfffffffff000",
    "0x1000000000000", "0xffff000000001000", "0x7fffffffffffffff", "0x8000000000000000",
    "0xfffffffffffff000", "0xffffffffffffffff", "18446744073709551616", "0x40000000", "0x40001000",
  ]

  static let templates = [
    "map d N", "map d N size N", "map d 0x1000 size N pa N", "unmap d N size N", "dma a N", "dma a N write",
    "dma a pasid N N", "attach d a pasid N", "asid d N", "write ste N N N", "write cd a N N N",
    "cmd TLBI_NH_VA asid N addr N", "cmd ATC_INV sid N addr N", "cmd CFGI_CD sid N ssid N",
    "cmd CFGI_STE sid N leaf N", "expect ste.N.config == abort", "expect cd.a.N.valid == N",
    "expect cd.d.N.asid == N", "expect dma == N", "smmu sid-bits N", "master z sid N ssid-bits N",
  ]

  @Test func extremeNumbersNeverTrapAndRefusedLinesChangeNothing() {
    var rng = SplitMix64(state: 10)
    var session = Session()
    for line in ["master a sid 1 ssid-bits 4 ats", "domain d paging", "attach d a", "map d 0x1000"] {
      #expect(throws: Never.self) { try session.execute(source: line) }
    }
    var refused = 0
    for _ in 0..<3000 {
      var line = ""
      for ch in rng.pick(Self.templates) {
        line += ch == "N" ? rng.pick(Self.numbers) : String(ch)
      }
      let before = session.results.count
      do {
        try session.execute(source: line)
      } catch {
        refused += 1
        #expect(session.results.count == before, "\(line)")
        #expect((1...line.count + 1).contains(error.column), "\(line): column \(error.column)")
      }
    }
    #expect(refused > 0 && refused < 3000, "both refused and accepted lines were tried")
  }
}
