import SMMUDriver
import SMMUModel
import Scenario

extension ExplorerState {
  func drawOverlay(_ g: inout Grid, _ o: Overlay) {
    switch o {
    case .commandLine(let t), .filter(let t), .writeFile(let t):
      let prompt: String
      switch o {
      case .commandLine: prompt = ":"
      case .filter: prompt = "/"
      default: prompt = "write session to: "
      }
      let y = height - 2
      g.fill(x: 0, y: y, width: width, height: 1, style: Style(.normal))
      g.write(prompt + t, x: 0, y: y, style: Style(.normal, bold: true), maxWidth: width - 1)
      g.write("█", x: min(width - 1, prompt.count + t.count), y: y, style: Style(.accent))
      let hint =
        prompt == ":"
        ? Keymap.commandLine.hintText() + "  (scenario language: attach, detach, map, dma, expect, ...)"
        : Keymap.textPrompt.hintText()
      g.fill(x: 0, y: height - 1, width: width, height: 1, style: Style(.dim))
      g.write(hint, x: 0, y: height - 1, style: Style(.dim), maxWidth: width)
    case .help: drawPopup(&g, title: "Keys (\(Keymap.helpScreen.hintText()))", lines: helpLines)
    case .raw: drawPopup(&g, title: "Raw qwords (\(Keymap.popup.hintText()))", lines: rawLines)
    case .compare:
      drawPopup(
        &g, title: "This session under every design (differences highlighted; \(Keymap.popup.hintText()))",
        lines: compareLines)
    case .sweep(let top):
      let chart = sweepChartGrid
      let lines = (0..<chart.height).map { y in
        (0..<chart.width).map { x in Span(String(chart[x, y].character), chart[x, y].style) }
      }
      drawPopup(
        &g, title: "What each design costs (smmuscope sweep; \(Keymap.scrollPopup.hintText()))",
        lines: Array(lines.dropFirst(top)), more: "j/PgDn scrolls")
    case .walk(let v): drawWalk(&g, v)
    case .findings(let l): drawFindings(&g, l)
    case .mutationMatrix:
      drawPopup(
        &g, title: "Kill matrix: first walkthrough catching each mutation (\(Keymap.popup.hintText()))",
        lines: mutationMatrixLines)
    case .walkthroughMenu(let sel):
      let width = max(24, (Walkthrough.all.map(\.name.count).max() ?? 0) + 6)
      let lines = Walkthrough.all.enumerated().map { i, w in
        [
          Span(col("\(i + 1). \(w.name)", width), Style(.accent, bold: i == sel, reverse: i == sel)),
          Span(w.title, Style(reverse: i == sel)),
        ]
      }
      drawPopup(&g, title: "Walkthroughs (\(Keymap.menu.hintText(separator: ", ")))", lines: lines)
    }
  }

  /// A centred box over the panes (never over the title or the hint bar). When the lines do
  /// not fit, the last row says how many are hidden.
  func drawPopup(
    _ g: inout Grid, title: String, lines: [[Span]], more: String = "enlarge the terminal"
  ) {
    let widest = lines.map { $0.reduce(0) { $0 + $1.text.count } }.max() ?? 0
    let w = min(width - 4, max(40, widest + 4, title.count + 8))
    let h = min(height - 2, lines.count + 2)
    let r = Rect(x: (width - w) / 2, y: max(1, (height - 1 - h) / 2 + 1), width: w, height: h)
    g.fill(x: r.x, y: r.y, width: r.width, height: r.height, style: Style())
    g.box(r, title: title, focused: true, glyphs: glyphs)
    let rows = h - 2
    var shown = Array(lines.prefix(rows))
    if lines.count > rows, rows > 0 {
      shown[rows - 1] = [Span("… \(lines.count - rows + 1) more lines: \(more)", Style(.dim))]
    }
    for (i, l) in shown.enumerated() {
      g.draw(l, x: r.x + 2, y: r.y + 1 + i, width: r.width - 3)
    }
  }

  /// The sweep chart laid out for the popup's width.
  var sweepChartGrid: Grid {
    guard let sweep else { return Grid(width: 0, height: 0) }
    return SweepChart(sweep).grid(width: max(20, width - 8))
  }

  /// The help screen: the current mode's keymap.
  var helpLines: [[Span]] { screenKeymap.helpLines }

  /// One row per mutation and design it applies to: the first walkthrough that catches it.
  var mutationMatrixLines: [[Span]] {
    guard let m = mutationMatrix else { return [] }
    var lines: [[Span]] = []
    for mutation in m.mutations {
      for d in MutationMatrix.designs {
        guard let list = m.catches[mutation]?[d] else { continue }
        let caught =
          list.first.map { "\($0.walkthrough) (\($0.kinds.joined(separator: ", ")))" } ?? "SURVIVES"
        lines.append([
          Span(col(mutation.rawValue, 18), Style(.accent)), Span(col(d.rawValue, 12), Style(.dim)),
          Span(caught, Style(list.isEmpty ? .bad : .normal)),
        ])
      }
    }
    let s = m.survivors.count
    lines.append([
      Span(s == 0 ? "no survivor" : "\(s) survivor\(s == 1 ? "" : "s")", Style(s == 0 ? .good : .bad))
    ])
    return lines
  }

  /// The selected STE (stream pane) or CD (CD pane): decoded fields and raw qwords.
  var rawLines: [[Span]] {
    let d = session.driver
    var entry: EntryQwords?
    var fields: [DecodedField] = []
    var title = ""
    var used = EntryQwords()
    if focus == .cdTable, let table = cdTableInfo.table {
      let ssids = d.validSSIDs(of: table)
      let i = min(selection[.cdTable] ?? 0, max(0, ssids.count - 1))
      if !ssids.isEmpty, let a = table.cdAddress(ssids[i]), let cd = d.cd(table: table, ssid: ssids[i]) {
        entry = cd.qwords
        fields = cd.decoded
        used = UsedBits.cd(cd.qwords)
        title = "CD ssid \(ssids[i]) of \(table.owner) at \(hex(a))"
      }
    } else if !derived.streams.isEmpty {
      let r = derived.streams[min(selection[.streams] ?? 0, derived.streams.count - 1)]
      if let a = d.streamTable.steAddress(r.sid), let ste = d.ste(sid: r.sid) {
        entry = ste.qwords
        fields = ste.decoded
        used = UsedBits.ste(ste.qwords)
        title = "STE sid \(hex(UInt64(r.sid))) (\(r.master)) at \(hex(a))"
      }
    }
    guard let entry else { return [[Span("Select an STE (stream table) or a CD (CD table pane) first.")]] }
    var out: [[Span]] = [[Span(title, Style(.title, bold: true))]]
    for (i, q) in entry.enumerated() {
      out.append([
        Span("q\(i) ", Style(.dim)), Span(hex(q, digits: 16), Style(.accent)),
        Span("  used " + hex(used[i], digits: 16), Style(.dim)),
      ])
    }
    let nonzero = fields.filter { $0.value != 0 || $0.name == "V" || $0.name == "Config" }
    var line: [Span] = []
    var width = 0
    for f in nonzero {
      let text = "\(f.name)=\(f.meaning.isEmpty ? String(f.value) : f.meaning)  "
      if width + text.count > 70 {
        out.append(line)
        line = []
        width = 0
      }
      line.append(Span(text))
      width += text.count
    }
    if !line.isEmpty { out.append(line) }
    return out
  }

  var compareLines: [[Span]] {
    guard let scenario = try? ScenarioParser.parse(scenarioText, file: "session") else {
      return [[Span("the session could not be re-parsed")]]
    }
    let c = Comparison(scenario)
    // Columns as wide as the widest label plus two, narrower when the screen is.
    let labelWidth = (c.rows.map(\.0.count).max() ?? 0) + 2
    let wanted = max(8, (c.labels.map(\.count) + c.rows.flatMap { $0.1.map(\.count) }).max() ?? 0) + 2
    let room = max(8, (width - 7 - labelWidth) / max(1, c.labels.count))
    let w = min(wanted, room)
    // A label too wide for its column says "pm" for per-master.
    let labels = c.labels.map { l in
      l.count < w
        ? l : l.split(separator: "+").map { $0 == "per-master" ? "pm" : String($0) }.joined(separator: "+")
    }
    var out: [[Span]] = [
      [Span(col("", labelWidth)), Span(labels.map { col($0, w) }.joined(), Style(.header, bold: true))]
    ]
    for (label, vals) in c.rows {
      let differ = Set(vals).count > 1
      out.append([
        Span(col(label, labelWidth)),
        Span(vals.map { col($0, w) }.joined(), Style(differ ? .warn : .normal, bold: differ)),
      ])
    }
    return out
  }
}
