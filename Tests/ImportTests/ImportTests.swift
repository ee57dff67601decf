import Foundation
import SMMUModel
import Testing

@testable import Scenario
@testable import TraceImport

/// Paths: the package root from this file, the synthetic fixtures and the Linux 6.1 sample
/// (a copy of ../shared/samples/qemu-linux-6.1 trimmed to what the importer reads: the trace,
/// the console log, the dumps, and mem/README.txt without its per-STE listing).
enum Paths {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let sample = fixtures + "/linux-6.1"
  static let fixtures = packageRoot.appendingPathComponent("Tests/ImportTests/Fixtures").path
  static let synthetic = fixtures + "/synthetic"
}

/// The 6.1 sample, imported once.
enum Sample {
  static let result: Result<ImportResult, any Error> = Result {
    try ImportReplay.run(tracePath: Paths.sample + "/trace.log.gz", memoryDirectory: Paths.sample + "/mem")
  }
  static func get() throws -> ImportResult { try result.get() }
}

@Suite struct SampleImportTests {
  @Test func sampleIsPresent() {
    #expect(FileManager.default.fileExists(atPath: Paths.sample + "/trace.log.gz"), "missing \(Paths.sample)")
  }

  @Test func devicesAreStage1WithOneEntryLinearCDTables() throws {
    let r = try Sample.get()
    #expect(r.streams.map(\.sid) == [0x8, 0x10])
    for s in r.streams {
      typealias S = StreamTableEntry
      #expect(s.ste.isValid)
      #expect(s.ste.configValue == .s1Translate)
      #expect(s.ste.s1dssValue == .ssid0)
      #expect(s.ste[S.s1cdmax] == 0)
      #expect(s.ste[S.s1fmt] == S.s1fmtLinear)
    }
    #expect(r.cdLayout == "one-per-sid")
    // Linux 6.1 is the legacy design: each CD was written before its STE pointed at it.
    #expect(r.design.verdict == .legacy)
    #expect(r.design.legacySIDs == [0x8, 0x10])
    #expect(r.otherAbortStreams == 254)
  }

  @Test func cdsHoldASIDs1And2AsDumped() throws {
    let r = try Sample.get()
    // Independently of the importer: CD 0 of each device from its dump file.
    func cd(_ file: String) throws -> ContextDescriptor {
      let d = try #require(FileManager.default.contents(atPath: Paths.sample + "/mem/" + file))
      return ContextDescriptor(qwords: MemoryDump.qwords(d))
    }
    let cd8 = try cd("cd_sid0x8.bin")
    let cd10 = try cd("cd_sid0x10.bin")
    #expect(cd8.isValid && cd10.isValid)
    #expect(Set([cd8.asidValue, cd10.asidValue]) == [1, 2])
    let byS = Dictionary(uniqueKeysWithValues: r.streams.map { ($0.sid, $0) })
    #expect(byS[0x8]?.cd0 == cd8)
    #expect(byS[0x10]?.cd0 == cd10)
    #expect(byS[0x8]?.ste.contextPointer == 0x4314_1000)
    #expect(byS[0x10]?.ste.contextPointer == 0x4315_9000)
  }

  @Test func commandCountsEqualTheRingDump() throws {
    let r = try Sample.get()
    // Decode the ring directly.
    let data = try QEMUTrace.readData(Paths.sample + "/mem/cmdq.bin.gz")
    let q = MemoryDump.qwords(data)
    var ring: [String: Int] = [:]
    var n = 0
    for i in stride(from: 0, to: q.count, by: 2) where q[i] != 0 || q[i + 1] != 0 {
      let c = try #require(CommandEncoding.decode([q[i], q[i + 1]]))
      ring[ImportReplay.qemuCommandNames[c.opcode]!, default: 0] += 1
      n += 1
    }
    let fromRing = r.commands.filter { $0.source == .ring }
    #expect(fromRing.count == n)
    #expect(fromRing.reduce(into: [String: Int]()) { $0[$1.name, default: 0] += 1 } == ring)
    #expect(r.ringCounts == ring)
    // The whole stream: the ring's commands plus the 10 issued after the dump (5 TLBI_NH_VA + 5 SYNC).
    #expect(r.commands.count == n + 10)
    var all = ring
    all["TLBI_NH_VA", default: 0] += 5
    all["SYNC", default: 0] += 5
    #expect(r.commandCounts == all)
    #expect(r.commandCounts["CFGI_STE"] == 4 && r.commandCounts["PREFETCH_CONFIG"] == 2)
    #expect(r.commandCounts["CFGI_STE_RANGE"] == 1 && r.commandCounts["TLBI_NSNH_ALL"] == 1)
  }

  @Test func phasesFollowTheConsoleMarks() throws {
    let r = try Sample.get()
    let phases = Dictionary(uniqueKeysWithValues: r.commandsByPhase.map { ($0.phase, $0.counts) })
    #expect(phases["kernel: arm-smmu-v3 probe"] == ["SYNC": 2, "CFGI_STE_RANGE": 1, "TLBI_NSNH_ALL": 1])
    #expect(phases["DMA read start"] == ["TLBI_NH_VA": 1216, "SYNC": 1216])
    #expect(phases["dump window (host pauses VM and pmemsaves SMMU tables)"] == ["TLBI_NH_VA": 5, "SYNC": 5])
  }

  @Test func everyTranslationResolvesToQEMUsAddress() throws {
    let r = try Sample.get()
    #expect(r.translations.count == 3543)
    let bad = r.translations.filter { !$0.matches }
    #expect(bad.isEmpty, "first mismatch at line \(bad.first?.traceLine ?? 0)")
    #expect(r.translations.allSatisfy { if case .translated = $0.qemu { true } else { false } })
    #expect(r.hazards.isEmpty)
  }

  @Test func cacheFiguresBesideQEMUs() throws {
    let c = try Sample.get().caches
    #expect(c.qemuConfigHits == 3541 && c.qemuConfigMisses == 2)
    #expect(c.qemuTLBHits == 2203 && c.qemuTLBMisses == 1340)
    #expect(c.modelConfigHits + c.modelConfigMisses == 3543)
    #expect(c.modelTLB.hits + c.modelTLB.misses == 3543)
  }

  @Test func jsonCarriesTheRequiredKeys() throws {
    let text = ImportReport.json(try Sample.get()).rendered()
    let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    for k in ["commands", "streams", "cds", "translations", "hazards"] { #expect(obj[k] != nil, "\(k)") }
    let streams = try #require(obj["streams"] as? [String: [String: Any]])
    #expect(streams["0x8"]?["config"] as? String == "S1")
    #expect(streams["0x8"]?["s1dss"] as? String == "ssid0")
    #expect(streams["0x8"]?["cd-table"] as? String == "0x43141000")
    let cds = try #require(obj["cds"] as? [String: [String: [String: Any]]])
    #expect(cds["0x8"]?["0"]?["asid"] as? Int == 1)
    #expect(cds["0x10"]?["0"]?["ttb0"] as? String == "0x4314e000")
    let commands = try #require(obj["commands"] as? [String: Int])
    #expect(commands["SYNC"] == 1343 && commands["TLBI_NH_VA"] == 1331)
  }
}

@Suite struct SyntheticImportTests {
  /// The fixture places a translation between a CD store (the `smmuscope_qword_write`
  /// pseudo-event, since QEMU traces carry no memory contents) and its CFGI_CD.
  @Test func translationBetweenCDWriteAndCFGICDIsAHazard() throws {
    let r = try ImportReplay.run(
      tracePath: Paths.synthetic + "/trace.log", memoryDirectory: Paths.synthetic + "/mem")
    #expect(r.qwordWrites == 1)
    #expect(r.translations.count == 3)
    #expect(r.translations.allSatisfy { $0.matches })
    let missing = r.hazards.filter { $0.hazard.kind == .missingInvalidation }
    #expect(missing.count == 1)
    #expect(missing.first?.hazard.missing == "CFGI_CD sid=0x1 ssid=0")
    // Reported at the middle translation (line 21), none after the invalidation.
    #expect(r.hazards.allSatisfy { $0.traceLine == 21 })
    #expect(r.unknownEvents == ["smmuv3_some_future_event": 1])
    #expect(r.commandCounts == ["CFGI_CD": 1, "TLBI_NH_ASID": 1, "SYNC": 1])
  }
}

@Suite struct BadInputTests {
  @Test func nonTraceFileIsRejectedWithItsLine() {
    let path = Paths.synthetic + "/mem/README.txt"
    #expect {
      _ = try ImportReplay.run(tracePath: path)
    } throws: { e in
      guard let e = e as? ImportError else { return false }
      return e.file == path && e.line == 1 && e.message.contains("not a QEMU trace")
    }
  }

  @Test func truncatedGzipIsRejected() throws {
    let data = try #require(FileManager.default.contents(atPath: Paths.sample + "/trace.log.gz"))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "smmuscope-trunc-\(getpid()).log.gz"
    ).path
    #expect(FileManager.default.createFile(atPath: path, contents: data.prefix(4096)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
      _ = try ImportReplay.run(tracePath: path)
    } throws: { e in
      guard let e = e as? ImportError else { return false }
      return e.file == path && e.message.contains("truncated")
    }
  }

  @Test func dumpFromAnotherRunIsRejected() {
    // The synthetic trace programs STRTAB_BASE=0x50000000 on line 7; the sample's README says otherwise.
    #expect {
      _ = try ImportReplay.run(
        tracePath: Paths.synthetic + "/trace.log", memoryDirectory: Paths.sample + "/mem")
    } throws: { e in
      guard let e = e as? ImportError else { return false }
      return e.file.hasSuffix("synthetic/trace.log") && e.line == 7 && e.message.contains("STRTAB_BASE")
    }
  }
}
