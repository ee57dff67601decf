import SMMUDriver
import SMMUModel

/// What one scenario line did. Everything but the line number is kept out of line in one
/// immutable object, so a result copies (into the session's list, its last action, a
/// caller's callback) as one reference rather than field by field.
package struct StepResult: Sendable {
  package let line: Int
  private let details: Details

  /// The fields of a result (immutable, so sharing it keeps value semantics).
  private final class Details: Sendable {
    let text: String
    let command: ScenarioCommand
    let trace: OperationTrace?
    let events: [Event]
    let hazards: [Hazard]
    let expectation: ExpectationOutcome?
    /// Out of line: only `transition` lines have one, and it is large.
    let transition: TransitionBox?

    init(
      text: String, command: ScenarioCommand, trace: OperationTrace?, events: [Event], hazards: [Hazard],
      expectation: ExpectationOutcome?, transition: Transition?
    ) {
      self.text = text
      self.command = command
      self.trace = trace
      self.events = events
      self.hazards = hazards
      self.expectation = expectation
      self.transition = transition.map(TransitionBox.init)
    }
  }

  /// A `transition` line's walk, boxed (see `Details.transition`).
  private final class TransitionBox: Sendable {
    let transition: Transition
    init(_ transition: Transition) { self.transition = transition }
  }

  package init(
    line: Int, text: String, command: ScenarioCommand, trace: OperationTrace?, events: [Event],
    hazards: [Hazard], expectation: ExpectationOutcome?, transition: Transition?
  ) {
    self.line = line
    details = Details(
      text: text, command: command, trace: trace, events: events, hazards: hazards,
      expectation: expectation, transition: transition)
  }

  package var text: String { details.text }
  package var command: ScenarioCommand { details.command }
  /// The driver's trace (nil for narration and expectations).
  package var trace: OperationTrace? { details.trace }
  /// Events the line caused.
  package var events: [Event] { details.events }
  /// Hazards the line exposed.
  package var hazards: [Hazard] { details.hazards }
  /// An expectation's outcome: nil if the line is not an `expect`.
  package var expectation: ExpectationOutcome? { details.expectation }
  /// The entry-writer walk of a `transition` line.
  package var transition: Transition? { details.transition?.transition }

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
  /// Commands by `Command.nameIndex`.
  package var commandCounts = CommandCounts()
  /// CMD_SYNCs (both forms count under one name), read from the counts rather than kept apart.
  package var syncs: Int { commandCounts[Command.sync.nameIndex] }
  /// Commands by name (those issued at least once).
  package var commands: [String: Int] { commandCounts.byName }
  package var errors = 0

  /// Adds a line's trace, if it has one (taken as an optional so that it is not copied out).
  mutating func add(_ trace: OperationTrace?) {
    trace?.tally(steWrites: &steWrites, cdWrites: &cdWrites, l1Writes: &l1Writes, commands: &commandCounts)
    pageTableWrites += trace?.pageTableWrites ?? 0
    if trace?.error != nil { errors += 1 }
  }
}
