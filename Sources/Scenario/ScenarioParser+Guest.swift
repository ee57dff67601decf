import SMMUDriver

/// `guest VIOMMU ACTION ...` (docs/scenario-language.md "Guests").
extension ScenarioParser {
  /// The actions after `guest VIOMMU`, with their syntax (errors list them).
  static let guestActions = [
    "write IPA VALUE", "cmd NAME [OPERAND VALUE]... [; NAME ...]...", "domain NAME paging",
    "map NAME IOVA [size N] [pa IPA]", "unmap NAME IOVA [size N]", "attach NAME VSID [pasid P]",
    "detach VSID [pasid P]",
  ]

  /// `guest VIOMMU ACTION ...`.
  mutating func parseGuest(_ c: inout Cursor) throws(F) -> ScenarioCommand {
    let v = try c.known("viommu", viommus.contains)
    let a = try c.word("a guest action (\(Self.guestActions.joined(separator: " | ")))")
    let action: GuestAction
    switch a.text {
    case "write":
      let ipa = try c.number(max: UInt64.max)
      action = .write(ipa: ipa, value: try c.number(max: UInt64.max))
    case "cmd":
      var raws = [try parseRawOperands(&c)]
      while c.peek()?.text == ";" {
        _ = c.next()
        raws.append(try parseRawOperands(&c))
      }
      action = .commands(raws)
    case "domain":
      let name = try c.newName { guestDomains[v.text, default: []].contains($0) }
      _ = try c.keyword("paging")
      guestDomains[v.text, default: []].insert(name.text)
      action = .domain(name: name.text)
    case "map", "unmap":
      let d = try c.known("guest domain") { guestDomains[v.text, default: []].contains($0) }
      let iova = try c.number(max: UInt64.max)
      var size: UInt64 = 4096
      var ipa: UInt64?
      while let k = c.next() {
        switch k.text {
        case "size": size = try c.number(max: UInt64.max)
        case "pa" where a.text == "map": ipa = try c.number(max: UInt64.max)
        default: throw F(column: k.column, message: "unknown guest \(a.text) option '\(k.text)'")
        }
      }
      action =
        a.text == "map"
        ? .map(domain: d.text, iova: iova, size: size, ipa: ipa)
        : .unmap(domain: d.text, iova: iova, size: size)
    case "attach":
      let d = try c.known("guest domain") { guestDomains[v.text, default: []].contains($0) }
      let vsid = UInt32(try c.number(max: UInt64(UInt32.max)))
      action = .attach(domain: d.text, vsid: vsid, pasid: try guestPASID(&c))
    case "detach":
      let vsid = UInt32(try c.number(max: UInt64(UInt32.max)))
      action = .detach(vsid: vsid, pasid: try guestPASID(&c))
    default:
      throw F(
        column: a.column,
        message: "unknown guest action '\(a.text)' (\(Self.guestActions.joined(separator: " | ")))")
    }
    return .guest(viommu: v.text, action)
  }

  /// `[pasid P]` after a vSID (the driver checks it against the device's SSID bits).
  func guestPASID(_ c: inout Cursor) throws(F) -> UInt32 {
    guard c.peek()?.text == "pasid" else { return 0 }
    _ = c.next()
    return UInt32(try c.number(max: (1 << 20) - 1))
  }
}
