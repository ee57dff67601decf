import SMMUDriver
import SMMUModel
import Scenario
import TraceImport

/// The explorer over an imported QEMU run: a read-only timeline of the real command stream
/// and translations, replayed through the model, with the same panes as for scenarios.
extension ExplorerState {
  /// Opens an imported run at its first step.
  package mutating func open(import result: ImportResult) {
    walkthrough = nil
    walkthroughScript = nil
    timeline = ReplayTimeline(result)
    seek(to: 0)
    status = "imported \(result.tracePath): \(Keymap.timelineMovesText)"
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

  /// Performs a timeline move.
  mutating func seek(_ move: TimelineMove) {
    guard let t = timeline else { return }
    switch move {
    case .next: seek(to: t.index + 1)
    case .back: seek(to: t.index - 1)
    case .nextCommand: seek(to: t.nextCommand(after: t.index) ?? t.count)
    case .nextPhase: seek(to: t.nextPhase(after: t.index) ?? t.count)
    case .previousPhase:
      // Back to the first step of this phase, or of the previous one when already there.
      var k = max(0, t.index - 1)
      let phase = t.phaseOf(step: k)
      while k > 0 && t.phaseOf(step: k) == phase { k -= 1 }
      seek(to: k)
    case .start: seek(to: 0)
    case .end: seek(to: t.count)
    }
  }
}
