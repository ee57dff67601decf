import SMMUDriver
import Testing

@testable import Scenario

/// The parser: every error form with its line and column, and the rendered diagnostic.
struct ParserTests {
  /// The error `source` fails with (nil if it parses).
  func failure(_ source: String) -> ScenarioError? {
    do {
      _ = try ScenarioParser.parse(source, file: "t.scn")
      return nil
    } catch {
      return error
    }
  }

  /// Checks line, column, message and the rendering: `FILE:LINE:COL: error: MSG`, the line,
  /// a caret under the column.
  func check(
    _ source: String, line: Int, column: Int, _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard let e = failure(source) else {
      Issue.record("parsed without error: \(source)", sourceLocation: sourceLocation)
      return
    }
    #expect(e.line == line, sourceLocation: sourceLocation)
    #expect(e.column == column, sourceLocation: sourceLocation)
    #expect(e.message.contains(message), "\(e.message)", sourceLocation: sourceLocation)
    let text = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[line - 1]
    let rendered = e.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(rendered.count == 3, sourceLocation: sourceLocation)
    #expect(rendered.first == "t.scn:\(line):\(column): error: \(e.message)", sourceLocation: sourceLocation)
    #expect(rendered.dropFirst().first == text, sourceLocation: sourceLocation)
    #expect(rendered.last == String(repeating: " ", count: column - 1) + "^", sourceLocation: sourceLocation)
  }

  // MARK: Syntax

  @Test func syntaxErrors() {
    check("frobnicate x", line: 1, column: 1, "unknown command 'frobnicate'")
    check("master a sid 1\n  attach", line: 2, column: 9, "missing a domain name")
    check("master", line: 1, column: 7, "missing a name")
    check("master a sid 0x1\ndomain d paging\nmap d 0xZZ", line: 3, column: 7, "'0xZZ' is not a number")
    check("master a sid 12abc", line: 1, column: 14, "bad SID '12abc'")
    check("smmu ssid-bits 21", line: 1, column: 16, "out of range")
    check("say \"hello", line: 1, column: 5, "unterminated string")
    check("step hello", line: 1, column: 11, "needs a \"quoted text\"")
    check("master a sid 0x10 fast", line: 1, column: 19, "unknown master option 'fast'")
    check("smmu turbo on", line: 1, column: 6, "unknown smmu setting 'turbo'")
    check("domain d paging\nmap d 0x1000 sizes 2", line: 2, column: 14, "unknown map option 'sizes'")
    check("domain d fancy", line: 1, column: 10, "unknown domain type 'fancy'")
    check("design modern", line: 1, column: 8, "unknown design 'modern'")
    check("expect syncs ~ 3", line: 1, column: 14, "unknown operator '~'")
    check("cmd TLBI_EVERYTHING", line: 1, column: 5, "unknown command 'TLBI_EVERYTHING'")
    check("transition ste foo bar", line: 1, column: 16, "abort | bypass")
    check("master a sid 1 extra", line: 1, column: 16, "unknown master option 'extra'")
    check("domain d paging blah", line: 1, column: 17, "unexpected 'blah'")
    check("legacy:", line: 1, column: 1, "nothing after 'legacy:'")
    check("per-master: frob", line: 1, column: 13, "unknown command 'frob'")
  }

  // MARK: Names

  @Test func unknownNames() {
    check("attach d m", line: 1, column: 8, "unknown domain 'd'")
    check("domain d paging\nattach d m", line: 2, column: 10, "unknown master 'm'")
    check("detach gpu", line: 1, column: 8, "unknown master 'gpu'")
    check("release proc", line: 1, column: 9, "unknown mm 'proc'")
    check("domain d paging\nfree d\nmap d 0x1000", line: 3, column: 5, "unknown domain 'd'")
    check("domain d paging\nfree d\nfree d", line: 3, column: 6, "unknown domain 'd'")
    check("dma m 0x1000\nmaster m sid 1", line: 1, column: 5, "unknown master 'm'")
    check("write cd nobody 0 0 0", line: 1, column: 10, "unknown master or domain 'nobody'")
    // A name may be declared again after `free`.
    #expect(failure("domain d paging\nfree d\ndomain d s2\nmap d 0x1000") == nil)
    // After `remove`, the master is gone; its name and SID may be used again.
    check("master m sid 1\nremove m\ndma m 0x1000", line: 3, column: 5, "unknown master 'm'")
    #expect(failure("master m sid 1\nremove m\nmaster m sid 1") == nil)
  }

  @Test func duplicates() {
    check("master m sid 1\nmaster m sid 2", line: 2, column: 8, "duplicate name 'm'")
    check("domain d paging\ndomain d s2", line: 2, column: 8, "duplicate name 'd'")
    check("master a sid 0x10\nmaster b sid 0x20,0x10", line: 2, column: 19, "SID 0x10 already belongs to a")
    // A master and a domain may share a name: they live in different namespaces.
    #expect(failure("master x sid 1\ndomain x paging\nattach x x") == nil)
  }

  // MARK: Ranges

  @Test func pasidBeyondSSIDBits() {
    check(
      "master m sid 0x10 ssid-bits 2\ndomain d paging\nattach d m pasid 4", line: 3, column: 18,
      "PASID 4 is beyond m's ssid-bits 2")
    check("master m sid 0x10\ndomain d paging\ndetach m pasid 1", line: 3, column: 16, "ssid-bits 0")
    check("master m sid 0x10 ssid-bits 1\ndma m pasid 2 0x1000", line: 2, column: 13, "PASID 2")
    #expect(failure("master m sid 0x10 ssid-bits 2\ndomain d paging\nattach d m pasid 3") == nil)
    // A master's ssid-bits are the device's: the smmu's cap applies in the driver (the attach
    // fails at run time) and in the SMMU (C_BAD_SUBSTREAMID), not in the parser.
    #expect(
      failure("smmu ssid-bits 2\nmaster m sid 0x10 ssid-bits 8\ndomain d paging\nattach d m pasid 4") == nil)
    check(
      "smmu ssid-bits 2\nmaster m sid 0x10 ssid-bits 8\ndma m pasid 256 0x1000", line: 3, column: 13,
      "PASID 256")
  }

  /// SIDs beyond sid-bits parse (the driver's probe refuses them); beyond 32 bits they do not.
  @Test func sidBeyondSIDBits() {
    #expect(failure("smmu sid-bits 8\nmaster m sid 0x100") == nil)
    #expect(failure("smmu sid-bits 8\nmaster m sid 0x10,0x100") == nil)
    check("master m sid 0x100000000", line: 1, column: 14, "SID 0x100000000 is beyond 32 bits")
    check("smmu sid-bits 20 strtab linear", line: 1, column: 1, "limited to 16 SID bits")
  }

  @Test func settingsMustComeFirst() {
    check(
      "master a sid 1\nsmmu sid-bits 8", line: 2, column: 1, "'smmu' must come before masters and domains")
    check("domain d paging\ndesign legacy", line: 2, column: 1, "'design' must come before")
    check("# c\nmaster a sid 1\n  legacy: design legacy", line: 3, column: 11, "'design' must come before")
    #expect(failure("design legacy\nsmmu sid-bits 8\nmaster a sid 1") == nil)
  }

  // MARK: What parses

  @Test func commentsBlankLinesAndNumbers() throws {
    let s = try ScenarioParser.parse(
      """
      # a comment

      master a sid 16 ssid-bits 0x4   # trailing comment
      \t
      master b sid 0x1_000,0X11
      domain d paging
      map d 4096 size 0x2000 pa 0x4000_0000
      say "a # inside quotes is text"
      """, file: "ok.scn")
    #expect(s.lines.map(\.line) == [3, 5, 6, 7, 8])
    #expect(
      s.lines[0].command == .master(name: "a", sids: [16], ssidBits: 4, ats: false, stall: false, group: nil))
    #expect(
      s.lines[1].command
        == .master(name: "b", sids: [0x1000, 0x11], ssidBits: 0, ats: false, stall: false, group: nil))
    #expect(s.lines[3].command == .map(domain: "d", iova: 4096, size: 0x2000, pa: 0x4000_0000))
    #expect(s.lines[4].command == .say("a # inside quotes is text"))
  }

  @Test func designPrefixes() throws {
    let source = """
      master a sid 1 ssid-bits 4
      legacy: master l sid 2
      per-master: master p sid 3
      expect cd-tables == 0
      """
    let s = try ScenarioParser.parse(source)
    #expect(s.lines.map(\.onlyFor) == [nil, .legacy, .perMaster, nil])
    #expect(
      s.lines[1].command == .master(name: "l", sids: [2], ssidBits: 0, ats: false, stall: false, group: nil))
    let legacy = Session.run(s, design: .legacy)
    #expect(legacy.driver.masterOrder == ["a", "l"])
    let perMaster = Session.run(s, design: .perMaster)
    #expect(perMaster.driver.masterOrder == ["a", "p"])
    // An unknown prefix is not a prefix: it is an unknown command.
    check("modern: master a sid 1", line: 1, column: 1, "unknown command 'modern:'")
  }

  @Test func otherCommandsParse() throws {
    let s = try ScenarioParser.parse(
      """
      design per-master compact
      smmu sid-bits 12 ssid-bits 10 strtab linear cd2l off cfg-cache 8 tlb 16 atc 4
      master a sid 1 ssid-bits 4 ats stall group g
      domain v sva mm proc
      domain d paging
      attach d a
      attach v a pasid 2
      dma a pasid 2 0x1000 write
      asid d 7
      detach a pasid 2
      release proc
      write ste 1 0 0
      write cd a 0 1 0x5
      cmd CFGI_STE sid 1 leaf 0
      cmd tlbi_nh_va asid 7 addr 0x1000
      transition cd empty s1:asid=3
      expect last.syncs >= 1
      expect error -EINVAL
      expect event F_TRANSLATION
      expect hazard
      unmap d 0x1000 size 0x3000
      free d
      """)
    #expect(s.declaredDesign == (.perMaster, true))
    var settings = SMMUSettings()
    settings["sid-bits"] = 12
    settings["ssid-bits"] = 10
    settings["strtab"] = 0
    settings["cd2l"] = 0
    settings["cfg-cache"] = 8
    settings["tlb"] = 16
    settings["atc"] = 4
    #expect(s.lines[1].command == .smmu(settings))
    #expect(
      s.lines[2].command == .master(name: "a", sids: [1], ssidBits: 4, ats: true, stall: true, group: "g"))
    #expect(s.lines[7].command == .dma(master: "a", pasid: 2, iova: 0x1000, write: true))
    var raw = RawCommand(name: "TLBI_NH_VA")!
    raw.asid = 7
    raw.address = 0x1000
    #expect(s.lines[14].command == .command(raw))
    #expect(s.lines[17].command == .expect(.error("-EINVAL")))
    #expect(s.lines[18].command == .expect(.event("F_TRANSLATION")))
    #expect(s.lines[19].command == .expect(.hazard(nil)))
  }
}
