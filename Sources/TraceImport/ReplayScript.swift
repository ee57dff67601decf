import SMMUModel
import Scenario

/// An imported run as a script of steps (commands, translations, table stores) over the
/// model's starting state, for stepping through it in the explorer.
package struct ReplayScript: Sendable {
  let initial: SMMU
  let steps: [ImportReplay.Step]
  let raw: [ImportReplay.RawTranslation]
  let trace: QEMUTrace

  /// Number of steps.
  package var count: Int { steps.count }

  /// The model before any step.
  package var initialSMMU: SMMU { initial }
}

/// A position in an imported run: the model after `index` steps, and what the last step was.
package struct ReplayTimeline: Sendable {
  package let result: ImportResult
  /// Models at every `stride`-th step, to rebuild any step with few replays.
  private var checkpoints: [Int: (SMMU, ImportReplay.ReplayState)] = [:]
  private let stride = 256
  package private(set) var index = 0
  package private(set) var smmu: SMMU
  private var state = ImportReplay.ReplayState()
  /// One line per step done so far (the explorer's log), oldest first.
  package private(set) var lines: [String] = []

  package init(_ result: ImportResult) {
    self.result = result
    smmu = result.replay.initial
    checkpoints[0] = (smmu, state)
  }

  package var count: Int { result.replay.count }

  /// Moves to step `target` (0...count): forward by applying steps, backward from the nearest
  /// checkpoint.
  package mutating func seek(_ target: Int) {
    let t = max(0, min(count, target))
    if t < index {
      let base = (t / stride) * stride
      let (s, st) = checkpoints[base] ?? (result.replay.initial, ImportReplay.ReplayState())
      smmu = s
      state = st
      index = base
      lines = Array(lines.prefix(base))
    }
    while index < t {
      lines.append(applyNext())
      index += 1
      if index % stride == 0, checkpoints[index] == nil { checkpoints[index] = (smmu, state) }
    }
  }

  /// The phase of the step at `index` (the last one done).
  package var phase: String {
    guard index > 0 else { return ConsolePhases.beforeFirstMark }
    switch result.replay.steps[index - 1] {
    case .command(let i): return result.commands[i].phase
    case .translation(let i):
      return result.translations.indices.contains(i) ? result.translations[i].phase : ""
    default: return ""
    }
  }

  /// Index of the next step after `index` that is a command (for jumping over translations).
  package func nextCommand(after i: Int) -> Int? {
    let steps = result.replay.steps
    var j = i
    while j < steps.count {
      if case .command = steps[j] { return j + 1 }
      j += 1
    }
    return nil
  }

  /// Index of the first step of the next phase.
  package func nextPhase(after i: Int) -> Int? {
    let current = phaseOf(step: i)
    var j = i
    while j < count {
      if phaseOf(step: j + 1) != current { return j + 1 }
      j += 1
    }
    return nil
  }

  /// The phase of step `k` (1-based: the step that leads to index `k`).
  package func phaseOf(step k: Int) -> String {
    guard k > 0, k <= count else { return ConsolePhases.beforeFirstMark }
    switch result.replay.steps[k - 1] {
    case .command(let i): return result.commands[i].phase
    case .translation(let i):
      return result.translations.indices.contains(i) ? result.translations[i].phase : ""
    default: return ""
    }
  }

  private mutating func applyNext() -> String {
    let step = result.replay.steps[index]
    let applied = try? ImportReplay.apply(
      step, to: &smmu, state: &state, commands: result.commands, raw: result.replay.raw,
      trace: result.replay.trace)
    let at = "\(result.replay.trace.path.split(separator: "/").last ?? ""):\(applied?.line ?? 0)"
    switch step {
    case .command(let i):
      let c = result.commands[i]
      return "\(at) cmd \(c.command?.description ?? c.name)"
    case .translation(let i):
      let r = result.replay.raw[i]
      let model = applied?.result?.summary ?? "?"
      return "\(at) dma sid \(hex(UInt64(r.sid))) iova \(hex(r.iova)) \(model)"
    case .write(_, let address, let new):
      return "\(at) store \(hex(address)) <- \(hex(new, digits: 16))"
    case .enable(let on):
      return "\(at) SMMUEN=\(on ? 1 : 0)"
    }
  }
}
