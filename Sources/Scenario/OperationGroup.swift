import SMMUDriver
import SMMUModel

/// The lines of a `begin "NAME"` ... `end` group run so far: their traces, events and hazards
/// summed, so that after `end` the group is the previous operation (`last.*`, `expect
/// event/error/hazard`).
struct OperationGroup: Sendable {
  let name: String
  /// The `begin` line.
  let line: Int
  var trace = OperationTrace()
  var events: [Event] = []
  var hazards: [Hazard] = []

  init(name: String, line: Int) {
    self.name = name
    self.line = line
  }

  /// Adds what one line of the group did.
  mutating func add(_ r: StepResult) {
    if let t = r.trace { trace.append(t) }
    events.append(contentsOf: r.events)
    hazards.append(contentsOf: r.hazards)
  }

  /// The group as one result, on the `end` line.
  func result(endLine: Int, text: String) -> StepResult {
    StepResult(
      line: endLine, text: text, command: .end, trace: trace, events: events, hazards: hazards,
      expectation: nil, transition: nil)
  }
}
