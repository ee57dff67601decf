import Scenario

/// The sweep as grouped bar charts, one panel per metric: for each point a group of bars, one
/// per configuration (legacy red, per-master cyan, per-master+compact green), drawn with block
/// elements in eighths of a cell; a log scale where a panel's values span two decades or more.
package struct SweepChart: Sendable {
  package let sweep: Sweep
  /// Rows of one panel: title, plot, two rows of x labels.
  package static let panelHeight = 13
  static let axisWidth = 7
  static let colors: [Color] = [.bad, .accent, .good]

  package init(_ sweep: Sweep) { self.sweep = sweep }

  /// Columns one panel needs.
  package var panelWidth: Int { Self.axisWidth + 2 + sweep.points.count * (sweep.configurations.count + 1) }

  /// Every panel, as many side by side as `width` allows, under a legend.
  package func grid(width: Int) -> Grid {
    let perRow = max(1, (width + 2) / (panelWidth + 2))
    let rows = (Sweep.metrics.count + perRow - 1) / perRow
    var g = Grid(width: max(width, panelWidth), height: 3 + rows * (Self.panelHeight + 1))
    drawLegend(into: &g, x: 0, y: 0)
    for k in Sweep.metrics.indices {
      let r = Rect(
        x: (k % perRow) * (panelWidth + 2), y: 3 + (k / perRow) * (Self.panelHeight + 1), width: panelWidth,
        height: Self.panelHeight)
      drawPanel(metric: k, into: &g, in: r)
    }
    return g
  }

  /// The legend (two rows): one coloured block and label per configuration, then the axes.
  package func drawLegend(into g: inout Grid, x: Int, y: Int) {
    var spans: [Span] = []
    for (i, c) in sweep.configurations.enumerated() {
      spans += [Span("██", Style(Self.colors[i % Self.colors.count])), Span(" \(c.label)   ")]
    }
    g.draw(spans, x: x, y: y, width: g.width - x)
    g.write("x: masters; P: PASIDs per master", x: x, y: y + 1, style: Style(.dim))
  }

  /// One metric's panel.
  package func drawPanel(metric k: Int, into g: inout Grid, in r: Rect) {
    let values = sweep.points.map { $0.values[k] }
    let scale = ChartScale(values.flatMap { $0 })
    g.write(
      Sweep.metrics[k].label + (scale.logarithmic ? " (log scale)" : ""), x: r.x, y: r.y,
      style: Style(.title),
      maxWidth: r.width)
    let plotTop = r.y + 1
    let plotHeight = r.height - 3
    let axisX = r.x + Self.axisWidth
    for row in 0..<plotHeight { g[axisX, plotTop + row] = Cell("│", Style(.dim)) }
    g.write(padded(Self.short(scale.top), Self.axisWidth - 1), x: r.x, y: plotTop, style: Style(.dim))
    g.write(
      padded(Self.short(scale.bottom), Self.axisWidth - 1), x: r.x, y: plotTop + plotHeight - 1,
      style: Style(.dim))
    let group = sweep.configurations.count + 1
    for (i, point) in sweep.points.enumerated() {
      let x0 = axisX + 2 + i * group
      for (c, v) in point.values[k].enumerated() {
        let eighths = Int((scale.fraction(v) * Double(plotHeight * 8)).rounded())
        let shown = v > 0 ? max(1, eighths) : 0
        for row in 0..<plotHeight {
          let level = shown - row * 8
          guard level > 0 else { break }
          g[x0 + c, plotTop + plotHeight - 1 - row] = Cell(
            Self.blocks[min(8, level)], Style(Self.colors[c % Self.colors.count]))
        }
      }
      g.write(padded(String(point.masters), group - 1), x: x0, y: plotTop + plotHeight, style: Style(.dim))
      if i == 0 || sweep.points[i - 1].pasids != point.pasids {
        g.write("P=\(point.pasids)", x: x0, y: plotTop + plotHeight + 1, style: Style(.dim))
      }
    }
  }

  static let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// A number in at most six columns: 4096, 262k, 1.2M.
  static func short(_ v: Double) -> String {
    if v < 10_000 { return String(Int(v.rounded())) }
    if v < 1_000_000 { return String(Int((v / 1000).rounded())) + "k" }
    let m = v / 1_000_000
    return m < 10 ? String(Double(Int(m * 10)) / 10) + "M" : String(Int(m.rounded())) + "M"
  }
}

/// How values map to bar heights: linear from zero, or logarithmic from the decade below the
/// smallest non-zero value when the values span two decades or more.
struct ChartScale {
  let logarithmic: Bool
  let bottom: Double
  let top: Double

  init(_ values: [Int]) {
    let positive = values.filter { $0 > 0 }.map(Double.init)
    let maxV = positive.max() ?? 1
    let minV = positive.min() ?? 1
    logarithmic = maxV / minV >= 100
    if logarithmic {
      var b = 1.0
      while b * 10 <= minV { b *= 10 }
      bottom = b
    } else {
      bottom = 0
    }
    top = max(maxV, bottom + 1)
  }

  /// 0...1 of the plot height.
  func fraction(_ v: Int) -> Double {
    guard v > 0 else { return 0 }
    if logarithmic {
      return min(1, max(0, (log10(Double(v)) - log10(bottom)) / (log10(top) - log10(bottom))))
    }
    return min(1, Double(v) / top)
  }

  private func log10(_ x: Double) -> Double {
    // log10 without Foundation: the natural log's series is overkill; count decades and
    // interpolate the remainder with the binary exponent.
    x.significand.isZero ? 0 : (Double(x.exponent) + log2Fraction(x.significand)) * 0.301_029_995_663_981_2
  }

  private func log2Fraction(_ s: Double) -> Double {
    // s in [1, 2): log2(s) by 20 squarings.
    var s = s
    var result = 0.0
    var bit = 0.5
    for _ in 0..<20 {
      s *= s
      if s >= 2 {
        s /= 2
        result += bit
      }
      bit /= 2
    }
    return result
  }
}
