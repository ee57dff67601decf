/// What a key does. Every mode's keymap maps keys to these; `update` performs them.
package enum Action: Sendable, Hashable {
  case move(Int)
  case page(Int)
  case home, end
  case focusNext, focusPrevious
  case raw
  /// Opens the walk of the selected `dma` log line, or of the last DMA.
  case walk
  /// Opens the command line pre-filled (the prompt keys).
  case prompt(String)
  case commandLine
  case filter
  case help
  case undo
  case write
  case switchDesign
  case toggleCompact
  case compare
  /// Opens the chart of what each design costs as masters and PASIDs grow.
  case sweep
  /// Opens the checker's findings (checks a session too large to check live first); while a
  /// finding is shown, goes back to the list and the live session.
  case findings
  /// Opens the kill matrix (`smmuscope check --mutations`, first catches only).
  case mutationMatrix
  case nextStep, previousStep
  case walkthroughMenu
  case zoom
  case quit
  /// Clears the status line and unzooms.
  case dismiss
  /// Moves through an imported run's timeline.
  case seek(TimelineMove)
  /// A key that would change the model, refused in a read-only (imported) run.
  case readOnly
  /// Overlays: accept the text or the menu entry, cancel, complete, edit.
  case accept, cancel, complete, deleteBackward, clearLine
  /// Documents an input that is not a key (mouse clicks, pastes); never dispatched.
  case describeOnly
}

/// A move in an imported run's timeline.
package enum TimelineMove: Sendable, Hashable {
  case next, back, nextCommand, nextPhase, previousPhase, start, end
}
