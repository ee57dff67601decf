import SMMUDriver
import Scenario
import Testing

@testable import Explorer

/// Bracketed paste: the decoder that turns `ESC[200~ … ESC[201~` into one `.paste` key, and
/// what a paste does to the state.
@Suite struct PasteDecoderTests {
  /// The keys the terminal layer reads for raw input bytes: Esc, Enter (CR or LF), Tab and
  /// characters, as `KeyDecoder` makes them.
  static func keys(_ raw: String) -> [Key] {
    raw.map { c -> Key in
      switch c {
      case "\u{1b}": .escape
      case "\r", "\n": .enter
      case "\t": .tab
      default: .char(c)
      }
    }
  }

  static func bracketed(_ text: String) -> [Key] { keys("\u{1b}[200~" + text + "\u{1b}[201~") }

  @Test func aBracketedPasteBecomesOnePasteKey() {
    var decoder = PasteDecoder()
    let keys = decoder.decode(Self.bracketed("say \"q\"\rmaster a sid 1\tats"))
    #expect(keys == [.paste("say \"q\"\nmaster a sid 1\tats")])
    #expect(!decoder.inPaste)
  }

  @Test func keysAroundAPasteStayKeys() {
    var decoder = PasteDecoder()
    let keys = decoder.decode([.char("j")] + Self.bracketed("qq") + [.char("k"), .escape])
    #expect(keys == [.char("j"), .paste("qq"), .char("k"), .escape])
  }

  @Test func aPasteSplitAcrossReadsArrivesWhole() {
    let text = "attach dma0 nvme0\rexpect cd-tables == 1\r"
    let all = Self.bracketed(text)
    // Every cut after the start marker (a marker arrives in one read, as the terminal sends it).
    for cut in 6...all.count {
      var decoder = PasteDecoder()
      let first = decoder.decode(Array(all[..<cut]))
      #expect(decoder.inPaste == (cut < all.count), "cut at \(cut)")
      let second = decoder.decode(Array(all[cut...]))
      #expect(first + second == [.paste(text.replacingOccurrences("\r", "\n"))], "cut at \(cut)")
    }
  }

  @Test func escapeSequencesThatAreNotMarkersStayKeys() {
    var decoder = PasteDecoder()
    #expect(decoder.decode([.escape]) == [.escape], "a lone Esc is not held back")
    #expect(decoder.decode(Self.keys("\u{1b}[202~")) == Self.keys("\u{1b}[202~"))
    #expect(decoder.decode(Self.keys("\u{1b}[20")) == Self.keys("\u{1b}[20"), "cut short: returned as keys")
    #expect(decoder.decode([.escape] + Self.bracketed("x")) == [.escape, .paste("x")])
    #expect(!decoder.inPaste)
  }

  @Test func insideAPasteOtherKeysAreDroppedAndResizesPassThrough() {
    var decoder = PasteDecoder()
    let keys = decoder.decode(
      Self.keys("\u{1b}[200~a") + [.up, .backspace, .control("c"), .resize(width: 90, height: 30)]
        + Self.keys("\u{1b}[20b\u{1b}[201~"))
    #expect(keys == [.resize(width: 90, height: 30), .paste("a[20b")])
  }
}

@Suite struct PasteUpdateTests {
  func fresh() -> ExplorerState { Fixture.scenario("master dev sid 0x10\ndomain dma0 paging\n") }

  @Test func aLongPasteAtTheCommandLineIsInsertedWhole() {
    var s = fresh()
    s.press(.char(":"))
    s.type("say ")
    let long = "\"" + String(repeating: "0123456789", count: 1_000) + "\""
    #expect(s.press(.paste(long)).isEmpty)
    #expect(s.overlay == .commandLine("say " + long))
    s.press(.enter)
    #expect(s.userLines.last == "say " + long)
  }

  @Test func eachPastedLineRunsAndTheRestStaysInTheCommandLine() {
    var s = fresh()
    s.press(.char(":"))
    s.type("mas")
    s.press(.paste("ter a sid 0x40\nmaster b sid 0x41\n\nmaster c sid"))
    #expect(s.userLines.suffix(2) == ["master a sid 0x40", "master b sid 0x41"])
    #expect(s.derived.streams.map(\.master) == ["dev", "a", "b"])
    #expect(s.overlay == .commandLine("master c sid"))
    #expect(!s.statusIsError)
    #expect(s.status?.contains("ran 2 pasted lines") == true, "\(s.status ?? "")")
  }

  @Test func aPasteEndingWithALineBreakClosesTheCommandLine() {
    var s = fresh()
    s.press(.char(":"))
    s.press(.paste("attach dma0 dev\n"))
    #expect(s.overlay == nil)
    #expect(s.userLines.last == "attach dma0 dev")
  }

  @Test func aPasteStopsAtTheFirstFailingLine() {
    var s = fresh()
    s.press(.char(":"))
    s.press(.paste("master a sid 0x40\nmaster oops\nmaster b sid 0x41\nmaster c"))
    #expect(s.derived.streams.map(\.master) == ["dev", "a"])
    #expect(s.overlay == nil, "closed, so the error shows")
    #expect(s.statusIsError)
    #expect(s.status?.contains("paste stopped: 2 more lines not run") == true, "\(s.status ?? "")")
  }

  @Test func aPasteOutsideATextFieldIsIgnored() {
    var s = fresh()
    let before = s.render().lines
    #expect(s.press(.paste("q:p\nq")).isEmpty, "a pasted q does not quit")
    #expect(s.design == .perMaster, "a pasted p does not switch the design")
    #expect(s.overlay == nil)
    #expect(s.status?.contains("paste ignored") == true)
    s.press(.escape)
    #expect(s.render().lines == before)
  }

  @Test func theFilterAndTheFileNameTakeTheFirstLine() {
    var s = fresh()
    s.press(.char("/"))
    s.press(.paste("dma0\nmaster"))
    #expect(s.overlay == .filter("dma0"))
    #expect(s.logFilter == "dma0")
    s.press(.escape, .char("w"), .control("u"))
    s.press(.paste("/tmp/x.scn\nq"))
    #expect(s.overlay == .writeFile("/tmp/x.scn"))
  }
}

@Suite struct KeyBatchTests {
  @Test func aBatchEndsWhereTheKeysOneByOneEnd() {
    let keys: [Key] =
      Array(repeating: .char("j"), count: 40) + [.char("k"), .pageDown, .up, .tab, .char("j")]
    var oneByOne = Fixture.walkthrough("memory", step: 0, width: 160, height: 48)
    var batched = oneByOne
    for key in keys { _ = oneByOne.update(key) }
    #expect(batched.update(batch: keys).isEmpty)
    #expect(batched.selection == oneByOne.selection)
    #expect(batched.focus == oneByOne.focus)
    #expect(batched.derived.graph == oneByOne.derived.graph)
    #expect(batched.render() == oneByOne.render())
  }

  @Test func keysAfterQuitAreNotApplied() {
    var s = Fixture.walkthrough("memory", step: 0, width: 160, height: 48)
    #expect(s.update(batch: [.char("j"), .char("q"), .char("j")]) == [.quit])
    #expect(s.selection[.streams] == 1)
  }
}

extension String {
  fileprivate func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
    String(map { $0 == target ? replacement : $0 })
  }
}
