import SMMUDriver
import SMMUModel
import Scenario

/// The SMMU's caches: the config cache, the TLB and each master's ATC, with their entries
/// (stale config entries marked).
struct CachesPane: Pane {
  let rows: [[Span]]

  init(state: ExplorerState) {
    let smmu = state.session.driver.smmu
    var rows: [[Span]] = []
    let c = smmu.configCache
    rows.append([
      Span(
        "config cache \(c.count)/\(c.capacity)  hits \(c.stats.hits) misses \(c.stats.misses) evict \(c.stats.evictions) inval \(c.stats.invalidations)",
        Style(.header, bold: true))
    ])
    let guests = GuestTags(driver: state.session.driver)
    for (k, line) in c.entriesByRecency {
      let stale = line.isStale(in: smmu.memory)
      let owner = guests.owner(of: k)
      rows.append([
        Span("  \(k)", Style(owner == nil ? .normal : .guest)),
        Span(owner.map { "  guest \($0)" } ?? "", Style(.guest)),
        Span(stale ? "  STALE" : "", Style(.bad, bold: true)),
      ])
    }
    let t = smmu.tlb
    rows.append([
      Span(
        "TLB \(t.count)/\(t.capacity)  hits \(t.stats.hits) misses \(t.stats.misses) inval \(t.stats.invalidations)",
        Style(.header, bold: true))
    ])
    // Host entries first, then each VM's (tagged by its vSMMU's VMID).
    let entries = t.entriesByRecency
    for (k, e) in entries where guests.vm(of: k) == nil {
      rows.append([Span("  \(k) -> \(hex(e.outputPage))\(e.writable ? "" : " ro")")])
    }
    for (vmid, vm) in guests.vms.sorted(by: { $0.key < $1.key }) {
      let mine = entries.filter { guests.vm(of: $0.0) == vmid }
      rows.append([
        Span(
          "  guest \(vm) (VMID \(vmid)): \(mine.count) entr\(mine.count == 1 ? "y" : "ies")",
          Style(.guest, bold: true))
      ])
      for (k, e) in mine {
        rows.append([Span("    \(k) -> \(hex(e.outputPage))\(e.writable ? "" : " ro")", Style(.guest))])
      }
    }
    for sid in smmu.atcs.keys.sorted() {
      guard let atc = smmu.atcs[sid] else { continue }
      let owner = state.derived.streams.first { $0.sid == sid }?.master ?? hex(UInt64(sid))
      rows.append([
        Span(
          "ATC \(owner) \(atc.count)/\(atc.capacity)  hits \(atc.stats.hits) misses \(atc.stats.misses)",
          Style(.header, bold: true))
      ])
      for (k, e) in atc.entriesByRecency { rows.append([Span("  \(k) -> \(hex(e.outputPage))")]) }
    }
    self.rows = rows
  }

  var title: String { PaneID.caches.title }
  var count: Int { rows.count }
  func row(_ i: Int) -> [Span] { rows[i] }
  var emptyText: String { "empty" }
}

/// Which cached things belong to a VM: the CDs (and L1CDs) of SIDs whose STE is nested
/// (the guest wrote them), and TLB entries tagged with a vSMMU's VMID.
struct GuestTags {
  /// VMID -> the vSMMUs using it (every vSMMU on one parent shares it).
  let vms: [UInt16: String]
  /// SID -> its vSMMU, for masters with a nested STE.
  let nestedSIDs: [UInt32: String]

  init(driver d: Driver) {
    var vms: [UInt16: [String]] = [:]
    for v in d.viommus.values { vms[v.vmid, default: []].append(v.name) }
    self.vms = vms.mapValues { $0.sorted().joined(separator: ",") }
    var sids: [UInt32: String] = [:]
    for (name, m) in d.masters {
      guard let v = d.attachedNestedSTE(of: name)?.viommu else { continue }
      for sid in m.sids { sids[sid] = v }
    }
    nestedSIDs = sids
  }

  /// The vSMMU whose guest owns a configuration-cache entry (a CD or L1CD of a nested SID).
  func owner(of key: ConfigCacheKey) -> String? {
    switch key {
    case .cd(let sid, _), .l1cd(let sid, _): nestedSIDs[sid]
    case .ste, .l1std: nil
    }
  }

  /// The VMID of a guest's TLB entry (stage 1 under a vSMMU's VMID; not its stage-2-only
  /// entries, which the host's page table made), if any.
  func vm(of key: TLBKey) -> UInt16? {
    key.kind != .stage2 && vms[key.vmid] != nil ? key.vmid : nil
  }
}
