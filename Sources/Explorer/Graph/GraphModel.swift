import SMMUDriver
import SMMUModel
import Scenario

/// The sharing graph as nodes and edges: masters -> STEs -> CD tables (one row per valid
/// SSID slot) -> domains -> page tables. Each thing is one node however many point at it,
/// so sharing shows as edges converging. Built once per session change.
struct GraphModel: Sendable, Hashable {
  /// The five columns, left to right.
  enum Column: Int, Sendable, CaseIterable { case master, ste, table, domain, pageTable }

  /// One label with the style it is drawn in.
  struct Label: Sendable, Hashable {
    var full: String
    var compact: String
    var color: Color
    var bold = false
  }

  /// A node: a master, an STE, a CD table, a domain, a page table, or a placeholder that
  /// carries a long edge (stage 2: STE straight to its domain) through the table column.
  struct Node: Sendable, Hashable {
    let key: String
    let column: Column
    /// One label per row (a CD table has one row per valid SSID slot).
    var rows: [Label]
    /// A placeholder: drawn as a line, never selected.
    var isDummy = false
  }

  /// An edge from a row of a node to a node (drawn into the target's first row).
  struct Edge: Sendable, Hashable {
    let from: Int
    let fromRow: Int
    let to: Int
  }

  init() {}

  private(set) var nodes: [Node] = []
  private(set) var edges: [Edge] = []
  private var index: [String: Int] = [:]
  private var edgeSet: Set<Edge> = []

  /// The node index of a key, if it exists.
  func node(_ key: String) -> Int? { index[key] }

  /// Adds a node once (a second add of the same key returns the first).
  @discardableResult
  mutating func add(_ node: Node) -> Int {
    if let i = index[node.key] { return i }
    nodes.append(node)
    index[node.key] = nodes.count - 1
    return nodes.count - 1
  }

  /// Adds an edge once.
  mutating func link(_ from: Int, row: Int = 0, to: Int) {
    let e = Edge(from: from, fromRow: row, to: to)
    if edgeSet.insert(e).inserted { edges.append(e) }
  }
}

extension GraphModel {
  /// The graph of a session's masters, their STEs and what they reach.
  /// - Complexity: O(SIDs + valid CDs), reading each STE and CD once.
  init(
    session: Session, streams: [ExplorerState.StreamRow], tables: [UInt64: (owner: String, table: CDTable)]
  ) {
    let d = session.driver
    for r in streams {
      guard let ste = d.ste(sid: r.sid) else { continue }
      let m = add(
        Node(
          key: "m:\(r.master)", column: .master,
          rows: [Label(full: r.master, compact: String(r.master.prefix(6)), color: .accent, bold: true)]))
      let sid = hex(UInt64(r.sid))
      let cfg = ste.isValid ? ste.configValue.name : "invalid"
      let color: Color =
        !ste.isValid ? .bad : ste.configValue == .abort ? .dim : ste.configValue == .bypass ? .warn : .good
      let s = add(
        Node(
          key: "s:\(r.sid)", column: .ste,
          rows: [Label(full: "\(sid) \(cfg)", compact: "\(sid.dropFirst(2)) \(cfg.prefix(3))", color: color)])
      )
      link(m, to: s)
      guard ste.isValid else { continue }
      switch ste.configValue {
      case .s1Translate:
        let t = addTable(root: ste.contextPointer, tables: tables, session: session)
        link(s, to: t)
      case .nested:
        addNested(ste: ste, from: s, master: r.master, session: session)
      case .s2Translate:
        let vmid = ste[StreamTableEntry.s2vmid]
        let pass = add(
          Node(
            key: "x:\(r.sid)", column: .table, rows: [Label(full: "", compact: "", color: .normal)],
            isDummy: true))
        link(s, to: pass)
        link(
          pass,
          to: addDomain(
            root: ste.s2TableAddress, tag: "vmid \(vmid)", compactTag: "v\(vmid)", session: session))
      case .bypass, .abort: break
      }
    }
  }

  /// A CD table with a row per valid SSID slot, linked to the domains its CDs point at.
  private mutating func addTable(
    root: UInt64, tables: [UInt64: (owner: String, table: CDTable)], session: Session
  ) -> Int {
    if let i = node("t:\(root)") { return i }
    let owner = tables[root]?.owner ?? hex(root)
    let d = session.driver
    var slots: [(label: Label, cd: ContextDescriptor?)] = []
    if let table = tables[root]?.table {
      for ssid in d.validSSIDs(of: table) {
        guard let cd = d.cd(table: table, ssid: ssid) else { continue }
        let off = cd.translationDisabled ? " off" : ""
        slots.append(
          (Label(full: "[\(ssid)]\(off)", compact: "[\(ssid)]\(off.isEmpty ? "" : "x")", color: .warn), cd))
      }
    }
    if slots.isEmpty { slots = [(Label(full: "(no CD)", compact: "-", color: .dim), nil)] }
    // The table's name on its first row, the other slots aligned under the first; compact
    // labels show only the slots (the STEs on the left say whose table it is).
    let name = "T:" + owner
    var rows: [Label] = []
    for (i, s) in slots.enumerated() {
      var l = s.label
      l.full = (i == 0 ? name : String(repeating: " ", count: name.count)) + " " + l.full
      rows.append(l)
    }
    let t = add(Node(key: "t:\(root)", column: .table, rows: rows))
    for (i, s) in slots.enumerated() {
      guard let cd = s.cd, !cd.translationDisabled else { continue }
      link(
        t, row: i,
        to: addDomain(
          root: cd.tableAddress, tag: "asid \(cd.asidValue)", compactTag: "a\(cd.asidValue)", session: session
        ))
    }
    return t
  }

  /// A domain (by name; by page table when it has none) and its page table.
  mutating func addDomain(root: UInt64, tag: String, compactTag: String, session: Session) -> Int {
    var name = session.domainName(forTable: root)
    if name == "none" { name = "?" + hex(root) }
    let dom = add(
      Node(
        key: "d:\(name)", column: .domain,
        rows: [
          Label(
            full: "\(name) \(tag)", compact: "\(name.prefix(6)) \(compactTag)", color: .accent, bold: true)
        ]))
    let addr = hex(root)
    let pt = add(
      Node(
        key: "p:\(root)", column: .pageTable,
        rows: [Label(full: "pt \(addr)", compact: "…" + addr.suffix(4), color: .dim)]))
    link(dom, to: pt)
    return dom
  }
}
