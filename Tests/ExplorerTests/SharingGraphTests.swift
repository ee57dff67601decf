import SMMUDriver
import Testing

@testable import Explorer

/// The sharing graph's layout: each thing drawn once, edges converging on what is shared,
/// and the paths through a selected node highlighted.
@Suite struct SharingGraphTests {
  static let designs: [DriverDesign] = [.legacy, .perMaster]

  /// shared-domain with both devices attached.
  func shared(_ design: DriverDesign) -> ExplorerState {
    Fixture.walkthrough(step: 3, width: 160, height: 48, design: design)
  }

  func text(_ layout: GraphLayout) -> [String] { layout.lines }

  func occurrences(_ needle: String, in lines: [String]) -> Int {
    lines.reduce(0) { $0 + $1.components(separatedBy: needle).count - 1 }
  }

  @Test(arguments: designs)
  func eachNodeIsDrawnOnce(design: DriverDesign) {
    let g = shared(design).derived.graph
    #expect(Set(g.model.nodes.map(\.key)).count == g.model.nodes.count)
    for layout in [g.full, g.compact] {
      for (i, node) in g.model.nodes.enumerated() where !node.isDummy {
        let rows = Set(layout.rows.indices.filter { y in layout.rows[y].labels.contains { $0.node == i } })
        #expect(!rows.isEmpty, "\(node.key) is drawn")
        let runs = layout.rows.flatMap(\.labels).filter { $0.node == i }
        #expect(runs.count == node.rows.count, "\(node.key) drawn once")
        #expect(rows.count == node.rows.count, "\(node.key) drawn on its rows only")
      }
    }
  }

  @Test(arguments: designs)
  func aPageTableSharedByTwoMastersAppearsOnce(design: DriverDesign) throws {
    let g = shared(design).derived.graph
    let pts = g.model.nodes.indices.filter { g.model.nodes[$0].column == .pageTable }
    #expect(pts.count == 1)
    #expect(occurrences("pt 0x40008000", in: text(g.full)) == 1)
    #expect(occurrences("dma0 asid 1", in: text(g.full)) == 1)
    for master in ["nvme0", "nic0"] {
      let m = try #require(g.model.node("m:\(master)"))
      #expect(g.paths(through: m).nodes.contains(pts[0]), "\(master) reaches the page table")
    }
  }

  @Test func legacyStesConvergeOnOneTablePerMasterTablesOnOneDomain() throws {
    let legacy = shared(.legacy).derived.graph
    let table = try #require(legacy.model.nodes.firstIndex { $0.column == .table })
    #expect(legacy.model.edges.filter { $0.to == table }.count == 2, "two STEs into one table")
    let perMaster = shared(.perMaster).derived.graph
    let dom = try #require(perMaster.model.node("d:dma0"))
    #expect(perMaster.model.edges.filter { $0.to == dom }.count == 2, "two tables into one domain")
    #expect(perMaster.model.nodes.filter { $0.column == .table }.count == 2)
    // Converging: one arrow into the domain, and a join on the track.
    let lines = text(perMaster.full)
    #expect(occurrences("▶ dma0", in: lines) == 1)
    #expect(lines.joined().contains("┬") && lines.joined().contains("┘"))
  }

  @Test func theUnzoomedGraphFitsAHalfWidthPane() {
    for design in Self.designs {
      let g = shared(design).derived.graph
      #expect(g.layout(fitting: 38).width <= 38, "\(design)")
    }
  }

  @Test func selectingANodeHighlightsEveryPathThroughIt() throws {
    var s = Fixture.walkthrough("sva-leak", step: 1, width: 160, height: 48, design: .perMaster)
    s.press(.tab, .tab)
    let g = s.derived.graph
    let mm = try #require(g.model.nodes.firstIndex { $0.key.hasPrefix("d:mm:") })
    let index = try #require(g.order.firstIndex(of: mm))
    for _ in 0..<index { s.press(.char("j")) }
    #expect(s.selection[.graph] == index)
    let (nodes, _) = g.paths(through: mm)
    let keys = Set(nodes.map { g.model.nodes[$0].key })
    #expect(keys.contains("m:gpu") && !keys.contains("m:acc"), "only gpu reaches the mm at PASID 5")
    #expect(keys.contains { $0.hasPrefix("p:") })
    // On screen: gpu underlined (on a path), acc not, the mm domain reversed (selected).
    let grid = s.render()
    let rect = try #require(s.currentLayout.panes[.graph]).inner
    let gpuY = rect.y + g.placement.row[try #require(g.model.node("m:gpu"))]
    let accY = rect.y + g.placement.row[try #require(g.model.node("m:acc"))]
    #expect(grid[rect.x, gpuY].style.underline)
    #expect(!grid[rect.x, accY].style.underline)
    let mmCell = grid[rect.x + g.full.x[mm], rect.y + g.placement.row[mm]]
    #expect(mmCell.style.reverse)
  }

  @Test func unfocusedTheSelectedMastersPathsAreHighlighted() throws {
    var s = Fixture.walkthrough("sva-leak", step: 1, width: 160, height: 48, design: .perMaster)
    s.press(.down)
    #expect(s.selectedMaster == "acc")
    let g = s.derived.graph
    let rect = try #require(s.currentLayout.panes[.graph]).inner
    let grid = s.render()
    let acc = try #require(g.model.node("m:acc"))
    let gpu = try #require(g.model.node("m:gpu"))
    #expect(grid[rect.x, rect.y + g.placement.row[acc]].style.underline)
    #expect(!grid[rect.x, rect.y + g.placement.row[gpu]].style.underline)
  }

  @Test func aClickOnALabelSelectsItsNode() throws {
    var s = shared(.legacy)
    let g = s.derived.graph
    let rect = try #require(s.currentLayout.panes[.graph]).inner
    let table = try #require(g.model.nodes.firstIndex { $0.column == .table })
    s.press(.click(x: rect.x + g.full.x[table] + 1, y: rect.y + g.placement.row[table]))
    #expect(s.focus == .graph)
    #expect(s.selection[.graph].map { g.order[$0] } == table)
    // Every master reaches the legacy table: both are on its paths.
    let grid = s.render()
    for m in ["nvme0", "nic0"] {
      let n = try #require(g.model.node("m:\(m)"))
      #expect(grid[rect.x, rect.y + g.placement.row[n]].style.underline, "\(m)")
    }
  }

  @Test func onlyTheLinesOfTheSelectedPathsAreHighlighted() throws {
    let s = shared(.legacy)
    #expect(s.selectedMaster == "nvme0")
    let g = s.derived.graph
    let rect = try #require(s.currentLayout.panes[.graph]).inner
    let grid = s.render()
    let layout = g.layout(fitting: rect.width)
    let nvme0 = g.placement.row[try #require(g.model.node("m:nvme0"))]
    let nic0 = g.placement.row[try #require(g.model.node("m:nic0"))]
    // Every line cell on nvme0's row (its way to the table) is lit; nic0's stub is not.
    let lines = { (y: Int) in
      layout.rows[y].scalars.indices.filter { x in
        layout.rows[y].scalars[x] != " " && layout.rows[y].label(at: x) == nil
      }
    }
    #expect(!lines(nvme0).isEmpty && !lines(nic0).isEmpty)
    for x in lines(nvme0) { #expect(grid[rect.x + x, rect.y + nvme0].style.color == .accent, "x \(x)") }
    for x in lines(nic0) { #expect(grid[rect.x + x, rect.y + nic0].style.color == .normal, "x \(x)") }
  }
}
