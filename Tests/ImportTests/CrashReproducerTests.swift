import Foundation
import SMMUModel
import TestSupport
import Testing

@testable import Scenario
@testable import TraceImport

/// Issue #10 reproducers for the importer: trace operands and dump registers out of range are
/// errors naming the file and line (none traps or loops), a non-trace is rejected from its
/// first bytes, and CRLF traces import like LF ones.
@Suite struct ImportCrashReproducerTests {
  /// A fresh temporary directory.
  static func directory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "smmuscope-import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
  }

  /// Writes a trace and imports it; returns the error it gives.
  static func importError(_ trace: String, mem: String? = nil) throws -> ImportError? {
    let path = try directory() + "/trace.log"
    try trace.write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try ImportReplay.run(tracePath: path, memoryDirectory: mem)
      return nil
    } catch {
      return error
    }
  }

  static let sync = "100@1.1:smmuv3_cmdq_opcode <--- SMMU_CMD_SYNC\n"

  @Test func consumeIndexBeyond32BitsIsAnError() throws {
    let e = try #require(
      try Self.importError(
        "100@1.0:smmuv3_cmdq_consume prod=1 cons=0xffffffffffffffff prod.wrap=0 cons.wrap=0\n" + Self.sync))
    #expect(e.line == 1)
    #expect(e.message == "cons=0xffffffffffffffff is out of range: queue indexes are 32-bit register values")
  }

  @Test func walkOffsetsThatOverflowAreErrors() throws {
    let level = "200@2.0:smmu_ptw_level level=0 iova=0x1000 subpage_sz=0x1000 "
    let big = try #require(
      try Self.importError(Self.sync + level + "baseaddr=0x50010000 offset=0x2000000000000000 => pte=0x3\n"))
    #expect(big.line == 2)
    #expect(big.message.hasPrefix("offset=0x2000000000000000 is out of range"))
    let wraps = try #require(
      try Self.importError(Self.sync + level + "baseaddr=0xfffffffffffff000 offset=0x200 => pte=0x3\n"))
    #expect(wraps.line == 2)
    #expect(wraps.message.contains("past 2^64"))
  }

  @Test func translationSIDBeyond32BitsIsAnErrorNotTruncated() throws {
    let e = try #require(
      try Self.importError(
        Self.sync
          + "200@2.0:smmuv3_translate_success mr sid=0x100000001 iova=0x1000 translated=0x1000 perm=0x1\n"))
    #expect(e.line == 2)
    #expect(e.message.hasPrefix("sid=0x100000001 is out of range: stream IDs have at most 32 bits"))
  }

  /// A dump directory: README.txt with `registers` on line 1 and the region lines after it,
  /// and a zeroed 1 KiB strtab.bin at 0x50000000.
  static func dump(registers: String, regions: [String] = []) throws -> String {
    let dir = try directory()
    let readme = [registers, "strtab.bin: phys 0x50000000 size 0x400"] + regions
    try (readme.joined(separator: "\n") + "\n").write(
      toFile: dir + "/README.txt", atomically: true, encoding: .utf8)
    try Data(count: 0x400).write(to: URL(fileURLWithPath: dir + "/strtab.bin"))
    return dir
  }

  static func dumpError(_ dir: String) -> ImportError? {
    do {
      _ = try MemoryDump(directory: dir)
      return nil
    } catch {
      return error
    }
  }

  /// 0x1003f trapped, 0x1003e and 0x10028 looped 2^62 / 2^40 times, SPLIT 31 with LOG2SIZE 33
  /// trapped: each is now an error on the README's register line.
  static let badConfigs: [(UInt64, String)] = [
    (0x1003F, "LOG2SIZE 63 is out of range"), (0x1003E, "LOG2SIZE 62 is out of range"),
    (0x10028, "LOG2SIZE 40 is out of range"),
    (0x107E1, "LOG2SIZE 33 is out of range"),  // FMT 1, SPLIT 31, LOG2SIZE 33
    (0x107E0, "SPLIT 31 is not 6, 8 or 10"), (0x20008, "FMT 2 is reserved"),
    (0x101A0, "2^26 L1 descriptors"),  // FMT 1, SPLIT 6, LOG2SIZE 32
  ]

  @Test(arguments: badConfigs)
  func streamTableConfigOutOfRangeIsAnError(cfg: UInt64, why: String) throws {
    let dir = try Self.dump(registers: "STRTAB_BASE=0x50000000 STRTAB_BASE_CFG=\(hex(cfg))")
    let e = try #require(Self.dumpError(dir))
    #expect(e.file == dir + "/README.txt")
    #expect(e.line == 1)
    #expect(e.message.contains(why), "\(e.message)")
  }

  @Test func largestLinuxGeometryIsAccepted() throws {
    // 2-level, SPLIT 8, LOG2SIZE 25: 2^17 L1 descriptors, Linux's most.
    let dir = try Self.dump(registers: "STRTAB_BASE=0x50000000 STRTAB_BASE_CFG=0x10219")
    #expect(Self.dumpError(dir) == nil)
  }

  @Test func regionAtTheTopOfTheAddressSpaceIsAnError() throws {
    let dir = try Self.dump(
      registers: "STRTAB_BASE=0x50000000 STRTAB_BASE_CFG=0x4",
      regions: ["top.bin: phys 0xfffffffffffffff0 size 0x10"])
    try Data(count: 0x10).write(to: URL(fileURLWithPath: dir + "/top.bin"))
    let e = try #require(Self.dumpError(dir))
    #expect(e.line == 3)
    #expect(e.message.contains("ends beyond the 52-bit physical address space"))
  }

  /// A 64 MB gzip of zeros took 24 s to be rejected: the first 64 KiB decide.
  @Test func gzipOfZerosIsRejectedFromItsFirstBytes() throws {
    let path = try Self.directory() + "/zeros.log.gz"
    let p = try ProcessRunner.shell("head -c 67108864 /dev/zero | gzip -1 > '\(path)'")
    #expect(p.status == 0)
    #expect {
      _ = try QEMUTrace(contentsOf: path)
    } throws: { e in
      guard let e = e as? ImportError else { return false }
      return e.file == path && e.line == 1 && e.message.contains("no line ends in the first 64 KiB")
    }
  }

  @Test func binaryPlainFileIsRejectedWithoutShowingIt() throws {
    let path = try Self.directory() + "/junk.log"
    try Data([0x00, 0x01, 0x02, 0x0A, 0x41]).write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try QEMUTrace(contentsOf: path)
    } throws: { e in
      (e as? ImportError)?.message == "not a QEMU trace line (PID@SECONDS:EVENT ARGS): (binary data)"
    }
  }

  @Test func crlfTraceImportsLikeLF() throws {
    let lf = try String(contentsOfFile: Paths.synthetic + "/trace.log", encoding: .utf8)
    let path = try Self.directory() + "/trace.log"
    try lf.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
    let a = try ImportReplay.run(
      tracePath: Paths.synthetic + "/trace.log", memoryDirectory: Paths.synthetic + "/mem")
    let b = try ImportReplay.run(tracePath: path, memoryDirectory: Paths.synthetic + "/mem")
    #expect(a.translations.count > 0)
    #expect(b.translations == a.translations)
    #expect(b.hazards.count == a.hazards.count)
  }

  @Test func invalidUTF8AndMissingTracesSayWhereAndWhy() throws {
    let path = try Self.directory() + "/trace.log"
    try Data(Array("100@1.0:smmuv3_cmdq_opcode <--- SMMU_CMD_SYNC\nab".utf8) + [0xFE]).write(
      to: URL(fileURLWithPath: path))
    var caught: ImportError?
    do { _ = try QEMUTrace(contentsOf: path) } catch { caught = error }
    let e = try #require(caught)
    #expect(e.description == "\(path):2:3: not UTF-8 text: byte 0xfe here is not valid UTF-8")
    #expect {
      _ = try QEMUTrace(contentsOf: path + ".missing")
    } throws: { e in
      (e as? ImportError)?.message == "cannot read: No such file or directory"
    }
  }
}
