import SMMUDriver
import SMMUModel
import Scenario

/// The CD table of the selected master (per-master) or of its domain (legacy): one row per
/// valid SSID slot, with the domain it points at and the masters that reach it.
struct CDTablePane: Pane {
  let info: (title: String, table: CDTable?, owner: String?)
  let levels: String?
  /// The invalidation arrays of the selected master's domains (with `invs`).
  let invs: [String]
  let rows: [[Span]]

  /// The guest view when the selected master's STE is nested: the pane shows the guest's
  /// CD table, read from guest memory, instead of a host one.
  let guest: GuestView?

  init(state: ExplorerState) {
    let g = state.selectedGuest
    guest = g?.tableIPA == nil ? nil : g
    info = state.cdTableInfo
    levels = guest == nil ? state.cdTableLevels : nil
    invs = state.invalidationArrayLines
    rows = guest.map { Self.guestRows($0, driver: state.session.driver) } ?? Self.rows(state, info.table)
  }

  var title: String { PaneID.cdTable.title }
  var count: Int { rows.count }
  func row(_ i: Int) -> [Span] { rows[i] }
  var emptyText: String {
    if guest != nil { return "no valid CD in guest memory (the guest has not installed one)" }
    return info.table == nil ? "the selected master's STE uses no CD table" : "no valid CD"
  }

  var header: [[Span]] {
    if let guest { return guestHeader(guest) }
    var out: [[Span]] = [[Span(info.title, Style(.title, bold: true))]]
    if let levels { out.append([Span(levels, Style(.dim))]) }
    out += invs.map { [Span($0, Style(.accent))] }
    return out + [
      [
        Span(
          col("SSID", 8) + col("ASID", 6) + col("TTB0", 13) + col("domain", 10) + col("EPD0", 5)
            + "reachable by", Style(.header, bold: true))
      ]
    ]
  }

  static func rows(_ state: ExplorerState, _ table: CDTable?) -> [[Span]] {
    guard let table else { return [] }
    let d = state.session.driver
    let reach = state.derived.reach[table.root.base] ?? []
    return d.validSSIDs(of: table).map { ssid in
      guard let cd = d.cd(table: table, ssid: ssid) else { return [] }
      let dom = state.session.domainName(forTable: cd.tableAddress)
      let flash = state.derived.flashedCDs.contains("\(table.owner)#\(ssid)")
      let st = flash ? Style(.flash, bold: true) : Style()
      return [
        Span(col(String(ssid), 8), st), Span(col(String(cd.asidValue), 6), st),
        Span(col(cd.translationDisabled ? "-" : hex(cd.tableAddress), 13), st),
        Span(col(cd.translationDisabled ? "(released)" : dom, 10), flash ? st : Style(.accent)),
        Span(col(cd.translationDisabled ? "1" : "0", 5), st),
        Span(reach.joined(separator: ","), flash ? st : Style(.warn)),
      ]
    }
  }
}

extension CDTablePane {
  /// The guest's own CD table: the title says whose and where it lives, then the vSTE.
  func guestHeader(_ g: GuestView) -> [[Span]] {
    let pa = g.tablePA.map { "PA \(hex($0))" } ?? "unmapped"
    var out: [[Span]] = [
      [Span("guest CD table, \(g.label): IPA \(hex(g.tableIPA ?? 0)) = \(pa)", Style(.title, bold: true))]
    ]
    out += g.vsteLines.map { [Span($0, Style(.dim))] }
    out += invs.map { [Span($0, Style(.accent))] }
    return out + [
      [
        Span(
          col("SSID", 8) + col("ASID", 6) + col("TTB0 (IPA)", 13) + col("guest domain", 14) + col("EPD0", 5)
            + "CD at PA", Style(.header, bold: true))
      ]
    ]
  }

  /// One row per valid guest CD: tags are the guest's (its ASIDs, under the vSMMU's VMID).
  static func guestRows(_ g: GuestView, driver: Driver) -> [[Span]] {
    g.cds.map { e in
      let off = e.cd.translationDisabled
      return [
        Span(col(String(e.ssid), 8)), Span(col(String(e.cd.asidValue), 6)),
        Span(col(off ? "-" : hex(e.cd.tableAddress), 13)),
        Span(
          col(
            GuestView.domainName(viommu: g.viommu, ttb0: e.cd.tableAddress, driver: driver)
              ?? "\(g.viommu) asid \(e.cd.asidValue)", 14),
          Style(.guest)),
        Span(col(off ? "1" : "0", 5)), Span(hex(e.pa), Style(.dim)),
      ]
    }
  }
}

extension ExplorerState {
  /// The valid CD rows of the CD table pane.
  var cdRows: [[Span]] { CDTablePane(state: self).rows }

  /// For a 2-level table, its L1 and each allocated 64 KiB leaf with the SSIDs it holds.
  var cdTableLevels: String? {
    guard let table = cdTableInfo.table, table.format == .twoLevel else { return nil }
    let n = CDTable.leafEntries
    let shown = table.leaves.keys.sorted().prefix(3).map { i in
      "[\(i)]->\(hex(table.leaves[i]!.base)) SSID \(i * n)-\((i + 1) * n - 1)"
    }
    let more = table.leaves.count > 3 ? " +\(table.leaves.count - 3)" : ""
    return "L1 \(table.rootEntries)x8B @\(hex(table.root.base)) " + shown.joined(separator: " ") + more
  }

  /// The CD table shown: the selected master's (per-master), or the one its STE points at.
  var cdTableInfo: (title: String, table: CDTable?, owner: String?) {
    guard let m = selectedMaster, let master = session.driver.masters[m] else {
      return ("no master selected", nil, nil)
    }
    let d = session.driver
    var table: CDTable?
    var owner: String?
    switch design {
    case .perMaster:
      table = master.cdTable
      owner = m
    case .legacy:
      if let dom = master.ridDomain.flatMap({ d.domains[$0] }), let t = dom.legacyCDTable {
        table = t
        owner = dom.name
      }
    }
    guard let table, let owner else { return ("\(m): no CD table", nil, nil) }
    let leaves =
      table.format == .twoLevel ? ", \(table.leaves.count) leaf" + (table.leaves.count == 1 ? "" : "s") : ""
    return (
      "\(table.owner): \(table.format.rawValue), \(table.capacity) CD\(table.capacity == 1 ? "" : "s")\(leaves), \(table.occupiedBytes) B",
      table, owner
    )
  }
}
