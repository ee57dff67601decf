import SMMUDriver
import SMMUModel
import Scenario

/// Builds the sharing graph: masters -> STEs -> CD tables (SSID slots) -> domains (ASID or
/// VMID) -> page tables, in columns with line-drawing connectors. Legacy shows many STEs
/// merging into one domain-owned table; per-master one table per master.
enum SharingGraph {
  static func build(
    session: Session, streams: [ExplorerState.StreamRow], tables: [UInt64: (owner: String, table: CDTable)],
    selected: String?,
    glyphs g: Glyphs
  ) -> [[Span]] {
    let d = session.driver
    let h = String(g.horizontal)
    var rows: [[Span]] = []
    var groups: [UInt64: [ExplorerState.StreamRow]] = [:]
    var order: [UInt64] = []
    var others: [[Span]] = []
    // Column widths from the data, so the graph stays readable in a half-width pane.
    let nameWidth = min(9, streams.map(\.master.count).max() ?? 0) + 1
    let sidWidth = (streams.map { hex(UInt64($0.sid)).count }.max() ?? 0) + 1
    let tableWidth = min(16, (tables.values.map(\.owner.count).max() ?? 0) + 2) + 1
    func domainLabel(root: UInt64, asid: String) -> [Span] {
      let name = session.domainName(forTable: root)
      return [
        Span("\(h)\(g.arrow) "), Span(name, Style(.accent, bold: true)), Span(" \(asid)", Style(.warn)),
        Span(" \(h)\(g.arrow) pt \(hex(root))", Style(.dim)),
      ]
    }
    for r in streams {
      guard let a = d.streamTable.steAddress(r.sid), let q = try? d.smmu.memory.readEntry(a) else { continue }
      let ste = StreamTableEntry(qwords: q)
      let mine = r.master == selected
      let left = [
        Span(String(r.master.prefix(nameWidth - 1)), Style(.accent, bold: mine, underline: mine)),
        Span(pad(r.master, nameWidth)), Span(col(hex(UInt64(r.sid)), sidWidth)),
      ]
      guard ste.isValid else {
        others.append(left + [Span("\(h)\(h) invalid", Style(.bad))])
        continue
      }
      switch ste.configValue {
      case .s1Translate, .nested:
        if groups[ste.contextPointer] == nil { order.append(ste.contextPointer) }
        groups[ste.contextPointer, default: []].append(r)
      case .s2Translate:
        let vmid = ste[StreamTableEntry.s2vmid]
        others.append(
          left + [Span(String(repeating: h, count: 4) + " S2")]
            + domainLabel(root: ste.s2TableAddress, asid: "vmid \(vmid)"))
      case .bypass: others.append(left + [Span("\(h)\(h) bypass", Style(.warn))])
      case .abort: others.append(left + [Span("\(h)\(h) abort", Style(.dim))])
      }
    }
    for root in order {
      let lefts = groups[root] ?? []
      let owner = tables[root]?.owner ?? hex(root)
      var rights: [(UInt32, ContextDescriptor)] = []
      if let table = tables[root]?.table {
        for ssid in RunReport.validSSIDs(table, d.smmu) {
          if let a = table.cdAddress(ssid), let q = try? d.smmu.memory.readEntry(a) {
            rights.append((ssid, ContextDescriptor(qwords: q)))
          }
        }
      }
      let onPath = lefts.contains { $0.master == selected }
      let lineStyle = Style(onPath ? .accent : .normal, bold: onPath)
      for j in 0..<max(lefts.count, rights.count, 1) {
        var row: [Span] = []
        if j < lefts.count {
          let mine = lefts[j].master == selected
          // Only the name is underlined, not the padding after it.
          row.append(
            Span(String(lefts[j].master.prefix(nameWidth - 1)), Style(.accent, bold: mine, underline: mine)))
          row.append(Span(pad(lefts[j].master, nameWidth)))
          row.append(Span(col(hex(UInt64(lefts[j].sid)), sidWidth)))
          let conn: String
          if lefts.count == 1 {
            conn = "\(h)\(h)\(g.arrow) "
          } else if j == 0 {
            conn = "\(h)\(g.teeDown)\(g.arrow) "
          } else if j == lefts.count - 1 {
            conn = "\(h)\(g.bottomRight)  "
          } else {
            conn = "\(h)\(g.teeLeft)  "
          }
          row.append(Span(conn, lineStyle))
        } else {
          row.append(Span(String(repeating: " ", count: nameWidth + sidWidth + 4)))
        }
        row.append(
          Span(col(j == 0 ? "T:\(owner)" : "", tableWidth), Style(j == 0 ? .title : .normal, bold: j == 0)))
        if j < rights.count {
          let (ssid, cd) = rights[j]
          let conn: String
          if rights.count == 1 {
            conn = "\(h)\(h)"
          } else if j == 0 {
            conn = "\(g.teeDown)\(h)"
          } else if j == rights.count - 1 {
            conn = "\(g.bottomLeft)\(h)"
          } else {
            conn = "\(g.teeRight)\(h)"
          }
          row.append(Span(conn, lineStyle))
          row.append(Span("[\(ssid)]", Style(.warn)))
          if cd.translationDisabled {
            row.append(Span("\(h)\(g.arrow) released (EPD0) asid \(cd.asidValue)", Style(.dim)))
          } else {
            row += domainLabel(root: cd.tableAddress, asid: "asid \(cd.asidValue)")
          }
        } else if j == 0 {
          row.append(Span(" (no valid CD)", Style(.dim)))
        }
        rows.append(row)
      }
    }
    return rows + others
  }
}

/// The spaces that pad `s` to `n` columns (none if it is already as wide).
func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) }
