import SMMUDriver
import Scenario

extension ExplorerState {
  /// With the invalidation array on (`design per-master invs`): one line per domain the
  /// selected master is attached to (its RID, then its PASIDs), with the domain's array. The
  /// CD table pane shows them under its title.
  var invalidationArrayLines: [String] {
    guard session.options.invs, let name = selectedMaster, let m = session.driver.masters[name] else {
      return []
    }
    let attached =
      [m.ridDomain].compactMap { $0 } + m.pasidDomains.keys.sorted().compactMap { m.pasidDomains[$0] }
    var seen = Set<String>()
    return attached.filter { seen.insert($0).inserted }.compactMap { dom in
      guard let d = session.driver.domains[dom], d.isTranslating else { return nil }
      let trash = d.invs.trashCount > 0 ? " (\(d.invs.trashCount) trash)" : ""
      return "invs of \(dom): \(d.invs.description)\(trash)"
    }
  }
}
