import Scenario

extension ExplorerState {
  /// Indices in the walkthrough's lines where steps start.
  var stepStarts: [Int] {
    guard let w = walkthrough else { return [] }
    return (walkthroughScript ?? w.scenario).lines.enumerated().compactMap {
      if case .step = $0.element.command { $0.offset } else { nil }
    }
  }

  package var stepCount: Int { max(1, stepStarts.count) }

  /// Opens a walkthrough at a step (time travel: the state is rebuilt by replay).
  package mutating func open(walkthrough w: Walkthrough, step: Int = 0) {
    if w.name != walkthrough?.name { checksOnDemand = false }
    walkthrough = w
    walkthroughScript = w.scenario
    let script = walkthroughScript ?? w.scenario
    stepIndex = max(0, min(step, max(1, script.stepTitles.count) - 1))
    let lines = script.lines
    let starts = stepStarts
    let end = stepIndex + 1 < starts.count ? starts[stepIndex + 1] : lines.count
    baseLines = Array(lines[0..<end])
    userLines = []
    // A walkthrough for one design only opens in it.
    replay(design: w.designs.contains(design) ? design : w.designs.first, compact: compact)
  }

  /// Lines of the current walkthrough step (narration and expectations).
  package var currentStepResults: [StepResult] {
    guard walkthrough != nil else { return [] }
    let starts = stepStarts
    guard stepIndex < starts.count else { return [] }
    let startLine = baseLines.indices.contains(starts[stepIndex]) ? baseLines[starts[stepIndex]].line : 0
    return session.results.filter { $0.line >= startLine && $0.line <= (baseLines.last?.line ?? 0) }
  }

  package var stepTitle: String? {
    guard let w = walkthrough else { return nil }
    let t = (walkthroughScript ?? w.scenario).stepTitles
    return stepIndex < t.count ? t[stepIndex] : nil
  }

}
