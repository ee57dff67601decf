import Scenario
import Testing

@testable import Explorer

/// `smmuscope sweep`'s chart: golden panels, and the scale's arithmetic.
struct SweepChartTests {
  static let sweep = Sweep(masters: [1, 2, 8], pasids: [0, 2])

  @Test(arguments: [80, 160])
  func chartGolden(width: Int) {
    Golden.check(SweepChart(Self.sweep).grid(width: width), "sweep-chart-\(width)")
  }

  @Test func workloadFiguresGrowAsTheDesignsSay() {
    // CD-table bytes at 8 masters without PASIDs: one shared page (legacy), a page per
    // master (per-master), 64 bytes per master (compact).
    let eight = Self.sweep.points.first { $0.masters == 8 && $0.pasids == 0 }!
    #expect(eight.values[0] == [4096, 8 * 4096, 8 * 64])
    // CFGI_CD under legacy fans out to every master of the domain for every SVA CD store.
    let withPASIDs = Self.sweep.points.first { $0.masters == 8 && $0.pasids == 2 }!
    let cfgi = withPASIDs.values[4]
    #expect(cfgi[0] > 4 * cfgi[1])
  }

  @Test func scaleIsLogarithmicOnlyAcrossTwoDecades() {
    #expect(!ChartScale([1, 50]).logarithmic)
    #expect(ChartScale([3, 300]).logarithmic)
    #expect(ChartScale([3, 300]).bottom == 1)
    #expect(ChartScale([64, 4_718_592]).bottom == 10)
    let s = ChartScale([10, 1000])
    #expect(abs(s.fraction(100) - 0.5) < 1e-4)
    #expect(s.fraction(0) == 0)
    #expect(ChartScale([0, 0]).fraction(0) == 0)
  }

  @Test func ansiTextCarriesColoursOnlyWhenAsked() {
    var g = Grid(width: 4, height: 1)
    g.write("ab", x: 0, y: 0, style: Style(.bad))
    #expect(g.ansiText(color: false) == "ab\n")
    #expect(g.ansiText() == "\u{1B}[0;31mab\u{1B}[0m\n")
  }
}
