import SMMUDriver
import SMMUModel
import TestSupport
import Testing

@testable import Scenario

/// `ScenarioWriter.reproduce`: the scenario it prints parses and, run, rebuilds the same
/// logical state as the commands that reached it.
struct RoundTripTests {
  /// A random command sequence over a fixed population: errors (driver refusals, names
  /// used after `free`, PASIDs out of range) included; lines that do not parse are skipped.
  static func randomLines(seed: UInt64, count: Int) -> [String] {
    var rng = SplitMix64(state: seed)
    var lines: [String] = []
    if rng.chance(20) { lines.append("smmu cd2l off") }
    if rng.chance(20) { lines.append("smmu sid-bits 8 ssid-bits 6 strtab linear") }
    lines += [
      "master m0 sid 0x10",
      "master m1 sid 0x20 ssid-bits 8 ats",
      "master m2 sid 0x30,0x31 ssid-bits 8 stall",
      "master g0 sid 0x40 ssid-bits 4 group g",
      "master g1 sid 0x41 group g",
      "master m3 sid 0x50 ssid-bits 8 ats",
    ]
    let masters = ["m0", "m1", "m2", "g0", "g1", "m3"]
    let kinds: [(String, String)] = [
      ("p0", "paging"), ("p1", "paging"), ("p2", "paging"), ("s0", "s2"), ("s1", "s2"), ("v0", "sva"),
      ("v1", "sva"), ("v2", "sva"), ("id", "identity"), ("blk", "blocked"),
    ]
    let mms = ["mmA", "mmB", "mmC"]
    for _ in 0..<count {
      let d = rng.pick(kinds)
      let m = rng.pick(masters)
      let pasid = rng.pick([1, 2, 3, 5, 9, 300])
      let page = UInt64(rng.below(12)) * 4096
      switch rng.below(100) {
      case 0..<14:
        lines.append("domain \(d.0) \(d.1)" + (d.1 == "sva" ? " mm \(rng.pick(mms))" : ""))
      case 14..<34: lines.append("attach \(d.0) \(m)")
      case 34..<46: lines.append("attach \(d.0) \(m) pasid \(pasid)")
      case 46..<52: lines.append("detach \(m)")
      case 52..<58: lines.append("detach \(m) pasid \(pasid)")
      case 58..<72:
        let size = UInt64(rng.below(3) + 1) * 4096
        let pa = rng.chance(30) ? " pa \(hex(0x4000_0000 + UInt64(rng.below(64)) * 4096))" : ""
        lines.append("map \(d.0) \(hex(page)) size \(hex(size))" + pa)
      case 72..<80: lines.append("unmap \(d.0) \(hex(page)) size \(hex(UInt64(rng.below(2) + 1) * 4096))")
      case 80..<85: lines.append("dma \(m) \(hex(page))")
      case 85..<91: lines.append("asid \(d.0) \(rng.below(10) + 1)")
      case 91..<97: lines.append("free \(d.0)")
      default: lines.append("release \(rng.pick(mms))")
      }
    }
    return lines
  }

  /// Feeds lines one by one as a user would; lines that do not parse change nothing.
  static func session(_ lines: [String], design: DriverDesign) -> Session {
    var s = Session(design: design)
    for l in lines { try? s.execute(source: l) }
    return s
  }

  /// The state the writer promises to reproduce, as comparable lines.
  static func logicalState(_ s: Session) -> [String] {
    let d = s.driver
    var out: [String] = []
    for name in d.masterOrder {
      guard let m = d.masters[name] else { continue }
      let pasids = m.pasidDomains.keys.sorted().map { "\($0):\(m.pasidDomains[$0]!)" }
      out.append("master \(name) rid=\(m.ridDomain ?? "-") pasids=\(pasids) ats=\(m.atsEnabled)")
      for sid in m.uniqueSIDs {
        guard let ste = d.ste(sid: sid) else { continue }
        let s1 = ste.isValid && ste.configValue == .s1Translate
        let owner = s1 ? s.cdTables.first { $0.table.root.base == ste.contextPointer }?.owner ?? "?" : "-"
        out.append(
          "  ste \(hex(UInt64(sid))) \(ste.isValid ? ste.configValue.name : "invalid")"
            + " s1dss=\(s1 ? ste.s1dssValue.name : "-") table=\(owner) eats=\(ste[StreamTableEntry.eats])")
      }
    }
    for (owner, table) in s.cdTables {
      let cds = d.validSSIDs(of: table).compactMap { ssid -> String? in
        guard let cd = d.cd(table: table, ssid: ssid) else { return nil }
        return
          "\(ssid):\(s.domainName(forTable: cd.tableAddress))/asid=\(cd.asidValue)/epd0=\(cd.translationDisabled)"
      }
      if !cds.isEmpty { out.append("cds \(owner) \(cds)") }
    }
    for name in d.domainOrder {
      guard let dom = d.domains[name] else { continue }
      let table = dom.kind == .sva ? dom.mm.flatMap { d.addressSpaces[$0]?.pageTable } : dom.pageTable
      let maps = (table?.mappings ?? [:]).keys.sorted().map { "\(hex($0))->\(hex(table!.mappings[$0]!.pa))" }
      let devices = dom.devices.map { "\($0.master)@\($0.ssid)" }.sorted()
      out.append(
        "domain \(name) \(dom.kind.rawValue) asid=\(dom.asid.map(String.init) ?? "-") devices=\(devices) maps=\(maps)"
      )
    }
    for mm in d.addressSpaces.values.sorted(by: { $0.name < $1.name }) {
      out.append(
        "mm \(mm.name) cpu-asid=\(mm.cpuASID) released=\(mm.released) maps=\(mm.pageTable.mappings.count)")
    }
    return out
  }

  @Test(arguments: DriverDesign.allCases)
  func reproducedStateMatches(design: DriverDesign) throws {
    var checked = 0
    for seed in UInt64(1)...400 {
      let lines = Self.randomLines(seed: seed, count: 10 + Int(seed % 60))
      let original = Self.session(lines, design: design)
      let text = ScenarioWriter.reproduce(original)
      let scenario: Scenario
      do {
        scenario = try ScenarioParser.parse(text, file: "reproduced")
      } catch {
        Issue.record("seed \(seed): reproduced scenario does not parse: \(error)\n\(text)")
        continue
      }
      let replay = Session.run(scenario)
      #expect(replay.options == original.options)
      let a = Self.logicalState(original)
      let b = Self.logicalState(replay)
      if a != b {
        let diff: [String] = zip(a, b).filter { $0.0 != $0.1 }.prefix(4).map {
          "  original: \($0.0)\n  replayed: \($0.1)"
        }
        let commands = lines.joined(separator: "\n")
        let message =
          "seed \(seed) (\(design.rawValue)): state differs\n\(diff.joined(separator: "\n"))\n"
          + "lines \(a.count) vs \(b.count)\n--- commands\n\(commands)\n--- reproduced\n\(text)"
        Issue.record(Comment(rawValue: message))
        return
      }
      checked += 1
    }
    #expect(checked == 400)
  }

  @Test func reproducingTwiceIsStable() throws {
    for design in DriverDesign.allCases {
      let original = Self.session(Self.randomLines(seed: 7, count: 60), design: design)
      let once = ScenarioWriter.reproduce(original)
      let twice = ScenarioWriter.reproduce(Session.run(try parsed(once)))
      #expect(Self.logicalState(Session.run(try parsed(twice))) == Self.logicalState(original))
    }
  }

  @Test func walkthroughEndStatesRoundTrip() throws {
    // Raw `write` stores are not reproduced: skip the walkthroughs that make them.
    let raw = Walkthrough.all.filter { w in
      w.scenario.lines.contains {
        switch $0.command {
        case .writeSTE, .writeCD: true
        default: false
        }
      }
    }
    #expect(raw.map(\.name) == ["missing-invalidation", "anatomy-of-a-dma"])
    // A guest's state (its RAM, CD tables, vSTEs) is not reproduced either.
    let guests = Walkthrough.all.filter { w in w.scenario.lines.contains { $0.command.verbName == "guest" } }
    #expect(guests.map(\.name) == ["nesting"])
    for w in Walkthrough.all where !raw.contains(w) && !guests.contains(w) {
      for design in w.designs {
        let original = Session.run(w.scenario, design: design)
        let replay = Session.run(try parsed(ScenarioWriter.reproduce(original)))
        #expect(Self.logicalState(replay) == Self.logicalState(original), "\(w.name) \(design.rawValue)")
      }
    }
  }

  @Test func outputIsReadable() throws {
    let s = try run(
      """
      design legacy
      master a sid 0x10 ssid-bits 4
      master b sid 0x11 ssid-bits 4
      domain d paging
      domain sva0 sva mm proc
      map d 0x1000 size 0x3000
      map d 0x8000 pa 0x40000000
      attach d a
      attach d b
      attach sva0 a pasid 1
      release proc
      """)
    let text = ScenarioWriter.reproduce(s)
    #expect(text.contains("design legacy\n"))
    #expect(text.contains("master a sid 0x10 ssid-bits 4\n"))
    #expect(text.contains("domain sva0 sva mm proc\n"))
    #expect(text.contains("map d 0x1000 size 0x3000\n"))
    #expect(text.contains("map d 0x8000 pa 0x40000000\n"))
    #expect(text.contains("attach d a\nattach d b\nattach sva0 a pasid 1\n"))
    #expect(text.contains("release proc\n"))
    #expect(!text.contains("\nasid "))
  }
}
