import SMMUDriver
import SMMUModel

/// The iommu core's view of a driver state: which domain each (master, SSID) is attached to,
/// and which domains own each translation-table root. Isolation is judged against it.
struct CoreView: Sendable {
  /// (master, SSID) -> domain; SSID nil is the RID (attach_dev, PASID 0 for untagged traffic).
  private var attached: [String: [UInt32?: String]] = [:]
  /// Table root -> the domains whose page table starts there (SVA domains of one mm share).
  private(set) var owners: [UInt64: Set<String>] = [:]

  init(_ d: Driver) {
    for (name, m) in d.masters {
      var a: [UInt32?: String] = [:]
      if let r = m.ridDomain { a[nil] = r }
      for (p, dom) in m.pasidDomains { a[p] = dom }
      attached[name] = a
    }
    for (name, dom) in d.domains {
      if let t = dom.pageTable { owners[t.root.base, default: []].insert(name) }
      if let mm = dom.mm, let space = d.addressSpaces[mm] {
        owners[space.pageTable.root.base, default: []].insert(name)
      }
      // A nested domain's stage 2 is its nest parent's table (upstream-2026.md §1.1): what
      // it reaches there with stage 1 bypassed (S1DSS=bypass) is its own.
      if let ns = dom.nested, let parent = d.viommus[ns.viommu]?.parent,
        let t = d.domains[parent]?.pageTable
      {
        owners[t.root.base, default: []].insert(name)
      }
    }
  }

  /// Counts `domain` as attached to `master` (and every master of its iommu group) at
  /// `pasid` (0: the RID), as the core does while an attach runs.
  mutating func attach(_ domain: String, master: String, pasid: UInt32, in d: Driver) {
    let group = d.masters[master]?.group
    for (name, m) in d.masters where name == master || (group != nil && m.group == group) {
      attached[name, default: [:]][pasid == 0 ? nil : pasid] = domain
    }
  }

  /// The domain the core attached to the stream (untagged traffic uses the RID's domain).
  func domain(_ s: CheckedStream) -> String? { attached[s.master]?[s.ssid] ?? nil }

  /// The domains owning `root`.
  func domains(owning root: UInt64) -> Set<String> { owners[root] ?? [] }
}
