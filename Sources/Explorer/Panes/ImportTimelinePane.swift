import Scenario
import TraceImport

/// The imported run's narration: the phase and step, the last trace line, the model's and
/// QEMU's cache counters, and the timeline's keys (from its keymap).
struct ImportTimelinePane: Pane {
  let title: String
  let lines: [[Span]]

  init(timeline t: ReplayTimeline) {
    let r = t.result
    title = "Imported QEMU run (CD tables: \(r.design.verdict.rawValue))"
    var out: [[Span]] = [
      [
        Span("phase ", Style(.dim)), Span(t.phase, Style(.title, bold: true)),
        Span("   step \(t.index)/\(t.count)", Style(.dim)),
      ]
    ]
    if let last = t.lines.last { out.append([Span(last, Style(.accent))]) }
    let smmu = t.smmu
    out.append([
      Span(
        "model: cfg-cache hits \(smmu.configCache.stats.hits) misses \(smmu.configCache.stats.misses)"
          + "  TLB hits \(smmu.tlb.stats.hits) misses \(smmu.tlb.stats.misses)"
          + "  hazards \(smmu.hazards.count)", Style(.dim))
    ])
    out.append([
      Span(
        "QEMU (whole run): config hits \(r.caches.qemuConfigHits) misses \(r.caches.qemuConfigMisses)"
          + "  IOTLB hits \(r.caches.qemuTLBHits) misses \(r.caches.qemuTLBMisses)", Style(.dim))
    ])
    out.append([Span(Keymap.timelineMovesLegend, Style(.dim))])
    lines = out
  }

  var count: Int { lines.count }
  func row(_ i: Int) -> [Span] { lines[i] }
  var emptyText: String { "" }

  func render(into g: inout Grid, area: Rect, selected: Int, focused: Bool, glyphs: Glyphs) {
    renderText(into: &g, area: area, glyphs: glyphs)
  }
}
