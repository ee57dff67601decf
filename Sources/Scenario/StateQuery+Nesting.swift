import SMMUDriver
import SMMUModel

/// `expect` paths of iommufd nesting: `viommu.NAME.vmid`, `viommu.NAME.events`,
/// `viommu.NAME.events.last.FIELD`, `master.NAME.vsid`, and the guest's `guest.V....`.
extension Session {
  /// `viommu.NAME.vmid|parent|vdevices|events`, `viommu.NAME.events.last.sid|type|ssid|addr`.
  func viommuValue(_ p: [String]) -> String? {
    guard p.count >= 3, let v = driver.viommus[p[1]] else { return nil }
    switch p.dropFirst(2).joined(separator: ".") {
    case "vmid": return String(v.vmid)
    case "parent": return v.parent
    case "vdevices": return String(v.vdevices.count)
    case "events": return String(v.events.count)
    case "events.last.sid": return v.events.last.map { String($0.sid) }
    case "events.last.type": return v.events.last?.type.name
    case "events.last.ssid": return v.events.last.map { $0.ssid.map { String($0) } ?? "none" }
    case "events.last.addr": return v.events.last.map { $0.address.map { hex($0) } ?? "none" }
    default: return nil
    }
  }

  /// The vSID a master's vDEVICE has (on any vSMMU), or "none".
  func vsidValue(_ master: String) -> String {
    for name in driver.viommus.keys.sorted() {
      if let vsid = driver.viommus[name]?.vsid(of: master) { return String(vsid) }
    }
    return "none"
  }

  /// `guest.V.ram`, `guest.V.domain.NAME.asid|pgd|mappings`, `guest.V.vste.VSID.config|q0|q1|domain`,
  /// `guest.V.cd-table.VSID`.
  func guestValue(_ p: [String]) -> String? {
    guard p.count >= 3, driver.viommus[p[1]] != nil else { return nil }
    let g = driver.guests[p[1]] ?? Guest()
    if p.count == 3 { return p[2] == "ram" ? String(g.ram.bytes) : nil }
    switch (p[2], p.count) {
    case ("cd-table", 4):
      return UInt32(p[3]).map { g.cdTables[$0].map { hex($0.ipa) } ?? "none" }
    case ("domain", 5):
      guard let d = g.domains[p[3]] else { return nil }
      return Self.guestDomainFields[p[4]]?(d)
    case ("vste", 5):
      guard let vsid = UInt32(p[3]) else { return nil }
      guard let s = g.vstes[vsid] else { return p[4] == "config" ? "none" : nil }
      return Self.guestSTEFields[p[4]]?(s)
    default: return nil
    }
  }

  /// `guest.V.domain.NAME.FIELD`.
  static let guestDomainFields: [String: @Sendable (GuestDomain) -> String] = [
    "asid": { String($0.asid) },
    "pgd": { hex($0.pageTable.root.base) },
    "mappings": { String($0.pageTable.mappings.count) },
    "attachments": { String($0.attachments.count) },
  ]

  /// `guest.V.vste.VSID.FIELD`.
  static let guestSTEFields: [String: @Sendable (GuestSTE) -> String] = [
    "config": { $0.config },
    "q0": { hex($0.q0) },
    "q1": { hex($0.q1) },
    "domain": { $0.domain },
  ]
}
