import SMMUModel

/// A raw command line: `cmd NAME [sid N] [ssid N] [asid N] [vmid N] [addr A] [leaf 0|1]`.
package struct RawCommand: Sendable, Hashable {
  /// The command's name as `kinds` spells it (upper case).
  package let name: String
  package var sid: UInt32 = 0
  package var ssid: UInt32?
  package var asid: UInt16 = 0
  package var vmid: UInt16 = 0
  package var address: UInt64 = 0
  package var leaf = true

  /// A command by name (case-insensitive); nil when `kinds` has no such name.
  package init?(name: String) {
    let upper = name.uppercased()
    guard Self.kindsByName[upper] != nil else { return nil }
    self.name = upper
  }

  /// The queue command(s) this line stands for.
  package var commands: [Command] { Self.kindsByName[name]?.make(self) ?? [] }

  /// One name `cmd` accepts and the queue commands it stands for.
  package struct Kind: Sendable {
    package let name: String
    let make: @Sendable (RawCommand) -> [Command]
  }

  /// Every name `cmd` accepts, in the order errors and the docs list them.
  package static let kinds: [Kind] = [
    Kind(name: "CFGI_STE") { [.cfgiSTE(sid: $0.sid, leaf: $0.leaf)] },
    Kind(name: "CFGI_CD") { [.cfgiCD(sid: $0.sid, ssid: $0.ssid ?? 0, leaf: $0.leaf)] },
    Kind(name: "CFGI_CD_ALL") { [.cfgiCDAll(sid: $0.sid)] },
    Kind(name: "CFGI_ALL") { _ in [.cfgiAll] },
    Kind(name: "TLBI_NH_ASID") { [.tlbiNHASID(vmid: $0.vmid, asid: $0.asid)] },
    Kind(name: "TLBI_NH_VA") {
      [.tlbiNHVA(vmid: $0.vmid, asid: $0.asid, address: $0.address, leaf: $0.leaf, range: nil)]
    },
    Kind(name: "TLBI_NH_ALL") { [.tlbiNHAll(vmid: $0.vmid)] },
    Kind(name: "TLBI_S12_VMALL") { [.tlbiS12VMAll(vmid: $0.vmid)] },
    Kind(name: "TLBI_S2_IPA") { [.tlbiS2IPA(vmid: $0.vmid, address: $0.address, leaf: $0.leaf, range: nil)] },
    Kind(name: "TLBI_NSNH_ALL") { _ in [.tlbiNSNHAll] },
    Kind(name: "ATC_INV") {
      [.atcInv(sid: $0.sid, ssid: $0.ssid, address: $0.address, size: $0.address == 0 ? 52 : 0)]
    },
    Kind(name: "PREFETCH_CFG") { [.prefetchConfig(sid: $0.sid, ssid: $0.ssid)] },
    Kind(name: "CMD_SYNC") { _ in [.sync] },
    Kind(name: "SYNC") { _ in [.sync] },
  ]

  /// Names `cmd` accepts, in table order.
  package static let names: [String] = kinds.map(\.name)

  static let kindsByName: [String: Kind] = Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
}
