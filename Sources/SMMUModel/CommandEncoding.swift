/// The 16-byte command layout: q0 opcode 7:0, SSV 11, SSID 31:12, SID 63:32; CFGI Leaf q1[0]
/// and Range q1[4:0]; TLBI NUM 16:12, SCALE 24:20, VMID 47:32, ASID 63:48 and q1 Leaf 0,
/// TTL 9:8, TG 11:10, Addr 63:12; ATC_INV q1 Size 5:0, Addr 63:12; CMD_SYNC CS 13:12, MSH
/// 23:22, MSIAttr 27:24, MSIData 63:32, q1 MSIAddr 55:2; RESUME Ac 12, Ab 13, q1 STAG 15:0;
/// STALL_TERM SID. SSec (q0 bit 10) set, or an opcode the model does not know, decodes to nil.
package enum CommandEncoding {
  static let ssec = BitField("SSec", word: 0, 10, 10)
  static let cs = BitField("CS", word: 0, 13, 12)
  static let msh = BitField("MSH", word: 0, 23, 22)
  static let msiAttr = BitField("MSIAttr", word: 0, 27, 24)
  static let msiData = BitField("MSIData", word: 0, 63, 32)
  static let msiAddr = BitField("MSIAddr", word: 1, 55, 2)
  static let ac = BitField("Ac", word: 0, 12, 12)
  static let ab = BitField("Ab", word: 0, 13, 13)
  static let stag = BitField("STAG", word: 1, 15, 0)
  static let ssv = BitField("SSV", word: 0, 11, 11)
  static let ssid = BitField("SSID", word: 0, 31, 12)
  static let sid = BitField("SID", word: 0, 63, 32)
  static let num = BitField("NUM", word: 0, 16, 12)
  static let scale = BitField("SCALE", word: 0, 24, 20)
  static let vmid = BitField("VMID", word: 0, 47, 32)
  static let asid = BitField("ASID", word: 0, 63, 48)
  static let leaf = BitField("Leaf", word: 1, 0, 0)
  static let range = BitField("Range", word: 1, 4, 0)
  static let ttl = BitField("TTL", word: 1, 9, 8)
  static let tg = BitField("TG", word: 1, 11, 10)
  static let addr = BitField("Addr", word: 1, 63, 12)
  static let size = BitField("Size", word: 1, 5, 0)

  /// Operands readable by name (`expect last.commands.NAME.OPERAND`).
  static let namedOperands: [String: BitField] = ["sid": sid, "ssid": ssid, "vmid": vmid, "asid": asid]

  /// The operand `name` (sid, ssid, vmid, asid) of a command as encoded; nil for another name.
  package static func operand(_ name: String, of c: Command) -> UInt64? {
    namedOperands[name].map { encode(c).field($0) }
  }

  /// Encodes a command into its two qwords.
  package static func encode(_ c: Command) -> [UInt64] {
    var q: [UInt64] = [UInt64(c.opcode), 0]
    func put(_ f: BitField, _ v: UInt64) { q.setField(f, v) }
    func putRange(_ r: TLBIRange?) {
      guard let r else { return }
      put(num, UInt64(r.num))
      put(scale, UInt64(r.scale))
      put(tg, UInt64(r.tg))
      put(ttl, UInt64(r.ttl))
    }
    switch c {
    case .prefetchConfig(let s, let ss):
      put(sid, UInt64(s))
      if let ss {
        put(ssv, 1)
        put(ssid, UInt64(ss))
      }
    case .cfgiSTE(let s, let l):
      put(sid, UInt64(s))
      put(leaf, l ? 1 : 0)
    case .cfgiSTERange(let s, let r):
      put(sid, UInt64(s))
      put(range, UInt64(r))
    case .cfgiCD(let s, let ss, let l):
      put(sid, UInt64(s))
      put(ssid, UInt64(ss))
      put(leaf, l ? 1 : 0)
    case .cfgiCDAll(let s): put(sid, UInt64(s))
    case .tlbiNHAll(let v), .tlbiS12VMAll(let v): put(vmid, UInt64(v))
    case .tlbiNHASID(let v, let a):
      put(vmid, UInt64(v))
      put(asid, UInt64(a))
    case .tlbiNHVA(let v, let a, let ad, let l, let r):
      put(vmid, UInt64(v))
      put(asid, UInt64(a))
      put(addr, ad >> 12)
      put(leaf, l ? 1 : 0)
      putRange(r)
    case .tlbiNHVAA(let v, let ad, let l, let r), .tlbiS2IPA(let v, let ad, let l, let r):
      put(vmid, UInt64(v))
      put(addr, ad >> 12)
      put(leaf, l ? 1 : 0)
      putRange(r)
    case .tlbiEL2All, .tlbiNSNHAll: break
    case .sync, .syncSignal:
      let o = c.syncOperands ?? .linux
      put(cs, o.signal.rawValue)
      put(msh, UInt64(o.msh))
      put(msiAttr, UInt64(o.msiAttr))
      put(msiData, UInt64(o.msiData))
      put(msiAddr, o.msiAddress >> 2)
    case .resume(let s, let t, let retry, let abort):
      put(sid, UInt64(s))
      put(ac, retry ? 1 : 0)
      put(ab, abort ? 1 : 0)
      put(stag, UInt64(t))
    case .stallTerm(let s): put(sid, UInt64(s))
    case .raw(let q0, let q1): q = [q0, q1]
    case .tlbiEL2ASID(let a): put(asid, UInt64(a))
    case .tlbiEL2VA(let a, let ad, let l):
      put(asid, UInt64(a))
      put(addr, ad >> 12)
      put(leaf, l ? 1 : 0)
    case .tlbiEL2VAA(let ad, let l):
      put(addr, ad >> 12)
      put(leaf, l ? 1 : 0)
    case .atcInv(let s, let ss, let ad, let sz):
      put(sid, UInt64(s))
      if let ss {
        put(ssv, 1)
        put(ssid, UInt64(ss))
      }
      put(addr, ad >> 12)
      put(size, UInt64(sz))
    }
    return q
  }

  /// Decodes two qwords, keeping what the model cannot decode as `Command.raw` (which the
  /// queue rejects as CERROR_ILL).
  package static func decodeAny(_ q: [UInt64]) -> Command {
    decode(q) ?? .raw(q0: q[0], q1: q.count > 1 ? q[1] : 0)
  }

  /// Decodes two qwords; nil for opcodes the model does not know and for SSec=1.
  package static func decode(_ q: [UInt64]) -> Command? {
    let op = q[0] & 0xFF
    guard q.field(ssec) == 0 else { return nil }
    let s = UInt32(q.field(sid))
    let ss: UInt32? = q.field(ssv) == 1 ? UInt32(q.field(ssid)) : nil
    let v = UInt16(q.field(vmid))
    let a = UInt16(q.field(asid))
    let ad = q.field(addr) << 12
    let l = q.field(leaf) == 1
    let r: TLBIRange? =
      q.field(tg) == 0
      ? nil
      : TLBIRange(
        num: Int(q.field(num)), scale: Int(q.field(scale)), tg: Int(q.field(tg)),
        ttl: Int(q.field(ttl)))
    switch op {
    case 0x01: return .prefetchConfig(sid: s, ssid: ss)
    case 0x03: return .cfgiSTE(sid: s, leaf: l)
    case 0x04: return .cfgiSTERange(sid: s, range: Int(q.field(range)))
    case 0x05: return .cfgiCD(sid: s, ssid: UInt32(q.field(ssid)), leaf: l)
    case 0x06: return .cfgiCDAll(sid: s)
    case 0x10: return .tlbiNHAll(vmid: v)
    case 0x11: return .tlbiNHASID(vmid: v, asid: a)
    case 0x12: return .tlbiNHVA(vmid: v, asid: a, address: ad, leaf: l, range: r)
    case 0x13: return .tlbiNHVAA(vmid: v, address: ad, leaf: l, range: r)
    case 0x20: return .tlbiEL2All
    case 0x21: return .tlbiEL2ASID(asid: a)
    case 0x22: return .tlbiEL2VA(asid: a, address: ad, leaf: l)
    case 0x23: return .tlbiEL2VAA(address: ad, leaf: l)
    case 0x28: return .tlbiS12VMAll(vmid: v)
    case 0x2A: return .tlbiS2IPA(vmid: v, address: ad, leaf: l, range: r)
    case 0x30: return .tlbiNSNHAll
    case 0x40: return .atcInv(sid: s, ssid: ss, address: ad, size: Int(q.field(size)))
    case 0x44:
      return .resume(sid: s, stag: UInt16(q.field(stag)), retry: q.field(ac) == 1, abort: q.field(ab) == 1)
    case 0x45: return .stallTerm(sid: s)
    case 0x46:
      let o = SyncOperands(
        signal: SyncOperands.Signal(rawValue: q.field(cs)) ?? .none, msh: UInt8(q.field(msh)),
        msiAttr: UInt8(q.field(msiAttr)), msiData: UInt32(q.field(msiData)), msiAddress: q.field(msiAddr) << 2
      )
      return .sync(o)
    default: return nil
    }
  }
}
