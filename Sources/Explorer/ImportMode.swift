import SMMUDriver
import SMMUModel
import Scenario

/// The explorer over an imported QEMU run: a read-only timeline of the real command stream
/// and translations, replayed through the model, with the same panes as for scenarios.
extension ExplorerState {
  /// Opens an imported run at its first step.
  public mutating func open(import result: ImportResult) {
    walkthrough = nil
    timeline = ReplayTimeline(result)
    seek(to: 0)
    status = "imported \(result.tracePath): Space next step, b back, ] next command, } next phase"
    statusIsError = false
  }

  /// Moves the timeline and shows the model at that step.
  mutating func seek(to step: Int) {
    guard var t = timeline else { return }
    t.seek(step)
    timeline = t
    let streams = t.result.streams.map { (name: "sid\(hex(UInt64($0.sid)))", sid: $0.sid) }
    if let driver = Driver(observing: t.smmu, streams: streams) {
      setSession(Session(observing: driver))
    }
    selection[.log] = nil
    rebuild()
  }

  /// Keys of the timeline; nil when the key is not one of them.
  mutating func timelineAction(_ key: Key) -> [Effect]? {
    guard let t = timeline else { return nil }
    switch key {
    case .char(" "), .char("n"): seek(to: t.index + 1)
    case .char("b"): seek(to: t.index - 1)
    case .char("]"): seek(to: t.nextCommand(after: t.index) ?? t.count)
    case .char("}"): seek(to: t.nextPhase(after: t.index) ?? t.count)
    case .char("{"):
      // Back to the first step of this phase, or of the previous one when already there.
      var k = max(0, t.index - 1)
      let phase = t.phaseOf(step: k)
      while k > 0 && t.phaseOf(step: k) == phase { k -= 1 }
      seek(to: k)
    case .char("0"): seek(to: 0)
    case .char("$"): seek(to: t.count)
    case .char("p"), .char("C"), .char("u"), .char(":"), .char("a"), .char("d"), .char("m"), .char("t"):
      status = "read-only: this is an imported run (step with Space/b, ] next command, } next phase)"
      statusIsError = true
    default: return nil
    }
    return []
  }

  /// The narration panel in import mode.
  var timelineNarration: [[Span]] {
    guard let t = timeline else { return [] }
    let r = t.result
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
    out.append([
      Span(
        "Space/n next  b back  ] next command  } next phase  { previous phase  0 start  $ end", Style(.dim))
    ])
    return out
  }
}
