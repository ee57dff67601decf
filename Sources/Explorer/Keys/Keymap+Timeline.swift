extension Keymap {
  /// The keys that move through an imported run.
  static let timelineMoves: [Binding] = [
    Binding(
      keys: [.char(" "), .char("n")], label: "Space", help: "imported run: next step", action: .seek(.next),
      hint: "next"),
    Binding(keys: [.char("b")], label: "b", help: "previous step", action: .seek(.back), hint: "back"),
    Binding(
      keys: [.char("]")], label: "]", help: "next command", action: .seek(.nextCommand), hint: "next cmd"),
    Binding(
      keys: [.char("}")], label: "}", help: "first step of the next phase", action: .seek(.nextPhase),
      hint: "next phase"),
    Binding(
      keys: [.char("{")], label: "{", help: "back to the start of the phase", action: .seek(.previousPhase),
      hint: "prev phase"),
    Binding(keys: [.char("0")], label: "0", help: "start", action: .seek(.start)),
    Binding(keys: [.char("$")], label: "$", help: "end", action: .seek(.end)),
  ]

  /// An imported QEMU run (read-only): the timeline's keys over the main screen's, with the
  /// keys that would change the model refused.
  package static let timeline = Keymap(
    layer: timelineMoves + [
      Binding(
        keys: ["p", "C", "u", ":", "a", "d", "m", "t"].map { Key.char($0) }, label: "p C u : a d m t",
        help: "read-only: an imported run cannot be changed", action: .readOnly)
    ], over: .normal)

  /// The timeline's moves as text, e.g. "Space next, b back, ] next cmd" (status lines).
  static var timelineMovesText: String {
    Keymap(timelineMoves).hintText(separator: ", ")
  }

  /// Every timeline move with its keys, e.g. "Space/n next  b back  0 start" (narration).
  static var timelineMovesLegend: String {
    timelineMoves.map { "\($0.keys.map(\.name).joined(separator: "/")) \($0.hint ?? $0.help)" }
      .joined(separator: "  ")
  }
}
