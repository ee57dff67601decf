import SMMUDriver
import SMMUModel

/// What one scenario line did.
package struct StepResult: Sendable {
  package let line: Int
  package let text: String
  package let command: ScenarioCommand
  /// The driver's trace (nil for narration and expectations).
  package let trace: OperationTrace?
  /// Events the line caused.
  package let events: [Event]
  /// Hazards the line exposed.
  package let hazards: [Hazard]
  /// An expectation's outcome: nil if the line is not an `expect`.
  package let expectation: ExpectationOutcome?
  /// The entry-writer walk of a `transition` line.
  package let transition: Transition?

  package var error: String? { trace?.error?.description }
  /// The walk of a `dma` (when the session records walks) or `explain dma` line.
  package var walk: TranslationWalk? { trace?.translation?.walk }
}

/// Whether an `expect` held.
package struct ExpectationOutcome: Sendable, Hashable {
  package let passed: Bool
  /// What was expected and what was found.
  package let message: String
}

/// Totals over a run, as `run --json` and `compare` report them.
package struct RunTotals: Sendable, Hashable {
  package var steWrites = 0
  package var cdWrites = 0
  package var l1Writes = 0
  package var pageTableWrites = 0
  package var syncs = 0
  /// Commands by `Command.nameIndex`.
  package var commandCounts = CommandCounts()
  /// Commands by name (those issued at least once).
  package var commands: [String: Int] { commandCounts.byName }
  package var errors = 0

  mutating func add(_ t: OperationTrace) {
    // One pass over the items (this runs once per scenario line).
    for item in t.items {
      switch item {
      case .write(let w):
        switch w.target {
        case .ste: steWrites += 1
        case .cd: cdWrites += 1
        case .l1cd, .l1std: l1Writes += 1
        }
      case .command(let c):
        if c.isSync { syncs += 1 }
        commandCounts.add(c)
      case .note: break
      }
    }
    pageTableWrites += t.pageTableWrites
    if t.error != nil { errors += 1 }
  }
}
