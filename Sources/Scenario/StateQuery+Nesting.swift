import SMMUDriver
import SMMUModel

/// `expect` paths of iommufd nesting: `viommu.NAME.vmid`, `viommu.NAME.events`,
/// `viommu.NAME.events.last.FIELD`, `master.NAME.vsid`.
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
}
