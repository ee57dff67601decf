import SMMUDriver
import SMMUModel

/// What one scenario line did.
public struct StepResult: Sendable {
  public let line: Int
  public let text: String
  public let command: ScenarioCommand
  /// The driver's trace (nil for narration and expectations).
  public let trace: OperationTrace?
  /// Events the line caused.
  public let events: [Event]
  /// Hazards the line exposed.
  public let hazards: [Hazard]
  /// An expectation's outcome: nil if the line is not an `expect`.
  public let expectation: ExpectationOutcome?
  /// The entry-writer walk of a `transition` line.
  public let transition: Transition?

  public var error: String? { trace?.error?.description }
  /// The walk of a `dma` (when the session records walks) or `explain dma` line.
  public var walk: TranslationWalk? { trace?.translation?.walk }
}

/// Whether an `expect` held.
public struct ExpectationOutcome: Sendable, Hashable {
  public let passed: Bool
  /// What was expected and what was found.
  public let message: String
}

/// Totals over a run, as `run --json` and `compare` report them.
public struct RunTotals: Sendable, Hashable {
  public var steWrites = 0
  public var cdWrites = 0
  public var l1Writes = 0
  public var pageTableWrites = 0
  public var syncs = 0
  /// Commands by `Command.nameIndex`.
  public var commandCounts = CommandCounts()
  /// Commands by name (those issued at least once).
  public var commands: [String: Int] { commandCounts.byName }
  public var errors = 0

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
