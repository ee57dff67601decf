import SMMUDriver

/// The nesting verbs' operands (iommufd vSMMU, docs/scenario-language.md "Nesting").
extension ScenarioParser {
  /// After `domain NAME`: `s2 nest-parent` or `nested VIOMMU ste Q0 Q1`.
  func parseNesting(_ name: String, _ kind: DomainKind, _ c: inout Cursor) throws(F) -> ScenarioCommand {
    if kind == .s2 {
      _ = try c.keyword("nest-parent")
      return .nestParent(name: name)
    }
    let v = try c.known("viommu", viommus.contains)
    _ = try c.keyword("ste")
    let q0 = try c.number(max: UInt64.max)
    let q1 = try c.number(max: UInt64.max)
    return .nestedDomain(name: name, viommu: v.text, q0: q0, q1: q1)
  }

  /// `viommu NAME parent DOMAIN` (whether DOMAIN is a nest parent is the driver's -EINVAL).
  mutating func parseVIOMMU(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let name = try c.newName(taken: viommus.contains)
    sawObjects = true
    _ = try c.keyword("parent")
    let p = try c.known("domain", domains.keys.contains)
    viommus.insert(name.text)
    return .viommu(name: name.text, parent: p.text)
  }

  /// `vdevice VIOMMU MASTER vsid N`.
  func parseVDevice(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let v = try c.known("viommu", viommus.contains)
    let m = try c.known("master", masters.keys.contains)
    _ = try c.keyword("vsid")
    let vsid = try c.number(max: UInt64(UInt32.max))
    return .vdevice(viommu: v.text, master: m.text, vsid: UInt32(vsid))
  }
}
