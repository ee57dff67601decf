import SMMUModel
import Scenario

/// The SMMU's caches: the config cache, the TLB and each master's ATC, with their entries
/// (stale config entries marked).
struct CachesPane: Pane {
  let rows: [[Span]]

  init(state: ExplorerState) {
    let smmu = state.session.driver.smmu
    var rows: [[Span]] = []
    let c = smmu.configCache
    rows.append([
      Span(
        "config cache \(c.count)/\(c.capacity)  hits \(c.stats.hits) misses \(c.stats.misses) evict \(c.stats.evictions) inval \(c.stats.invalidations)",
        Style(.header, bold: true))
    ])
    for (k, line) in c.entriesByRecency {
      let stale = line.isStale(in: smmu.memory)
      rows.append([Span("  \(k)"), Span(stale ? "  STALE" : "", Style(.bad, bold: true))])
    }
    let t = smmu.tlb
    rows.append([
      Span(
        "TLB \(t.count)/\(t.capacity)  hits \(t.stats.hits) misses \(t.stats.misses) inval \(t.stats.invalidations)",
        Style(.header, bold: true))
    ])
    for (k, e) in t.entriesByRecency {
      rows.append([Span("  \(k) -> \(hex(e.outputPage))\(e.writable ? "" : " ro")")])
    }
    for sid in smmu.atcs.keys.sorted() {
      guard let atc = smmu.atcs[sid] else { continue }
      let owner = state.derived.streams.first { $0.sid == sid }?.master ?? hex(UInt64(sid))
      rows.append([
        Span(
          "ATC \(owner) \(atc.count)/\(atc.capacity)  hits \(atc.stats.hits) misses \(atc.stats.misses)",
          Style(.header, bold: true))
      ])
      for (k, e) in atc.entriesByRecency { rows.append([Span("  \(k) -> \(hex(e.outputPage))")]) }
    }
    self.rows = rows
  }

  var title: String { PaneID.caches.title }
  var count: Int { rows.count }
  func row(_ i: Int) -> [Span] { rows[i] }
  var emptyText: String { "empty" }
}
