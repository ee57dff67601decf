import Testing

@testable import Explorer

/// Keymaps as data: dispatch, the hint bar, the help screen and the key lists in text all come
/// from each mode's one table.
@Suite struct KeymapTests {
  @Test func aLayerWinsForItsKeysAndHidesWhatItShadows() {
    let w = Keymap.walkthrough
    #expect(w.action(for: .char("n")) == .nextStep, "n steps in a walkthrough")
    #expect(Keymap.normal.action(for: .char("n")) == .prompt("domain "), "and is new domain outside")
    #expect(!w.bindings.contains { $0.action == .prompt("domain ") }, "help does not offer a dead key")
    #expect(w.hinted.prefix(2).map(\.label) == ["Space", "b"], "the layer's hints lead")
    #expect(w.bindings.filter { $0.action == .nextStep }.count == 1)
  }

  @Test func theHintBarIsTheModesHints() {
    let s = Fixture.main(.large)
    let bar = s.render().lines[s.height - 1]
    for b in Keymap.walkthrough.hinted {
      #expect(bar.contains(" \(b.label) \(b.hint!) "), "\(b.label)")
    }
  }

  @Test func theHelpScreenListsEveryDocumentedBindingOfTheMode() {
    var s = Fixture.main(.large)
    s.press(.char("?"))
    #expect(s.helpLines.count == Keymap.walkthrough.bindings.filter { !$0.help.isEmpty }.count)
    let text = s.helpLines.map { $0.map(\.text).joined() }
    #expect(text.contains { $0.hasPrefix("Space n") && $0.contains("walkthrough: next step") })
    #expect(text.contains { $0.hasPrefix("paste") })
  }

  @Test func theTimelineRefusesModelKeysAndListsItsMoves() {
    let t = Keymap.timeline
    for c in "pCu:admt" { #expect(t.action(for: .char(c)) == .readOnly, "\(c)") }
    #expect(t.action(for: .char("n")) == .seek(.next))
    #expect(t.action(for: .tab) == .focusNext, "the base keys still work")
    #expect(!t.hinted.contains { $0.action == .switchDesign })
    #expect(Keymap.timelineMovesLegend.hasPrefix("Space/n next  b back  ] next cmd"))
    #expect(Keymap.timelineMovesText.hasPrefix("Space next, b back"))
  }

  @Test func overlayKeymapsDriveTheirPrompts() {
    #expect(Keymap.commandLine.hintText() == "Enter run  Tab complete  Esc cancel")
    #expect(Keymap.textPrompt.hintText() == "Enter accept  Esc cancel")
    var s = Fixture.main(.large)
    s.press(.char("/"))
    #expect(s.keymap == .textPrompt)
    s.press(.tab)
    #expect(s.overlay == .filter(""), "Tab is not bound in the filter")
  }
}
