import SMMUDriver
import SMMUModel
import Scenario

/// The stream table: one row per SID in use, its master and its STE decoded.
struct StreamTablePane: Pane {
  let streams: [ExplorerState.StreamRow]
  let driver: Driver
  let tables: [UInt64: (owner: String, table: CDTable)]
  let flashed: Set<UInt32>
  /// Master -> (vSMMU, vSID) for masters assigned to a VM.
  let vsids: [String: (viommu: String, vsid: UInt32)]
  /// The vSID column is drawn once the session has a vSMMU.
  let showsVSID: Bool

  init(state: ExplorerState) {
    streams = state.derived.streams
    driver = state.session.driver
    tables = state.derived.tables
    flashed = state.derived.flashedSIDs
    var v: [String: (viommu: String, vsid: UInt32)] = [:]
    for u in state.session.driver.viommus.values {
      for (vsid, m) in u.vdevices { v[m] = (u.name, vsid) }
    }
    vsids = v
    showsVSID = !state.session.driver.viommus.isEmpty
  }

  /// The vSID cell (empty when the column is hidden).
  func vsidCell(_ master: String) -> String {
    showsVSID ? col(vsids[master].map { hex(UInt64($0.vsid)) } ?? "-", 5) : ""
  }

  var title: String { "\(PaneID.streams.title) (\(count) SID\(count == 1 ? "" : "s"))" }
  var count: Int { streams.count }
  var emptyText: String { "no masters yet: m adds one (or : master NAME sid N)" }

  var header: [[Span]] {
    [
      [
        Span(
          col("SID", 8) + (showsVSID ? col("vSID", 5) : "") + col("master", 10) + col("config", 10)
            + col("CD table", 11)
            + col("max", 4)
            + col("s1dss", 10) + col("eats", 5) + "vmid", Style(.header, bold: true))
      ]
    ]
  }

  func row(_ i: Int) -> [Span] {
    let r = streams[i]
    guard let ste = driver.ste(sid: r.sid) else {
      return [Span(col(hex(UInt64(r.sid)), 8) + vsidCell(r.master) + r.master)]
    }
    typealias S = StreamTableEntry
    let s1 = ste.isValid && (ste.configValue == .s1Translate || ste.configValue == .nested)
    let cfg = ste.isValid ? ste.configValue.name : "invalid"
    let color: Color =
      !ste.isValid ? .bad : ste.configValue == .abort ? .dim : ste.configValue == .bypass ? .warn : .good
    let guest = vsids[r.master]
    // A nested STE's S1ContextPtr is an IPA: the table is the guest's.
    let table =
      !s1
      ? "-"
      : ste.configValue == .nested
        ? "G:\(guest?.viommu ?? "guest")"
        : (tables[ste.contextPointer]?.owner ?? hex(ste.contextPointer))
    var spans = [
      Span(col(hex(UInt64(r.sid)), 8)), Span(vsidCell(r.master), Style(.warn)),
      Span(col(r.master, 10), Style(.accent)),
      Span(col(cfg, 10), Style(color)),
      Span(col(table, 11), Style(ste.configValue == .nested ? .guest : .normal)),
      Span(col(s1 ? String(ste[S.s1cdmax]) : "-", 4)),
      Span(col(s1 ? ste.s1dssValue.name : "-", 10)), Span(col(String(ste[S.eats]), 5)),
      Span(ste.configValue == .s2Translate || ste.configValue == .nested ? String(ste[S.s2vmid]) : "-"),
    ]
    if flashed.contains(r.sid) {
      spans = spans.map { Span($0.text, Style(.flash, bold: true)) }
    }
    return spans
  }
}
