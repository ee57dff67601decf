import SMMUModel
import Scenario

/// The walk view: one DMA's walk through the hardware, step by step (an overlay over the
/// panes, scrollable). Opened on a `dma`/`explain` log line, by `e`, or by `:explain dma`.
package struct WalkView: Sendable, Hashable {
  package let walk: TranslationWalk
  /// What the walk belongs to: "line 5: explain dma nvme0 0x1000".
  package let source: String
  /// First content line shown.
  package var scroll = 0
  /// Lines shown above the steps (a checker finding's text: its cache state), each a head
  /// span and the spans wrapped after it, under the head's width.
  package var preface: [[Span]] = []

  package init(walk: TranslationWalk, source: String) {
    self.walk = walk
    self.source = source
  }

  /// The content lines for an inner width (steps as row groups, the nested grid, the result).
  package func lines(width: Int) -> [[Span]] {
    var out: [[Span]] = []
    for p in preface {
      out += Self.wrap(
        Array(p.prefix(1)), Array(p.dropFirst()), width: width, indent: p.first?.text.count ?? 0)
    }
    if !preface.isEmpty { out.append([]) }
    let rows = WalkReport.rows(walk)
    let labelWidth = min(26, max(19, width / 5))
    let addressWidth = 13
    for (i, r) in rows.enumerated() {
      if i == rows.count - 1 {
        out.append([])
        out += Self.wrap(
          [Span("=> ", Style(.title, bold: true))],
          Self.words(r.note, style: Style(r.failed ? .bad : .good, bold: true)), width: width, indent: 3)
        continue
      }
      let head = [
        Span(col("\(i + 1).", 4), Style(.dim)),
        Span(col(r.label, labelWidth - 1) + " ", Style(r.failed ? .bad : .title, bold: true)),
        Span(col(r.address, addressWidth), Style(.accent)),
      ]
      let servedStyle = Style(
        r.cached ? .good : r.served == "fetched from memory" ? .warn : .dim, bold: r.cached)
      let served = r.served == "-" ? [] : Self.words(r.served, style: servedStyle)
      out += Self.wrap(head, served, width: width, indent: 4 + labelWidth + addressWidth)
      let indent = [Span("    ")]
      if !r.descriptor.isEmpty {
        out += Self.wrap(
          indent + [Span("qwords ", Style(.dim))], r.descriptor.map { Span($0 + " ") }, width: width,
          indent: 11)
      }
      if !r.fields.isEmpty {
        let fields = r.fields.map { f in
          f.hasSuffix("*") ? Span(String(f.dropLast()) + "  ", Style(.accent, bold: true)) : Span(f + "  ")
        }
        out += Self.wrap(indent, fields, width: width, indent: 4)
      }
      if !r.note.isEmpty {
        out += Self.wrap(indent, Self.words(r.note, style: Style(.dim)), width: width, indent: 4)
      }
    }
    let grid = walk.nestedGrid
    if !grid.isEmpty { out += nestedLines(grid, width: width) }
    out.append([])
    out.append([
      Span("bold", Style(.accent, bold: true)), Span(" fields decided the path; ", Style(.dim)),
      Span("green", Style(.good, bold: true)), Span(" steps came from a cache, ", Style(.dim)),
      Span("yellow", Style(.warn)), Span(" ones from memory.", Style(.dim)),
    ])
    return out
  }

  /// Nested translation as a grid: a row per address stage 2 translated, a column per S2 level.
  func nestedLines(_ grid: [(translates: Int?, levels: [WalkStep])], width: Int) -> [[Span]] {
    var out: [[Span]] = [
      [],
      [
        Span(
          "Nested: the 2-D walk (rows: what stage 2 translated; columns: S2 levels)",
          Style(.header, bold: true))
      ],
    ]
    out.append(
      [Span(col("", 24))]
        + (0..<PageTableFormat.levels).map { Span(col("S2 level \($0)", 20), Style(.header)) })
    for row in grid {
      let label =
        row.translates.map { i in
          guard walk.steps.indices.contains(i) else { return "faulted IPA" }
          let s = walk.steps[i]
          return s.kind == .s1Level ? "\(s.title) table" : s.title
        } ?? "final IPA"
      out.append(
        [Span(col(label, 24), Style(bold: true))]
          + row.levels.map { Span(col($0.descriptor.first.map { hex($0, digits: 16) } ?? "abort", 20)) })
    }
    return out
  }

  /// Text split into words that keep their space (so wrapping breaks between them).
  static func words(_ text: String, style: Style) -> [Span] {
    let parts = text.split(separator: " ")
    return parts.enumerated().map { i, p in Span(String(p) + (i + 1 < parts.count ? " " : ""), style) }
  }

  /// `head` then `tail` spans, wrapped to `width`; continuation lines are indented.
  static func wrap(_ head: [Span], _ tail: [Span], width: Int, indent: Int) -> [[Span]] {
    var lines: [[Span]] = []
    var line = head
    var used = head.reduce(0) { $0 + $1.text.count }
    let start = used
    for s in tail {
      if used + s.text.count > width && used > start {
        lines.append(line)
        line = [Span(String(repeating: " ", count: indent))]
        used = indent
      }
      line.append(s)
      used += s.text.count
    }
    lines.append(line)
    return lines
  }
}

extension ExplorerState {
  /// Draws the walk view over the panes, with its own hint bar.
  func drawWalk(_ g: inout Grid, _ v: WalkView) {
    let r = Rect(x: 0, y: 1, width: width, height: height - 2)
    let lines = v.lines(width: r.width - 4)
    let rows = r.height - 2
    let top = max(0, min(v.scroll, lines.count - rows))
    g.fill(x: r.x, y: r.y, width: r.width, height: r.height, style: Style())
    let range =
      lines.count > rows ? "  lines \(top + 1)-\(min(lines.count, top + rows)) of \(lines.count)" : ""
    g.box(r, title: "Walk of \(v.source)\(range)", focused: true, glyphs: glyphs)
    for (i, l) in lines.dropFirst(top).prefix(rows).enumerated() {
      g.draw(l, x: r.x + 2, y: r.y + 1 + i, width: r.width - 3)
    }
    g.fill(x: 0, y: height - 1, width: width, height: 1, style: Style())
    g.draw(Keymap.walkView.hintSpans, x: 0, y: height - 1, width: width)
  }

  /// The walk view's first line at most (so that the last page fills the box).
  func walkScrollLimit(_ v: WalkView) -> Int {
    max(0, v.lines(width: width - 4).count - (height - 4))
  }
}
