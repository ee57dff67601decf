import Foundation
import SMMUDriver
import Testing

@testable import Scenario

/// The runner: driver errors, every `expect` form, failures, and the JSON report.
struct RunnerTests {
  /// Outcomes of the `expect` lines, in order.
  func outcomes(_ s: Session) -> [Bool] { s.results.compactMap { $0.expectation?.passed } }

  @Test func driverErrorIsRecordedAndTheRunGoesOn() throws {
    let s = try run(
      """
      design legacy
      master a sid 0x10 ssid-bits 4
      master b sid 0x11 ssid-bits 8
      domain d paging
      map d 0x1000
      attach d a
      attach d b
      expect error
      expect error -EINVAL
      expect error EINVAL
      expect error -EBUSY
      expect master.b.domain == blocked
      dma a 0x1000
      expect dma == 0x80001000
      expect error
      expect errors == 1
      """)
    let attach = try #require(s.results.first { $0.line == 7 })
    #expect(attach.error?.hasPrefix("-EINVAL") == true)
    #expect(attach.error?.contains("ssid_bits 8 differs") == true)
    #expect(outcomes(s) == [true, true, true, false, true, true, false, true])
    #expect(s.failures.map(\.line) == [11, 15])
    #expect(s.totals.errors == 1)
    // Every line ran: 15 lines after `design`, all recorded.
    #expect(s.results.count == 16)
  }

  @Test func expectEvent() throws {
    let source = """
      master gpu sid 0x20 ssid-bits 8
      domain id identity
      domain ctx paging
      map ctx 0x1000
      attach id gpu
      dma gpu pasid 3 0x1000
      legacy: expect event C_BAD_SUBSTREAMID
      per-master: expect event C_BAD_CD
      expect event F_TRANSLATION
      dma gpu 0x5000
      expect event C_BAD_SUBSTREAMID
      expect dma == 0x5000
      expect events.C_BAD_SUBSTREAMID <= 1
      """
    let legacy = try run(source, design: .legacy)
    #expect(outcomes(legacy) == [true, false, false, true, true])
    #expect(legacy.failures.count == 2)
    #expect(legacy.value(of: "events.C_BAD_SUBSTREAMID") == "1")
    let perMaster = try run(source, design: .perMaster)
    // Per-master: a plain bypass STE (no PASID in use) also refuses SSID traffic.
    #expect(perMaster.results.first { $0.line == 6 }?.events.isEmpty == false)
  }

  @Test func expectHazard() throws {
    let s = try run(
      """
      master nvme0 sid 0x8
      domain a paging
      map a 0x1000
      attach a nvme0
      dma nvme0 0x1000
      expect hazard
      per-master: write cd nvme0 0 0 0
      legacy: write cd a 0 0 0
      dma nvme0 0x1000
      expect hazard missing-invalidation
      expect hazard
      expect hazard torn-update
      expect hazards == 1
      expect hazards.missing-invalidation == 1
      """)
    #expect(outcomes(s) == [false, true, true, false, true, true])
    #expect(s.failures.map(\.line) == [6, 12])
  }

  @Test func failedExpectationsAreListed() throws {
    let s = try run(
      """
      master a sid 1
      expect cd-tables == 1
      expect no.such.path == 3
      expect master.a.domain == blocked
      expect ste.1.config != abort
      expect syncs > 100
      """)
    #expect(s.failures.map(\.line) == [2, 3, 5, 6])
    #expect(s.failures[1].expectation?.message == "no.such.path: no such value")
    #expect(s.failures[0].expectation?.message == "cd-tables == 1; found 0")
  }

  @Test func jsonReport() throws {
    let s = try run(
      """
      master a sid 0x10 ssid-bits 4 ats
      master b sid 0x11 ssid-bits 4
      domain d paging
      domain v sva mm proc
      map d 0x1000
      attach d a
      attach d b
      attach v a pasid 1
      dma a 0x1000
      attach v b pasid 3
      expect error -EINVAL
      """)
    let data = Data(RunReport.json(s).utf8)
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let steps = try #require(root["steps"] as? [[String: Any]])
    #expect(steps.count == 11)
    for step in steps {
      for key in ["line", "command", "writes", "commands", "syncs", "events", "hazards", "error"] {
        #expect(step[key] != nil, "step without \(key)")
      }
    }
    #expect(steps[0]["command"] as? String == "master a sid 0x10 ssid-bits 4 ats")
    #expect(steps[5]["syncs"] as? Int ?? 0 > 0)
    #expect((steps[5]["writes"] as? [[String: Any]])?.isEmpty == false)
    #expect(steps[9]["error"] as? String != nil)
    #expect(steps[0]["error"] is NSNull)
    let counters = try #require(root["counters"] as? [String: Any])
    for key in [
      "cd-tables", "cd-table-bytes", "ste-writes", "cd-writes", "syncs", "commands", "cfg-cache", "tlb",
      "cd-fetches", "hazards", "events",
    ] {
      #expect(counters[key] != nil, "counters without \(key)")
    }
    #expect(counters["cd-tables"] as? Int == 2)
    #expect((counters["commands"] as? [String: Int])?["CMD_SYNC"] ?? 0 > 0)
    for cache in ["cfg-cache", "tlb"] {
      let c = try #require(counters[cache] as? [String: Int])
      #expect(c["hits"] != nil && c["misses"] != nil)
    }
    let state = try #require(root["state"] as? [String: Any])
    let streams = try #require(state["streams"] as? [[String: Any]])
    #expect(streams.map { $0["sid"] as? Int } == [0x10, 0x11])
    #expect(streams.map { $0["cd-table"] as? String } == ["a", "b"])
    let tables = try #require(state["cd-tables"] as? [[String: Any]])
    let cdsOfA = try #require(tables.first { $0["owner"] as? String == "a" }?["cds"] as? [[String: Any]])
    #expect(cdsOfA.map { $0["ssid"] as? Int } == [0, 1])
    #expect(cdsOfA.map { $0["domain"] as? String } == ["d", "mm:proc"])
    let domains = try #require(state["domains"] as? [[String: Any]])
    let d = try #require(domains.first { $0["name"] as? String == "d" })
    let attachments = try #require(d["attachments"] as? [[String: Any]])
    #expect(attachments.count == 2)
    #expect(d["mappings"] as? Int == 1)
    #expect((root["failures"] as? [String])?.isEmpty == true)
  }

  @Test func interactiveLinesAndParseErrors() throws {
    var s = Session(design: .legacy)
    try s.execute(source: "master a sid 1")
    #expect(throws: ScenarioError.self) { try s.execute(source: "attach nothing a") }
    try s.execute(source: "domain d identity")
    try s.execute(source: "attach d a")
    try s.execute(source: "expect ste.1.config == bypass")
    #expect(s.failures.isEmpty)
    #expect(s.results.count == 4)
  }
}
