import Foundation
import SMMUModel
import Scenario

/// One event of a QEMU trace written by the `log` backend: `PID@SECONDS:EVENT ARGS`
/// (`-msg timestamp=on`), or `EVENT ARGS` without the prefix.
package struct QEMUTraceEvent: Sendable, Hashable {
  /// 1-based line in the trace file.
  package let line: Int
  /// The emitting thread's PID (0 when the line has no prefix).
  package let pid: Int
  /// Host time in seconds (nil when the line has no prefix).
  package let time: Double?
  /// The event name, e.g. `smmuv3_translate_success`.
  package let name: String
  /// Everything after the name.
  package let arguments: String

  /// The numeric operands, by name: `sid=0x8`, `streamid= 0x8`, `addr: 0x80`, `val:0x1`,
  /// `prod.wrap=0` all parse (hex with 0x, otherwise decimal).
  package var fields: [String: UInt64] { Self.scanFields(arguments) }

  /// One operand, or nil.
  package func field(_ name: String) -> UInt64? { fields[name] }

  static func scanFields(_ s: String) -> [String: UInt64] {
    var out: [String: UInt64] = [:]
    let tokens = s.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    var i = 0
    while i < tokens.count {
      let t = tokens[i]
      i += 1
      guard let sep = t.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
      let key = String(t[..<sep])
      var value = String(t[t.index(after: sep)...])
      if value.isEmpty, i < tokens.count {
        value = tokens[i]
        if parseNumber(value) != nil { i += 1 }
      }
      if !key.isEmpty, let v = parseNumber(value) { out[key] = v }
    }
    return out
  }

  /// `0x1f`, `31`, `0x4(0)` (QEMU's mmio size with its region index) → the number.
  static func parseNumber(_ raw: String) -> UInt64? {
    var s = Substring(raw)
    if let p = s.firstIndex(of: "(") { s = s[..<p] }
    if s.hasPrefix("0x") || s.hasPrefix("0X") { return UInt64(s.dropFirst(2), radix: 16) }
    return UInt64(s)
  }
}

/// A QEMU SMMUv3 trace log: its events in file order plus counts of what was not understood.
///
/// Accepts the event names QEMU 7.2 writes and the newer names of later releases (see
/// `knownEvents`); unknown events are counted, not fatal. A file whose first lines are not
/// trace lines, or that holds no SMMU event, is rejected.
package struct QEMUTrace: Sendable {
  /// The path it was read from.
  package let path: String
  /// Every parsed event, in file order.
  package let events: [QEMUTraceEvent]
  /// Events whose names the importer does not know, with their counts.
  package let unknownEvents: [String: Int]
  /// Lines that are not trace lines (skipped once the file is known to be a trace).
  package let malformedLines: Int

  /// Event names the importer understands: QEMU 7.2's and the later renames.
  package static let knownEvents: Set<String> = [
    "smmu_add_mr", "smmuv3_read_mmio", "smmuv3_write_mmio", "smmuv3_cmdq_consume",
    "smmuv3_cmdq_consume_out", "smmuv3_cmdq_consume_error", "smmuv3_cmdq_opcode",
    "smmuv3_unhandled_cmd", "smmuv3_cmdq_cfgi_ste", "smmuv3_cmdq_cfgi_ste_range",
    "smmuv3_cmdq_cfgi_cd", "smmuv3_config_cache_hit", "smmuv3_config_cache_miss",
    "smmuv3_config_cache_inv", "smmu_config_cache_inv", "smmuv3_cmdq_tlbi_nh",
    "smmuv3_cmdq_tlbi_nsnh", "smmuv3_cmdq_tlbi_nh_asid", "smmuv3_cmdq_tlbi_s12_vmid",
    "smmuv3_s1_range_inval", "smmuv3_range_inval", "smmu_iotlb_lookup_hit",
    "smmu_iotlb_lookup_miss", "smmu_iotlb_insert", "smmu_iotlb_inv_all", "smmu_iotlb_inv_asid",
    "smmu_iotlb_inv_asid_vmid", "smmu_iotlb_inv_vmid", "smmu_iotlb_inv_iova",
    "smmu_ptw_level", "smmu_get_pte", "smmu_ptw_page_pte", "smmu_ptw_block_pte",
    "smmu_ptw_invalid_pte", "smmuv3_find_ste", "smmuv3_find_ste_2lvl", "smmuv3_get_ste",
    "smmuv3_get_cd", "smmuv3_decode_cd", "smmuv3_decode_cd_tt", "smmuv3_translate_success",
    "smmuv3_translate_abort", "smmuv3_translate_bypass", "smmuv3_translate_disable",
    "smmuv3_record_event", "smmuv3_trigger_irq", "smmuv3_write_gerror", "smmuv3_write_gerrorn",
    "smmuv3_notify_flag_add", "smmuv3_notify_flag_del", "smmuv3_inv_notifiers_iova",
    "smmu_inv_notifiers_mr", "smmu_iotlb_inv_stage", "smmuv3_get_ste_2lvl",
    // The importer's own pseudo-event (never written by QEMU): a qword store known from
    // elsewhere, `smmuscope_qword_write addr=0x... old=0x... new=0x...`.
    QEMUTrace.qwordWriteEvent,
  ]

  /// A pseudo-event a hand-written or annotated trace may carry: a qword store to the SMMU's
  /// tables (QEMU traces do not contain memory contents). See `ImportReplay`.
  package static let qwordWriteEvent = "smmuscope_qword_write"

  /// Parses trace text.
  package init(text: String, path: String) throws(ImportError) {
    self.path = path
    var events: [QEMUTraceEvent] = []
    var unknown: [String: Int] = [:]
    var malformed = 0
    var smmuEvents = 0
    var lineNumber = 0
    for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
      lineNumber += 1
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
      guard let e = Self.parseLine(line, number: lineNumber) else {
        if events.isEmpty { throw Self.notATraceLine(line, number: lineNumber, path: path) }
        malformed += 1
        continue
      }
      if e.name.hasPrefix("smmu") { smmuEvents += 1 }
      if !Self.knownEvents.contains(e.name) { unknown[e.name, default: 0] += 1 }
      events.append(e)
    }
    guard smmuEvents > 0 else {
      throw ImportError(file: path, line: nil, "no SMMU trace events (was QEMU run with -trace 'smmu*'?)")
    }
    self.events = events
    self.unknownEvents = unknown
    self.malformedLines = malformed
  }

  /// Reads a trace file, plain or gzip-compressed. A file whose first 64 KiB hold no trace
  /// line is rejected without reading (or decompressing) the rest.
  package init(contentsOf path: String) throws(ImportError) {
    let text = try Self.readText(path, probe: { Self.rejectsStart($0, path: path) })
    try self.init(text: text, path: path)
  }

  /// How much of a file is looked at before deciding it is not a trace.
  static let probeBytes = 64 * 1024

  /// Why the start of a file (its first `probeBytes`) is not a trace, or nil: the first line
  /// that is not blank or a comment must be a trace line.
  static func rejectsStart(_ data: Data, path: String) -> ImportError? {
    var window = data.prefix(probeBytes)
    if data.count > probeBytes {
      guard let nl = window.lastIndex(of: 0x0A) else {
        return ImportError(file: path, line: 1, "not a QEMU trace: no line ends in the first 64 KiB")
      }
      window = window[..<nl]
    }
    var text = String(decoding: window, as: UTF8.self)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    var number = 0
    for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
      number += 1
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
      return parseLine(line, number: number) == nil ? notATraceLine(line, number: number, path: path) : nil
    }
    return nil
  }

  /// The error for a first line that is not a trace line (binary data is not shown).
  static func notATraceLine(_ line: Substring, number: Int, path: String) -> ImportError {
    let binary = line.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" }
    let shown = binary ? "(binary data)" : line.count > 60 ? String(line.prefix(60)) + "..." : String(line)
    return ImportError(file: path, line: number, "not a QEMU trace line (PID@SECONDS:EVENT ARGS): \(shown)")
  }

  static func parseLine(_ line: Substring, number: Int) -> QEMUTraceEvent? {
    var rest = line
    var pid = 0
    var time: Double?
    if let at = rest.firstIndex(of: "@"), let p = Int(rest[..<at]) {
      let afterAt = rest[rest.index(after: at)...]
      guard let colon = afterAt.firstIndex(of: ":"), let t = Double(afterAt[..<colon]) else { return nil }
      pid = p
      time = t
      rest = afterAt[afterAt.index(after: colon)...]
    }
    let nameEnd = rest.firstIndex(of: " ") ?? rest.endIndex
    let name = rest[..<nameEnd]
    guard name.count >= 3, let first = name.first, first.isLetter,
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
    else { return nil }
    // Without the PID@TIME prefix only SMMU events are accepted, so prose is not a trace.
    if time == nil && !name.hasPrefix("smmu") { return nil }
    let args = nameEnd < rest.endIndex ? rest[rest.index(after: nameEnd)...] : ""
    return QEMUTraceEvent(
      line: number, pid: pid, time: time, name: String(name), arguments: String(args))
  }

  /// Reads a file as UTF-8 text (see `TextFile`), decompressing gzip (detected by its magic
  /// bytes). `probe` sees the first `probeBytes` and may reject the file early.
  static func readText(_ path: String, probe: ((Data) -> ImportError?)? = nil) throws(ImportError) -> String {
    let data = try readData(path, probe: probe)
    do { return try TextFile.decode(Array(data), file: path) } catch { throw ImportError(error) }
  }

  /// Reads a file's bytes, decompressing gzip with the system `gzip -dc` (Foundation has no
  /// inflate on Linux and the package takes no zlib dependency). A truncated or corrupt gzip
  /// stream is an error naming the file.
  package static func readData(_ path: String) throws(ImportError) -> Data {
    try readData(path, probe: nil)
  }

  static func readData(_ path: String, probe: ((Data) -> ImportError?)?) throws(ImportError) -> Data {
    let data: Data
    do { data = Data(try TextFile.readBytes(path)) } catch { throw ImportError(error) }
    guard data.count >= 2, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B else {
      if let probe, let e = probe(data) { throw e }
      return data
    }
    return try gunzip(path, probe: probe)
  }

  static func gunzip(_ path: String, probe: ((Data) -> ImportError?)? = nil) throws(ImportError) -> Data {
    let candidates = ["/usr/bin/gzip", "/bin/gzip", "/usr/local/bin/gzip", "/opt/homebrew/bin/gzip"]
    guard let gzip = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw ImportError(file: path, "gzip-compressed, but no gzip executable was found to decompress it")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: gzip)
    process.arguments = ["-dc", "--", path]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch {
      throw ImportError(file: path, "cannot run \(gzip): \(error)")
    }
    // Drain stderr concurrently so a chatty gzip cannot block on a full pipe.
    let errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errBox.set(err.fileHandleForReading.readDataToEndOfFile())
      group.leave()
    }
    // Read as it decompresses, so the probe can stop a non-trace after its first bytes.
    var data = Data()
    var probed = probe == nil
    let reader = out.fileHandleForReading
    while true {
      let chunk = reader.availableData
      if chunk.isEmpty { break }
      data.append(chunk)
      if !probed, data.count > probeBytes {
        probed = true
        if let e = probe?(data) {
          // SIGKILL: the child may inherit a mask that blocks SIGTERM (Process spawns from a
          // thread that blocks signals), and gzip must not stay blocked on the full pipe.
          kill(process.processIdentifier, SIGKILL)
          try? reader.close()
          process.waitUntilExit()
          group.wait()
          throw e
        }
      }
    }
    process.waitUntilExit()
    group.wait()
    guard process.terminationStatus == 0 else {
      let why =
        String(data: errBox.get(), encoding: .utf8)?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
      let shown = why.replacingOccurrences(of: path, with: "").replacingOccurrences(of: "gzip: : ", with: "")
      throw ImportError(
        file: path, "truncated or corrupt gzip data" + (shown.isEmpty ? "" : " (gzip: \(shown))"))
    }
    if !probed, let e = probe?(data) { throw e }
    return data
  }
}

/// A lock-protected buffer for a background read.
private final class DataBox: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  func set(_ d: Data) {
    lock.lock()
    data = d
    lock.unlock()
  }
  func get() -> Data {
    lock.lock()
    defer { lock.unlock() }
    return data
  }
}
