extension Keymap {
  /// The main screen's keys (a scenario, no walkthrough).
  package static let normal = Keymap([
    Binding(keys: [.up, .char("k")], label: "↑/k", help: "previous row", action: .move(-1)),
    Binding(keys: [.down, .char("j")], label: "↓/j", help: "next row", action: .move(1)),
    Binding(keys: [.pageUp], label: "PgUp", help: "page up", action: .page(-1)),
    Binding(keys: [.pageDown], label: "PgDn", help: "page down", action: .page(1)),
    Binding(keys: [.home, .char("g")], label: "g/Home", help: "first row", action: .home),
    Binding(keys: [.end, .char("G")], label: "G/End", help: "last row", action: .end),
    Binding(
      keys: [.tab, .right, .char("l")], label: "Tab", help: "next pane", action: .focusNext, hint: "pane"),
    Binding(
      keys: [.backTab, .left, .char("h")], label: "S-Tab", help: "previous pane", action: .focusPrevious),
    Binding(
      keys: [.enter], label: "Enter",
      help: "raw qwords and decoded fields; on a dma log line, its walk", action: .raw,
      hint: "raw"),
    Binding(
      keys: [.char("e")], label: "e", help: "walk of the selected dma log line, or of the last DMA",
      action: .walk),
    Binding(
      keys: [.char("a")], label: "a", help: "attach DOMAIN MASTER [pasid N]", action: .prompt("attach "),
      hint: "attach"),
    Binding(
      keys: [.char("d")], label: "d", help: "detach MASTER [pasid N] (selected master)",
      action: .prompt("detach "), hint: "detach"),
    Binding(
      keys: [.char("m")], label: "m",
      help: "new master: master NAME sid N [ssid-bits N] [ats [ats-always-on]] [stall] [rmr]",
      action: .prompt("master ")),
    Binding(
      keys: [.char("n")], label: "n", help: "new domain: domain NAME paging|s2|sva|identity|blocked",
      action: .prompt("domain ")),
    Binding(
      keys: [.char("t")], label: "t", help: "DMA transaction: dma MASTER [pasid N] IOVA [read|write]",
      action: .prompt("dma "), hint: "dma"),
    Binding(
      keys: [.char("p")], label: "p", help: "switch design (replays the session under the other design)",
      action: .switchDesign, hint: "design"),
    Binding(
      keys: [.char("C")], label: "C", help: "toggle compact (64-byte) single-entry CD tables, replaying",
      action: .toggleCompact),
    Binding(
      keys: [.char("c")], label: "c", help: "compare the session under every design", action: .compare,
      hint: "compare"),
    Binding(
      keys: [.char("S")], label: "S",
      help: "chart each design's cost as masters and PASIDs grow (smmuscope sweep)", action: .sweep),
    Binding(
      keys: [.char("!")], label: "!", help: "the checker's findings (checks a large session first)",
      action: .findings, hint: "findings"),
    Binding(
      keys: [.char("M")], label: "M", help: "kill matrix: which walkthrough catches each driver mutation",
      action: .mutationMatrix),
    Binding(
      keys: [.char(":")], label: ":", help: "command line (the scenario language)", action: .commandLine,
      hint: "command"),
    Binding(keys: [.char("/")], label: "/", help: "filter the log", action: .filter),
    Binding(
      keys: [.char(" "), .char("n")], label: "Space", help: "walkthrough: next step", action: .nextStep),
    Binding(
      keys: [.char("b")], label: "b", help: "walkthrough: previous step (time travel)", action: .previousStep),
    Binding(keys: [.char("W")], label: "W", help: "walkthrough menu", action: .walkthroughMenu),
    Binding(keys: [.char("z")], label: "z", help: "zoom the focused pane", action: .zoom),
    Binding(
      keys: [.char("u")], label: "u", help: "undo the last command (or step back)", action: .undo,
      hint: "undo"),
    Binding(keys: [.char("w")], label: "w", help: "write the session as a scenario file", action: .write),
    Binding(keys: [.char("?"), .control("h")], label: "?", help: "this help", action: .help, hint: "help"),
    Binding(keys: [.char("q"), .control("c")], label: "q", help: "quit", action: .quit, hint: "quit"),
    Binding(
      keys: [.wheelUp], label: "mouse", help: "click focuses a pane and selects a row; wheel scrolls",
      action: .move(-3), helpKeys: "mouse"),
    Binding(keys: [.wheelDown], label: "wheel↓", help: "", action: .move(3)),
    Binding(
      keys: [], label: "paste", help: "into : runs each line; into / its first; else ignored",
      action: .describeOnly, helpKeys: "paste"),
    Binding(keys: [.escape], label: "Esc", help: "close overlays, clear the status line", action: .dismiss),
  ])

  /// The keys that step through a walkthrough.
  static let walkthroughSteps: [Binding] = [
    Binding(
      keys: [.char(" "), .char("n")], label: "Space", help: "walkthrough: next step", action: .nextStep,
      hint: "next"),
    Binding(
      keys: [.char("b")], label: "b", help: "walkthrough: previous step (time travel)",
      action: .previousStep, hint: "back"),
  ]

  /// A walkthrough: Space and n step forward, b back (their hints lead the bar).
  package static let walkthrough = Keymap(layer: walkthroughSteps, over: .normal)
}
