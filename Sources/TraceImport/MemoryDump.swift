import Foundation
import SMMUModel
import Scenario

/// Raw little-endian dumps of the SMMU's structures saved from guest memory, described by a
/// `README.txt` in the same directory:
///
///     STRTAB_BASE=0x4000000048388000 STRTAB_BASE_CFG=0x10210 ...
///     strtab_l1.bin: phys 0x48388000 size 0x800  (...)
///     cmdq.bin: phys 0x7ad00000 size 0x100000  (CMDQ_BASE=0x400000007ad00010: ...)
///
/// Each `NAME: phys ADDR size SIZE` line names a file (`NAME` or `NAME.gz`); files that are
/// absent are skipped. What a region holds is found from the registers and the tables
/// themselves (the stream table at STRTAB_BASE, L2 tables through valid L1 descriptors, CD
/// tables through valid stage-1 STEs, the command queue at CMDQ_BASE), not from file names.
package struct MemoryDump: Sendable {
  /// One dumped region.
  package struct Region: Sendable, Hashable {
    /// The file name as README.txt gives it.
    package let name: String
    /// Its physical address.
    package let address: UInt64
    /// The contents as qwords.
    package let qwords: [UInt64]
    /// The README line describing it.
    package let line: Int

    package var bytes: UInt64 { UInt64(qwords.count * 8) }
    package func contains(_ a: UInt64) -> Bool { a >= address && a < address + bytes }
  }

  /// The directory it was read from.
  package let directory: String
  /// Registers found in README.txt, by name (STRTAB_BASE, STRTAB_BASE_CFG, CMDQ_BASE, ...).
  package let registers: [String: UInt64]
  /// README.txt line of each register.
  package let registerLines: [String: Int]
  /// Regions present on disk, by address.
  package let regions: [Region]
  /// Regions README.txt lists whose files are absent.
  package let missingFiles: [String]

  package var readmePath: String { directory + "/README.txt" }

  /// Reads a dump directory.
  package init(directory: String) throws(ImportError) {
    self.directory = directory
    let readme = directory + "/README.txt"
    guard FileManager.default.fileExists(atPath: readme) else {
      throw ImportError(file: readme, "missing: a memory dump directory needs README.txt")
    }
    let text = try QEMUTrace.readText(readme)
    var registers: [String: UInt64] = [:]
    var registerLines: [String: Int] = [:]
    var regions: [Region] = []
    var missing: [String] = []
    let registerNames = ["STRTAB_BASE", "STRTAB_BASE_CFG", "CMDQ_BASE", "EVENTQ_BASE"]
    for (i, raw) in text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }
    )
    .enumerated() {
      let line = String(raw)
      for token in line.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ")" || $0 == ":" }) {
        let parts = token.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, registerNames.contains(String(parts[0])),
          let v = QEMUTraceEvent.parseNumber(String(parts[1]))
        else { continue }
        if registers[String(parts[0])] == nil {
          registers[String(parts[0])] = v
          registerLines[String(parts[0])] = i + 1
        }
      }
      guard let r = Self.parseRegionLine(line) else { continue }
      guard r.address < Self.physicalLimit, r.size <= Self.physicalLimit - r.address else {
        throw ImportError(
          file: readme, line: i + 1,
          "region \(r.name) at \(hex(r.address)) size \(hex(r.size)) ends beyond the 52-bit physical "
            + "address space (\(hex(Self.physicalLimit)))")
      }
      let path = directory + "/" + r.name
      let file = FileManager.default.fileExists(atPath: path) ? path : path + ".gz"
      guard FileManager.default.fileExists(atPath: file) else {
        missing.append(r.name)
        continue
      }
      let data = try QEMUTrace.readData(file)
      guard UInt64(data.count) == r.size else {
        throw ImportError(
          file: file,
          "holds \(data.count) bytes but \(readme) line \(i + 1) says size \(hex(r.size))")
      }
      guard r.size % 8 == 0, r.address % 8 == 0 else {
        throw ImportError(file: readme, line: i + 1, "region \(r.name) is not qword aligned")
      }
      regions.append(Region(name: r.name, address: r.address, qwords: Self.qwords(data), line: i + 1))
    }
    regions.sort { $0.address < $1.address }
    for (a, b) in zip(regions, regions.dropFirst()) where a.address + a.bytes > b.address {
      throw ImportError(file: readme, line: b.line, "region \(b.name) overlaps \(a.name)")
    }
    guard registers["STRTAB_BASE"] != nil, registers["STRTAB_BASE_CFG"] != nil else {
      throw ImportError(file: readme, "no STRTAB_BASE=... STRTAB_BASE_CFG=... registers line")
    }
    if let why = Self.streamTableConfigProblem(registers["STRTAB_BASE_CFG"] ?? 0) {
      throw ImportError(file: readme, line: registerLines["STRTAB_BASE_CFG"], why)
    }
    self.registers = registers
    self.registerLines = registerLines
    self.regions = regions
    self.missingFiles = missing
    guard regionContaining(streamTableAddress) != nil else {
      throw ImportError(
        file: readme, line: registerLines["STRTAB_BASE"],
        "no dumped region holds the stream table at STRTAB_BASE \(hex(streamTableAddress))")
    }
  }

  /// `name: phys 0xADDR size 0xSIZE ...`
  static func parseRegionLine(_ line: String) -> (name: String, address: UInt64, size: UInt64)? {
    let t = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard t.count >= 5, t[0].hasSuffix(":"), t[1] == "phys", t[3] == "size",
      let a = QEMUTraceEvent.parseNumber(t[2]), let s = QEMUTraceEvent.parseNumber(t[4]), s > 0
    else { return nil }
    return (String(t[0].dropLast()), a, s)
  }

  static func qwords(_ d: Data) -> [UInt64] {
    var out = [UInt64](repeating: 0, count: d.count / 8)
    d.withUnsafeBytes { raw in
      for i in 0..<out.count {
        out[i] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
      }
    }
    return out
  }

  // MARK: Registers

  /// Physical addresses have at most 52 bits.
  static let physicalLimit: UInt64 = 1 << 52
  /// The most L1 descriptors a 2-level stream table may have here: Linux's cap (2^17).
  static let maxL1Descriptors = 1 << 17

  /// Why a STRTAB_BASE_CFG value cannot describe a stream table, or nil: FMT is linear or
  /// 2-level, LOG2SIZE <= 32 (SIDSIZE <= 32), SPLIT is 6, 8 or 10 for a 2-level table, and
  /// the L1 table has at most `maxL1Descriptors` entries.
  static func streamTableConfigProblem(_ cfg: UInt64) -> String? {
    let fmt = (cfg >> 16) & 3
    let split = Int((cfg >> 6) & 0x1F)
    let log2 = Int(cfg & 0x3F)
    let shown = "STRTAB_BASE_CFG=\(hex(cfg))"
    guard fmt <= 1 else { return "\(shown): FMT \(fmt) is reserved (0 linear, 1 2-level)" }
    guard log2 <= 32 else {
      return "\(shown): LOG2SIZE \(log2) is out of range: stream IDs have at most 32 bits"
    }
    guard fmt == 1 else { return nil }
    guard [6, 8, 10].contains(split) else {
      return "\(shown): SPLIT \(split) is not 6, 8 or 10"
    }
    guard log2 <= split || 1 << (log2 - split) <= maxL1Descriptors else {
      return "\(shown): 2^\(log2 - split) L1 descriptors (LOG2SIZE \(log2) - SPLIT \(split)) is more than "
        + "the 2^17 Linux allocates"
    }
    return nil
  }

  /// STRTAB_BASE's address field (bits 51:6).
  package var streamTableAddress: UInt64 { (registers["STRTAB_BASE"] ?? 0) & 0x000F_FFFF_FFFF_FFC0 }
  package var streamTableConfig: UInt64 { registers["STRTAB_BASE_CFG"] ?? 0 }
  package var twoLevel: Bool { (streamTableConfig >> 16) & 3 == 1 }
  package var split: Int { Int((streamTableConfig >> 6) & 0x1F) }
  package var log2Size: Int { Int(streamTableConfig & 0x3F) }

  // MARK: Reading

  /// The region holding `address`.
  package func regionContaining(_ address: UInt64) -> Region? {
    regions.first { $0.contains(address) }
  }

  /// A qword of dumped memory, or nil where nothing was dumped.
  package func qword(_ address: UInt64) -> UInt64? {
    guard let r = regionContaining(address) else { return nil }
    return r.qwords[Int((address - r.address) / 8)]
  }

  /// 8 qwords from `address`, or nil.
  package func entry(_ address: UInt64) -> [UInt64]? {
    var q: [UInt64] = []
    for i in 0..<8 {
      guard let v = qword(address + UInt64(i * 8)) else { return nil }
      q.append(v)
    }
    return q
  }

  /// One STE found in the dumped stream table.
  package struct StreamEntry: Sendable, Hashable {
    package let sid: UInt32
    package let address: UInt64
    package let ste: StreamTableEntry
  }

  /// Every dumped STE, in SID order (through the L1 descriptors for a 2-level table).
  package var streamEntries: [StreamEntry] {
    var out: [StreamEntry] = []
    if twoLevel {
      let l1Count = log2Size > split ? 1 << (log2Size - split) : 1
      for i in 0..<l1Count {
        guard let d = qword(streamTableAddress + UInt64(i * 8)), d & 0x1F != 0 else { continue }
        let span = Int(d & 0x1F)
        guard span <= split + 1 else { continue }  // an unusable descriptor (SPAN too large)
        let l2 = d & 0x000F_FFFF_FFFF_FFC0
        for low in 0..<(1 << max(span - 1, 0)) {
          let sid = UInt32(i << split | low)
          let a = l2 + UInt64(low * 64)
          guard a < Self.physicalLimit, let q = entry(a) else { break }
          out.append(StreamEntry(sid: sid, address: a, ste: StreamTableEntry(qwords: q)))
        }
      }
    } else {
      for sid in 0..<(1 << min(log2Size, 16)) {
        let a = streamTableAddress + UInt64(sid * 64)
        guard let q = entry(a) else { break }
        out.append(StreamEntry(sid: UInt32(sid), address: a, ste: StreamTableEntry(qwords: q)))
      }
    }
    return out
  }

  /// Addresses of the L2 stream tables the L1 descriptors point at, with their first SID.
  package var l2Tables: [(address: UInt64, firstSID: UInt64)] {
    guard twoLevel else { return [] }
    let l1Count = log2Size > split ? 1 << (log2Size - split) : 1
    var out: [(UInt64, UInt64)] = []
    for i in 0..<l1Count {
      guard let d = qword(streamTableAddress + UInt64(i * 8)), d & 0x1F != 0 else { continue }
      out.append((d & 0x000F_FFFF_FFFF_FFC0, UInt64(i << split)))
    }
    return out
  }

  /// The command ring at CMDQ_BASE as 16-byte slots, when dumped.
  package var commandRing: [[UInt64]]? {
    guard let base = registers["CMDQ_BASE"] else { return nil }
    let address = base & 0x000F_FFFF_FFFF_FFE0
    let log2 = min(Int(base & 0x1F), 19)  // CMDQS <= 19
    guard let r = regions.first(where: { $0.address == address }) else { return nil }
    let slots = min(1 << log2, r.qwords.count / 2)
    guard slots > 0 else { return nil }
    return (0..<slots).map { [r.qwords[2 * $0], r.qwords[2 * $0 + 1]] }
  }

  /// The region name holding the command ring.
  package var commandRingName: String? {
    guard let base = registers["CMDQ_BASE"] else { return nil }
    return regions.first(where: { $0.address == base & 0x000F_FFFF_FFFF_FFE0 })?.name
  }
}
