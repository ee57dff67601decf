import SMMUModel
import Testing

@testable import Explorer

/// The guest's side of a nested master, beside the host's (upstream-2026.md §1.6: the guest
/// CD table lives in IPA space and only the guest writes it).
struct GuestViewTests {
  /// examples/nesting.scn's VM up to the first DMA: gpu (SID 0x10) assigned as vSID 3, its
  /// guest CD 0 (ASID 5, TTB0 IPA 0x101000) at IPA 0x100000 = PA 0x200000000.
  static let source = """
    design per-master
    master gpu sid 0x10 ats
    master nic sid 0x11
    domain s2p s2 nest-parent
    viommu vm parent s2p
    vdevice vm gpu vsid 3
    map s2p 0x100000 size 0x10000 pa 0x200000000
    write mem 0x200000000 0x0005E205C0003510
    write mem 0x200000008 0x101000
    write mem 0x200000018 0xFFFFFFFFF404FF44
    write mem 0x200001000 0x102003
    write mem 0x200002000 0x103003
    write mem 0x200003010 0x104003
    write mem 0x200004000 0x108C03
    domain g1 nested vm ste 0x10000B 0x100000D4
    attach s2p gpu
    attach g1 gpu
    dma gpu 0x400010
    """

  static func state() -> ExplorerState { Fixture.scenario(source, width: 160, height: 48) }

  func texts(_ rows: [[Span]]) -> [String] { rows.map { $0.map(\.text).joined() } }

  /// §1.6: the CD pane decodes the guest's table from guest memory through stage 2.
  @Test func cdPaneShowsTheGuestTable() {
    let pane = CDTablePane(state: Self.state())
    let header = texts(pane.header)
    #expect(header[0] == "guest CD table, vm vSID 3: IPA 0x100000 = PA 0x200000000")
    #expect(header[1] == "vSTE q0 0x10000b q1 0x100000d4")
    #expect(header[2] == "  S1, ctx IPA 0x100000, S1CDMax 0, EATS 1")
    let row = texts((0..<pane.count).map(pane.row))
    #expect(row.count == 1)
    #expect(row[0].hasPrefix("0       5     0x101000     vm asid 5     0    0x200000000"))
  }

  /// A guest CD cleared in guest memory disappears from the pane (no host state involved).
  @Test func cdPaneFollowsGuestMemory() {
    let s = Fixture.scenario(Self.source + "\nwrite mem 0x200000000 0", width: 160, height: 48)
    let pane = CDTablePane(state: s)
    #expect(pane.count == 0)
    #expect(pane.emptyText.contains("guest"))
  }

  /// The stream table puts the vSID next to the SID and names the table the guest's.
  @Test func streamTableShowsVSID() {
    let pane = StreamTablePane(state: Self.state())
    #expect(texts([pane.header[0]])[0].hasPrefix("SID     vSID master"))
    let gpu = texts([pane.row(0)])[0]
    #expect(gpu.hasPrefix("0x10    0x3  gpu       nested    G:vm"))
    #expect(pane.row(0).contains { $0.text.hasPrefix("G:vm") && $0.style.color == .guest })
    #expect(texts([pane.row(1)])[0].hasPrefix("0x11    -    nic"))
  }

  /// The graph: nested STE -> the guest table -> the guest's domain and page table (IPAs),
  /// and nested STE -> vSMMU -> the S2 parent; guest nodes in the guest colour.
  @Test func graphHangsGuestTablesOffNestedSTEs() {
    let m = Self.state().derived.graph.model
    func node(_ key: String) -> Int? { m.node(key) }
    let ste = node("s:16")!
    let table = m.nodes.indices.first { m.nodes[$0].key.hasPrefix("g:1:") }!
    #expect(m.nodes[table].rows[0].full == "G:vm [0]")
    let vsmmu = node("v:vm")!
    let parent = node("d:s2p")!
    let guestDomain = node("gd:1:\(0x101000)")!
    #expect(m.nodes[guestDomain].rows[0].full == "vm asid 5")
    let edges = Set(m.edges.map { [$0.from, $0.to] })
    #expect(edges.contains([ste, table]))
    #expect(edges.contains([ste, vsmmu]))
    #expect(edges.contains([vsmmu, parent]))
    #expect(edges.contains([table, guestDomain]))
    #expect(edges.contains([guestDomain, node("gp:1:\(0x101000)")!]))
    for i in [table, vsmmu, guestDomain] { #expect(m.nodes[i].rows.allSatisfy { $0.color == .guest }) }
    #expect(m.nodes[parent].rows[0].color != .guest, "the parent is the host's")
    // Drawn: the guest table and the vSMMU appear in the layout.
    let lines = Self.state().derived.graph.full.lines.joined(separator: "\n")
    #expect(lines.contains("G:vm [0]") && lines.contains("vSMMU vm") && lines.contains("ipt 0x101000"))
  }

  /// The caches pane shows guest and host apart: the guest's CD in the config cache, and
  /// its TLB entry (VMID of the vSMMU) under the guest's heading.
  @Test func cachesShowGuestApart() {
    let rows = CachesPane(state: Self.state()).rows
    let text = texts(rows)
    #expect(text.contains("  CD sid 0x10 ssid 0  guest vm"))
    #expect(text.contains("  STE sid 0x10"), "the STE is the host's")
    let heading = text.firstIndex(of: "  guest vm (VMID 1): 1 entry")!
    #expect(text[heading + 1] == "    S1+S2 vmid 1 asid 5 va 0x400000 -> 0x200008000")
    #expect(rows[heading + 1].allSatisfy { $0.style.color == .guest })
  }

  /// A host-only scene has no guest view and no guest rows.
  @Test func hostOnlySceneHasNoGuest() {
    let s = Fixture.scenario("master a sid 0x10\ndomain d paging\nattach d a\nmap d 0x1000\ndma a 0x1000")
    #expect(s.selectedGuest == nil)
    #expect(!texts(CachesPane(state: s).rows).contains { $0.contains("guest") })
    #expect(s.derived.graph.model.nodes.allSatisfy { $0.rows.allSatisfy { $0.color != .guest } })
  }

  /// §1.6: the walk view of the guest's DMA is the whole 2-D walk: stage 2 translates the CD
  /// fetch, each stage-1 table and the final IPA, one grid row each.
  @Test func walkViewShowsThe2DWalk() throws {
    var s = Fixture.scenario(
      Self.source.replacingOccurrences(of: "dma gpu 0x400010", with: ""), width: 160, height: 48)
    s.press(.char(":"))
    s.type("explain dma gpu 0x400010")
    s.press(.enter)
    let v = try #require(WalkViewTests.openWalk(s))
    let rows = v.walk.nestedGrid.map { r in r.translates.map { v.walk.steps[$0].title } ?? "final IPA" }
    // gpu uses ATS: the ATC miss step is inserted after the walk, and the rows still name
    // the steps stage 2 translated for.
    #expect(v.walk.steps[1].kind == .atc)
    #expect(
      rows == ["CD sid 0x10 ssid 0"] + (0..<4).map { "S1 level \($0)" } + ["final IPA"],
      "CD, four stage-1 tables, final IPA")
    let text = v.lines(width: 158).map { $0.map(\.text).joined() }
    #expect(text.contains { $0.hasPrefix("Nested: the 2-D walk") })
    #expect(text.contains { $0.hasPrefix("final IPA") && $0.contains("00000002000084c3") })
  }
}

/// With the guest driver (walkthrough `nesting`), guest domains carry the guest's names.
struct GuestDriverViewTests {
  @Test func guestDomainNamesFromTheGuestDriver() throws {
    let s = Fixture.walkthrough("nesting", step: 3, width: 160, height: 48)
    let pane = CDTablePane(state: s)
    let row = (0..<pane.count).map(pane.row).map { $0.map(\.text).joined() }
    #expect(row.count == 1 && row[0].contains("gdom"))
    // The vSTE is read from the guest's own stream table in guest memory.
    let header = pane.header.map { $0.map(\.text).joined() }
    #expect(header.contains { $0.hasPrefix("vSTE at IPA 0x") })
    #expect(header.contains { $0.hasPrefix("  S1, ctx IPA") })
    let m = s.derived.graph.model
    #expect(m.nodes.contains { $0.key.hasPrefix("gd:") && $0.rows[0].full == "gdom asid 1" })
  }
}
