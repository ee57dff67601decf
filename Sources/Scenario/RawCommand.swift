import SMMUModel

/// A raw command line: `cmd NAME [OPERAND VALUE | FLAG]...` (operands in `RawCommand.operands`).
package struct RawCommand: Sendable, Hashable {
  /// The command's name as `kinds` spells it (upper case).
  package let name: String
  package var sid: UInt32 = 0
  package var ssid: UInt32?
  package var asid: UInt16 = 0
  package var vmid: UInt16 = 0
  package var address: UInt64 = 0
  package var leaf = true
  /// Range TLBI operands: (NUM+1) * 2^SCALE granules of TG (1 4K, 2 16K, 3 64K) from the
  /// address, TTL the level hint. They count only with TG != 0 (TG 0: one address).
  package var num = 0
  package var scale = 0
  package var tg = 0
  package var ttl = 0
  /// CFGI_STE_RANGE's Range: 2^(range+1) SIDs.
  package var range = 0
  /// CMD_SYNC's completion signal and MSI (MSH and MSIAttr as Linux sets them).
  package var cs = SyncOperands.Signal.sev
  package var msiAddress: UInt64 = 0
  package var msiData: UInt32 = 0
  /// RESUME's STAG and action: retry (Ac=1), abort (Ac=0 Ab=1) or term (Ac=0 Ab=0, RAZ/WI).
  package var stag: UInt16 = 0
  package var action: String?
  /// `RAW`'s two qwords, decoded as the SMMU would (reserved opcodes and SSec=1 are illegal).
  package var q0: UInt64 = 0
  package var q1: UInt64 = 0

  /// A command by name (case-insensitive); nil when `kinds` has no such name.
  package init?(name: String) {
    let upper = name.uppercased()
    guard Self.kindsByName[upper] != nil else { return nil }
    self.name = upper
  }

  /// The queue command(s) this line stands for.
  package var commands: [Command] { Self.kindsByName[name]?.make(self) ?? [] }

  /// The range operands, when TG != 0.
  var tlbiRange: TLBIRange? { tg == 0 ? nil : TLBIRange(num: num, scale: scale, tg: tg, ttl: ttl) }

  /// One name `cmd` accepts and the queue commands it stands for.
  package struct Kind: Sendable {
    package let name: String
    let make: @Sendable (RawCommand) -> [Command]
  }

  /// Every name `cmd` accepts, in the order errors and the docs list them.
  package static let kinds: [Kind] = [
    Kind(name: "CFGI_STE") { [.cfgiSTE(sid: $0.sid, leaf: $0.leaf)] },
    Kind(name: "CFGI_STE_RANGE") { [.cfgiSTERange(sid: $0.sid, range: $0.range)] },
    Kind(name: "CFGI_CD") { [.cfgiCD(sid: $0.sid, ssid: $0.ssid ?? 0, leaf: $0.leaf)] },
    Kind(name: "CFGI_CD_ALL") { [.cfgiCDAll(sid: $0.sid)] },
    Kind(name: "CFGI_ALL") { _ in [.cfgiAll] },
    Kind(name: "TLBI_NH_ASID") { [.tlbiNHASID(vmid: $0.vmid, asid: $0.asid)] },
    Kind(name: "TLBI_NH_VA") {
      [.tlbiNHVA(vmid: $0.vmid, asid: $0.asid, address: $0.address, leaf: $0.leaf, range: $0.tlbiRange)]
    },
    Kind(name: "TLBI_NH_VAA") {
      [.tlbiNHVAA(vmid: $0.vmid, address: $0.address, leaf: $0.leaf, range: $0.tlbiRange)]
    },
    Kind(name: "TLBI_NH_ALL") { [.tlbiNHAll(vmid: $0.vmid)] },
    Kind(name: "TLBI_EL2_ALL") { _ in [.tlbiEL2All] },
    Kind(name: "TLBI_EL2_ASID") { [.tlbiEL2ASID(asid: $0.asid)] },
    Kind(name: "TLBI_EL2_VA") { [.tlbiEL2VA(asid: $0.asid, address: $0.address, leaf: $0.leaf)] },
    Kind(name: "TLBI_EL2_VAA") { [.tlbiEL2VAA(address: $0.address, leaf: $0.leaf)] },
    Kind(name: "TLBI_S12_VMALL") { [.tlbiS12VMAll(vmid: $0.vmid)] },
    Kind(name: "TLBI_S2_IPA") {
      [.tlbiS2IPA(vmid: $0.vmid, address: $0.address, leaf: $0.leaf, range: $0.tlbiRange)]
    },
    Kind(name: "TLBI_NSNH_ALL") { _ in [.tlbiNSNHAll] },
    Kind(name: "ATC_INV") {
      [.atcInv(sid: $0.sid, ssid: $0.ssid, address: $0.address, size: $0.address == 0 ? 52 : 0)]
    },
    Kind(name: "PREFETCH_CFG") { [.prefetchConfig(sid: $0.sid, ssid: $0.ssid)] },
    Kind(name: "RESUME") {
      [.resume(sid: $0.sid, stag: $0.stag, retry: $0.action == "retry", abort: $0.action == "abort")]
    },
    Kind(name: "STALL_TERM") { [.stallTerm(sid: $0.sid)] },
    Kind(name: "CMD_SYNC") { [$0.sync] },
    Kind(name: "SYNC") { [$0.sync] },
    Kind(name: "RAW") { [CommandEncoding.decodeAny([$0.q0, $0.q1])] },
  ]

  /// The CMD_SYNC of a SYNC line: Linux's MSH and MSIAttr with the line's CS and MSI.
  var sync: Command {
    .sync(SyncOperands(signal: cs, msiData: msiData, msiAddress: msiAddress))
  }

  /// Operands `cmd` takes: words followed by a value, and flags (RESUME's action).
  package static let operands = [
    "sid", "ssid", "asid", "vmid", "addr", "leaf", "num", "scale", "tg", "ttl", "range", "cs", "msiaddr",
    "msidata", "stag", "q0", "q1",
  ]
  package static let flags = ["retry", "abort", "term"]

  /// Names `cmd` accepts, in table order.
  package static let names: [String] = kinds.map(\.name)

  static let kindsByName: [String: Kind] = Dictionary(uniqueKeysWithValues: kinds.map { ($0.name, $0) })
}
