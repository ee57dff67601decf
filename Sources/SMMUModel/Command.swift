/// The range operands of a range TLBI (TG != 0): (NUM+1) * 2^SCALE granules from the address.
///
/// Each operand is held in a byte (the fields are 5 and 2 bits wide; each must be 0...255):
/// four `Int`s made every `Command` 57 bytes, this makes it 33, and commands are copied
/// into every queue, list and trace.
package struct TLBIRange: Sendable, Hashable {
  private var numByte: UInt8
  private var scaleByte: UInt8
  private var tgByte: UInt8
  private var ttlByte: UInt8

  package var num: Int {
    get { Int(numByte) }
    set { numByte = UInt8(newValue) }
  }
  package var scale: Int {
    get { Int(scaleByte) }
    set { scaleByte = UInt8(newValue) }
  }
  /// Translation granule: 1 = 4K, 2 = 16K, 3 = 64K.
  package var tg: Int {
    get { Int(tgByte) }
    set { tgByte = UInt8(newValue) }
  }
  package var ttl: Int {
    get { Int(ttlByte) }
    set { ttlByte = UInt8(newValue) }
  }

  /// Operands of 0...255 each (the encoding's fields are narrower; a value beyond traps).
  package init(num: Int, scale: Int, tg: Int = 1, ttl: Int = 0) {
    numByte = UInt8(num)
    scaleByte = UInt8(scale)
    tgByte = UInt8(tg)
    ttlByte = UInt8(ttl)
  }

  /// Bytes covered (0 for TG = 0 or a reserved TG; saturated at 2^64 - 1 for operands from a
  /// trace or a dump that would cover more).
  package var bytes: UInt64 {
    guard (1...3).contains(tg), (0..<32).contains(num), (0..<64).contains(scale) else { return 0 }
    let granule: UInt64 = [0, 4096, 16384, 65536][tg]
    let granules = UInt64(num + 1) << UInt64(scale)
    guard granules >> UInt64(scale) == UInt64(num + 1) else { return .max }
    let (b, overflow) = granules.multipliedReportingOverflow(by: granule)
    return overflow ? .max : b
  }
}

/// A command for the SMMU's command queue, with its operands. Encodes to and decodes from the
/// architecture's 16-byte layout.
package enum Command: Sendable, Hashable {
  case prefetchConfig(sid: UInt32, ssid: UInt32?)
  case cfgiSTE(sid: UInt32, leaf: Bool)
  /// CFGI_STE_RANGE: 2^(range+1) SIDs from `sid` aligned down; range 31 is CFGI_ALL.
  case cfgiSTERange(sid: UInt32, range: Int)
  case cfgiCD(sid: UInt32, ssid: UInt32, leaf: Bool)
  case cfgiCDAll(sid: UInt32)
  case tlbiNHAll(vmid: UInt16)
  case tlbiNHASID(vmid: UInt16, asid: UInt16)
  case tlbiNHVA(vmid: UInt16, asid: UInt16, address: UInt64, leaf: Bool, range: TLBIRange?)
  case tlbiNHVAA(vmid: UInt16, address: UInt64, leaf: Bool, range: TLBIRange?)
  case tlbiEL2All
  case tlbiEL2ASID(asid: UInt16)
  case tlbiEL2VA(asid: UInt16, address: UInt64, leaf: Bool)
  case tlbiEL2VAA(address: UInt64, leaf: Bool)
  case tlbiS12VMAll(vmid: UInt16)
  case tlbiS2IPA(vmid: UInt16, address: UInt64, leaf: Bool, range: TLBIRange?)
  case tlbiNSNHAll
  /// ATC_INV over 4 KiB * 2^size from the address; size 52 means everything. `ssid` nil: SSV=0.
  case atcInv(sid: UInt32, ssid: UInt32?, address: UInt64, size: Int)
  /// CMD_SYNC as Linux issues it without MSI polling (`SyncOperands.linux`: CS=SEV).
  case sync
  /// CMD_SYNC with other operands (another CS, or an MSI); `Command.sync(_:)` picks the case.
  case syncSignal(SyncOperands)
  /// CMD_RESUME: retry (Ac=1) or terminate (Ac=0; Ab=1 abort, Ab=0 RAZ/WI) the stalled
  /// transaction of `sid` with this STAG.
  case resume(sid: UInt32, stag: UInt16, retry: Bool, abort: Bool)
  /// CMD_STALL_TERM: terminates every stalled transaction of the SID.
  case stallTerm(sid: UInt32)
  /// A command the model cannot decode (a reserved or unmodelled opcode, or SSec=1), kept
  /// as its two qwords: CERROR_ILL (PREFETCH_ADDR aside, a hint with no effect).
  case raw(q0: UInt64, q1: UInt64)

  /// CFGI_ALL as the driver issues it.
  package static let cfgiAll = Command.cfgiSTERange(sid: 0, range: 31)

  /// A CMD_SYNC with these operands: `.sync` for Linux's, `.syncSignal` for any other.
  package static func sync(_ operands: SyncOperands) -> Command {
    operands == .linux ? .sync : .syncSignal(operands)
  }

  /// The operands of a CMD_SYNC (nil for other commands).
  package var syncOperands: SyncOperands? {
    switch self {
    case .sync: .linux
    case .syncSignal(let s): s
    default: nil
    }
  }

  /// The opcode byte.
  package var opcode: UInt8 {
    switch self {
    case .prefetchConfig: 0x01
    case .cfgiSTE: 0x03
    case .cfgiSTERange: 0x04
    case .cfgiCD: 0x05
    case .cfgiCDAll: 0x06
    case .tlbiNHAll: 0x10
    case .tlbiNHASID: 0x11
    case .tlbiNHVA: 0x12
    case .tlbiNHVAA: 0x13
    case .tlbiEL2All: 0x20
    case .tlbiEL2ASID: 0x21
    case .tlbiEL2VA: 0x22
    case .tlbiEL2VAA: 0x23
    case .tlbiS12VMAll: 0x28
    case .tlbiS2IPA: 0x2A
    case .tlbiNSNHAll: 0x30
    case .atcInv: 0x40
    case .resume: 0x44
    case .stallTerm: 0x45
    case .sync, .syncSignal: 0x46
    case .raw(let q0, _): UInt8(q0 & 0xFF)
    }
  }

  /// Every command name, indexed by `nameIndex`.
  package static let names = [
    "PREFETCH_CFG", "CFGI_STE", "CFGI_STE_RANGE", "CFGI_ALL", "CFGI_CD", "CFGI_CD_ALL", "TLBI_NH_ALL",
    "TLBI_NH_ASID", "TLBI_NH_VA", "TLBI_NH_VAA", "TLBI_EL2_ALL", "TLBI_EL2_ASID", "TLBI_EL2_VA",
    "TLBI_EL2_VAA", "TLBI_S12_VMALL", "TLBI_S2_IPA", "TLBI_NSNH_ALL", "ATC_INV", "CMD_SYNC", "RESUME",
    "STALL_TERM", "RAW",
  ]

  /// `nameIndex` of CMD_SYNC (both cases).
  package static let syncNameIndex = 18

  /// The position of `name` in `Command.names` (for counting by name without text). Telling
  /// the cases apart costs a few dozen instructions (`.sync` is told from the other cases
  /// without operands only by comparing every payload word), so the consumer asks once.
  @inline(__always)
  package var nameIndex: Int {
    switch self {
    case .prefetchConfig: 0
    case .cfgiSTE: 1
    case .cfgiSTERange(_, let r): r == 31 ? 3 : 2
    case .cfgiCD: 4
    case .cfgiCDAll: 5
    case .tlbiNHAll: 6
    case .tlbiNHASID: 7
    case .tlbiNHVA: 8
    case .tlbiNHVAA: 9
    case .tlbiEL2All: 10
    case .tlbiEL2ASID: 11
    case .tlbiEL2VA: 12
    case .tlbiEL2VAA: 13
    case .tlbiS12VMAll: 14
    case .tlbiS2IPA: 15
    case .tlbiNSNHAll: 16
    case .atcInv: 17
    case .sync, .syncSignal: 18
    case .resume: 19
    case .stallTerm: 20
    case .raw: 21
    }
  }

  /// True for CMD_SYNC.
  package var isSync: Bool {
    switch self {
    case .sync, .syncSignal: true
    default: false
    }
  }

  /// The command's name as the Linux driver spells it (without CMDQ_OP_).
  package var name: String {
    switch self {
    case .prefetchConfig: "PREFETCH_CFG"
    case .cfgiSTE: "CFGI_STE"
    case .cfgiSTERange(_, let r): r == 31 ? "CFGI_ALL" : "CFGI_STE_RANGE"
    case .cfgiCD: "CFGI_CD"
    case .cfgiCDAll: "CFGI_CD_ALL"
    case .tlbiNHAll: "TLBI_NH_ALL"
    case .tlbiNHASID: "TLBI_NH_ASID"
    case .tlbiNHVA: "TLBI_NH_VA"
    case .tlbiNHVAA: "TLBI_NH_VAA"
    case .tlbiEL2All: "TLBI_EL2_ALL"
    case .tlbiEL2ASID: "TLBI_EL2_ASID"
    case .tlbiEL2VA: "TLBI_EL2_VA"
    case .tlbiEL2VAA: "TLBI_EL2_VAA"
    case .tlbiS12VMAll: "TLBI_S12_VMALL"
    case .tlbiS2IPA: "TLBI_S2_IPA"
    case .tlbiNSNHAll: "TLBI_NSNH_ALL"
    case .atcInv: "ATC_INV"
    case .sync, .syncSignal: "CMD_SYNC"
    case .resume: "RESUME"
    case .stallTerm: "STALL_TERM"
    case .raw: "RAW"
    }
  }

  /// Name and operands, as the command log shows them.
  package var description: String {
    func h(_ v: some BinaryInteger) -> String { hex(UInt64(v)) }
    switch self {
    case .prefetchConfig(let sid, let ssid):
      return "\(name) sid=\(h(sid))" + (ssid.map { " ssid=\($0)" } ?? "")
    case .cfgiSTE(let sid, let leaf): return "\(name) sid=\(h(sid)) leaf=\(leaf ? 1 : 0)"
    case .cfgiSTERange(let sid, let r): return r == 31 ? name : "\(name) sid=\(h(sid)) range=\(r)"
    case .cfgiCD(let sid, let ssid, let leaf):
      return "\(name) sid=\(h(sid)) ssid=\(ssid) leaf=\(leaf ? 1 : 0)"
    case .cfgiCDAll(let sid): return "\(name) sid=\(h(sid))"
    case .tlbiNHAll(let vmid), .tlbiS12VMAll(let vmid): return "\(name) vmid=\(vmid)"
    case .tlbiNHASID(let vmid, let asid): return "\(name) vmid=\(vmid) asid=\(asid)"
    case .tlbiNHVA(let vmid, let asid, let a, let leaf, let r):
      return "\(name) vmid=\(vmid) asid=\(asid) addr=\(h(a)) leaf=\(leaf ? 1 : 0)" + rangeText(r)
    case .tlbiNHVAA(let vmid, let a, let leaf, let r):
      return "\(name) vmid=\(vmid) addr=\(h(a)) leaf=\(leaf ? 1 : 0)" + rangeText(r)
    case .tlbiEL2All, .tlbiNSNHAll, .sync: return name
    case .tlbiEL2ASID(let asid): return "\(name) asid=\(asid)"
    case .tlbiEL2VA(let asid, let a, _): return "\(name) asid=\(asid) addr=\(h(a))"
    case .tlbiEL2VAA(let a, _): return "\(name) addr=\(h(a))"
    case .tlbiS2IPA(let vmid, let a, let leaf, let r):
      return "\(name) vmid=\(vmid) ipa=\(h(a)) leaf=\(leaf ? 1 : 0)" + rangeText(r)
    case .atcInv(let sid, let ssid, let a, let size):
      let scope = size >= 52 ? "all" : "addr=\(h(a)) size=\(size)"
      return "\(name) sid=\(h(sid))" + (ssid.map { " ssv=1 ssid=\($0)" } ?? " ssv=0") + " \(scope)"
    case .syncSignal(let s):
      let msi = s.msiAddress == 0 ? "" : " msiaddr=\(h(s.msiAddress)) msidata=\(h(s.msiData))"
      return "\(name) cs=\(s.signal.name)" + msi
    case .resume(let sid, let stag, let retry, let abort):
      return "\(name) sid=\(h(sid)) stag=\(stag) " + (retry ? "retry" : abort ? "abort" : "terminate")
    case .stallTerm(let sid): return "\(name) sid=\(h(sid))"
    case .raw(let q0, let q1): return "\(name) q0=\(h(q0)) q1=\(h(q1))"
    }
  }

  private func rangeText(_ r: TLBIRange?) -> String {
    guard let r else { return "" }
    return " num=\(r.num) scale=\(r.scale) tg=\(r.tg)" + (r.ttl == 0 ? "" : " ttl=\(r.ttl)")
  }
}
