import SMMUDriver
import Testing

@testable import Scenario

/// `compare` on the "memory" walkthrough: 64 masters without PASIDs share one domain.
///
/// Every master has ssid-bits 0, so every CD table needs exactly one CD (64 bytes, s1cdmax 0,
/// linear).
/// - legacy: the domain owns the only CD table; a table is allocated as at least one 4 KiB
///   page, so 1 table, 4096 bytes.
/// - per-master: each master owns a table, again one page each: 64 x 4096 = 262144 bytes.
/// - per-master + compact: each single-entry table is allocated at its exact size, 64 bytes:
///   64 x 64 = 4096 bytes, the same memory as legacy.
struct ComparisonTests {
  @Test func memoryWalkthrough() throws {
    let w = try #require(Walkthrough.named("memory"))
    let c = Comparison(w.scenario)
    #expect(c.labels == ["legacy", "per-master", "per-master+compact", "per-master+invs"])
    func row(_ label: String) -> [String]? { c.rows.first { $0.0 == label }?.1 }
    // The invalidation array (fourth column) changes no table memory: as per-master.
    #expect(row("CD tables") == ["1", "64", "64", "64"])
    #expect(row("CD-table bytes") == ["4096", "262144", "4096", "262144"])
    // The walkthrough states the byte count for page-sized (`paged:`) and compact (`compact:`)
    // tables separately, so it passes in all four configurations.
    #expect(row("failed expects") == ["0", "0", "0", "0"])
    #expect(row("driver errors") == ["0", "0", "0", "0"])

    // Each compact table is exactly one 64-byte CD.
    let compact = c.sessions[2]
    #expect(compact.cdTables.count == 64)
    #expect(compact.cdTables.allSatisfy { $0.table.occupiedBytes == 64 && $0.table.s1cdmax == 0 })
    #expect(compact.cdTableBytes == 64 * 64)
    let perMaster = c.sessions[1]
    #expect(perMaster.cdTables.allSatisfy { $0.table.occupiedBytes == 4096 })
    let legacy = c.sessions[0]
    #expect(legacy.cdTables.map(\.owner).count == 1)

    let text = c.text
    #expect(text.split(separator: "\n").first?.contains("per-master+compact") == true)
    #expect(text.contains("262144"))
  }

  @Test func jsonHasOneObjectPerConfiguration() throws {
    let c = Comparison(try #require(Walkthrough.named("shared-domain")).scenario)
    let json = c.json
    #expect(json.hasPrefix("{\"legacy\":{"))
    #expect(json.contains("\"per-master\":{"))
    #expect(json.contains("\"per-master+compact\":{"))
  }
}
