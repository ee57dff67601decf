import SMMUDriver
import SMMUModel
import Scenario

extension GraphModel {
  /// A nested STE hangs two things: the guest's CD table (read from guest memory through
  /// stage 2; its rows lead to the guest's domains and page tables, all IPAs) and the
  /// vSMMU, which leads to its stage-2 parent domain. Guest nodes are drawn in the guest's
  /// colour and named `G:`, so guest and host stay apart.
  mutating func addNested(ste: StreamTableEntry, from s: Int, master: String, session: Session) {
    let d = session.driver
    guard let g = GuestView(master: master, driver: d) else { return }
    let key = "g:\(g.vmid):\(ste.contextPointer)"
    var rows: [Label] = []
    let name = "G:\(g.viommu)"
    let pad = String(repeating: " ", count: name.count)
    for (i, e) in g.cds.enumerated() {
      let off = e.cd.translationDisabled ? " off" : ""
      rows.append(
        Label(
          full: (i == 0 ? name : pad) + " [\(e.ssid)]\(off)", compact: "g[\(e.ssid)]", color: .guest))
    }
    if rows.isEmpty { rows = [Label(full: "\(name) (no CD)", compact: "g-", color: .dim)] }
    let t = add(Node(key: key, column: .table, rows: rows))
    link(s, to: t)
    for (i, e) in g.cds.enumerated() where !e.cd.translationDisabled {
      let root = e.cd.tableAddress
      let name = GuestView.domainName(viommu: g.viommu, ttb0: root, driver: d) ?? g.viommu
      let dom = add(
        Node(
          key: "gd:\(g.vmid):\(root)", column: .domain,
          rows: [
            Label(
              full: "\(name) asid \(e.cd.asidValue)", compact: "\(name.prefix(6)) a\(e.cd.asidValue)",
              color: .guest,
              bold: true)
          ]))
      let pt = add(
        Node(
          key: "gp:\(g.vmid):\(root)", column: .pageTable,
          rows: [Label(full: "ipt \(hex(root))", compact: "i" + hex(root).suffix(4), color: .guest)]))
      link(t, row: i, to: dom)
      link(dom, to: pt)
    }
    // The vSMMU and its stage-2 parent: every vSMMU on one parent shares its VMID.
    let v = add(
      Node(
        key: "v:\(g.viommu)", column: .table,
        rows: [Label(full: "vSMMU \(g.viommu)", compact: "v:" + g.viommu.prefix(4), color: .guest)]))
    link(s, to: v)
    let vmid = ste[StreamTableEntry.s2vmid]
    link(
      v,
      to: addDomain(root: ste.s2TableAddress, tag: "vmid \(vmid)", compactTag: "v\(vmid)", session: session))
  }
}
