import SMMUDriver
import SMMUModel

/// What a `guest VIOMMU ...` line does: the guest behind a vSMMU stores into its RAM, issues
/// commands through the vSMMU, or runs its driver (docs/scenario-language.md "Guests").
package enum GuestAction: Sendable, Hashable {
  /// `write IPA VALUE`: a 64-bit store into guest RAM.
  case write(ipa: UInt64, value: UInt64)
  /// `cmd NAME ... [; NAME ...]`: one invalidation call of the vSMMU.
  case commands([RawCommand])
  /// `domain NAME paging`.
  case domain(name: String)
  /// `map NAME IOVA [size N] [pa IPA]`.
  case map(domain: String, iova: UInt64, size: UInt64, ipa: UInt64?)
  /// `unmap NAME IOVA [size N]`.
  case unmap(domain: String, iova: UInt64, size: UInt64)
  /// `attach NAME VSID [pasid P]`.
  case attach(domain: String, vsid: UInt32, pasid: UInt32)
  /// `detach VSID [pasid P]`.
  case detach(vsid: UInt32, pasid: UInt32)

  /// Runs the action on the guest of `viommu`.
  func run(on d: inout Driver, viommu v: String) -> OperationTrace {
    switch self {
    case .write(let ipa, let value): d.guestWrite(viommu: v, ipa: ipa, value: value)
    case .commands(let raws): d.guestCommands(viommu: v, raws.flatMap(\.commands))
    case .domain(let name): d.guestDomain(viommu: v, name: name)
    case .map(let dom, let iova, let size, let ipa):
      d.guestMap(viommu: v, domain: dom, iova: iova, size: size, ipa: ipa)
    case .unmap(let dom, let iova, let size): d.guestUnmap(viommu: v, domain: dom, iova: iova, size: size)
    case .attach(let dom, let vsid, let pasid):
      d.guestAttach(viommu: v, domain: dom, vsid: vsid, pasid: pasid)
    case .detach(let vsid, let pasid): d.guestDetach(viommu: v, vsid: vsid, pasid: pasid)
    }
  }
}
