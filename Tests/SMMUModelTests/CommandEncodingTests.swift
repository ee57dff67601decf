import SMMUModel
import Testing

/// The 16-byte command layout (smmuv3-hardware.md §5, linux-driver.md §3).
@Suite struct CommandEncodingTests {
  static let range = TLBIRange(num: 3, scale: 5, tg: 1, ttl: 2)

  /// Two command qwords (typed, to keep the expectations quick to type-check).
  static func words(_ q0: UInt64, _ q1: UInt64) -> [UInt64] { [q0, q1] }

  /// One of every Command case, with operands that exercise every field.
  static let samples: [Command] = [
    .prefetchConfig(sid: 0x1234, ssid: nil),
    .prefetchConfig(sid: 0xFFFF_FFFF, ssid: 0xF_FFFF),
    .cfgiSTE(sid: 8, leaf: true),
    .cfgiSTE(sid: 0x8000_0001, leaf: false),
    .cfgiSTERange(sid: 0x40, range: 5),
    .cfgiAll,
    .cfgiCD(sid: 9, ssid: 3, leaf: true),
    .cfgiCD(sid: 9, ssid: 0xF_FFFF, leaf: false),
    .cfgiCDAll(sid: 77),
    .tlbiNHAll(vmid: 0xFFFF),
    .tlbiNHASID(vmid: 3, asid: 1997),
    .tlbiNHVA(vmid: 1, asid: 778, address: 0xFFFF_FFFF_F000, leaf: true, range: nil),
    .tlbiNHVA(vmid: 1, asid: 778, address: 0x12_3456_7000, leaf: false, range: range),
    .tlbiNHVAA(vmid: 2, address: 0x4000_0000, leaf: true, range: nil),
    .tlbiNHVAA(
      vmid: 2, address: 0x4000_0000, leaf: false, range: TLBIRange(num: 31, scale: 31, tg: 3, ttl: 3)),
    .tlbiEL2All,
    .tlbiEL2ASID(asid: 0xABCD),
    .tlbiEL2VA(asid: 5, address: 0x7000, leaf: true),
    .tlbiEL2VAA(address: 0xF_FFFF_FFFF_F000, leaf: false),
    .tlbiS12VMAll(vmid: 44),
    .tlbiS2IPA(vmid: 44, address: 0x8000_0000, leaf: true, range: nil),
    .tlbiS2IPA(vmid: 44, address: 0x8000_0000, leaf: true, range: TLBIRange(num: 1, scale: 0, tg: 2, ttl: 0)),
    .tlbiNSNHAll,
    .atcInv(sid: 3, ssid: nil, address: 0x10_0000, size: 8),
    .atcInv(sid: 3, ssid: 42, address: 0, size: 52),
    .sync,
    .syncSignal(
      SyncOperands(signal: .irq, msh: 1, msiAttr: 5, msiData: 0xDEAD_BEEF, msiAddress: 0xFF_1234_5678_9ABC)),
    .syncSignal(SyncOperands(signal: .none, msh: 0, msiAttr: 0)),
    .syncSignal(SyncOperands(signal: .reserved)),
    .resume(sid: 0x8, stag: 0xFFFF, retry: true, abort: false),
    .resume(sid: 0xFFFF_FFFF, stag: 3, retry: false, abort: true),
    .resume(sid: 1, stag: 0, retry: false, abort: false),
    .stallTerm(sid: 0x1234),
  ]

  @Test(arguments: samples)
  func encodeDecodeRoundTrip(_ command: Command) throws {
    let q = CommandEncoding.encode(command)
    #expect(q.count == 2)
    #expect(q[0] & 0xFF == UInt64(command.opcode))
    let back = try #require(CommandEncoding.decode(q))
    #expect(back == command)
  }

  @Test func samplesCoverEveryOpcode() {
    let opcodes = Set(Self.samples.map(\.opcode))
    // The architecture's opcodes for the commands the model implements (§5).
    let expected: Set<UInt8> = [
      0x01, 0x03, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x22, 0x23, 0x28, 0x2A, 0x30, 0x40,
      0x44, 0x45, 0x46,
    ]
    #expect(opcodes == expected)
  }

  @Test func opcodesAndNames() {
    let expected: [(Command, UInt8, String)] = [
      (.prefetchConfig(sid: 0, ssid: nil), 0x01, "PREFETCH_CFG"),
      (.cfgiSTE(sid: 0, leaf: true), 0x03, "CFGI_STE"),
      (.cfgiSTERange(sid: 0, range: 3), 0x04, "CFGI_STE_RANGE"),
      (.cfgiAll, 0x04, "CFGI_ALL"),
      (.cfgiCD(sid: 0, ssid: 0, leaf: true), 0x05, "CFGI_CD"),
      (.cfgiCDAll(sid: 0), 0x06, "CFGI_CD_ALL"),
      (.tlbiNHAll(vmid: 0), 0x10, "TLBI_NH_ALL"),
      (.tlbiNHASID(vmid: 0, asid: 0), 0x11, "TLBI_NH_ASID"),
      (.tlbiNHVA(vmid: 0, asid: 0, address: 0, leaf: true, range: nil), 0x12, "TLBI_NH_VA"),
      (.tlbiNHVAA(vmid: 0, address: 0, leaf: true, range: nil), 0x13, "TLBI_NH_VAA"),
      (.tlbiEL2All, 0x20, "TLBI_EL2_ALL"),
      (.tlbiEL2ASID(asid: 0), 0x21, "TLBI_EL2_ASID"),
      (.tlbiEL2VA(asid: 0, address: 0, leaf: true), 0x22, "TLBI_EL2_VA"),
      (.tlbiEL2VAA(address: 0, leaf: true), 0x23, "TLBI_EL2_VAA"),
      (.tlbiS12VMAll(vmid: 0), 0x28, "TLBI_S12_VMALL"),
      (.tlbiS2IPA(vmid: 0, address: 0, leaf: true, range: nil), 0x2A, "TLBI_S2_IPA"),
      (.tlbiNSNHAll, 0x30, "TLBI_NSNH_ALL"),
      (.atcInv(sid: 0, ssid: nil, address: 0, size: 52), 0x40, "ATC_INV"),
      (.sync, 0x46, "CMD_SYNC"),
      (.syncSignal(SyncOperands(signal: .none)), 0x46, "CMD_SYNC"),
      (.resume(sid: 0, stag: 0, retry: true, abort: false), 0x44, "RESUME"),
      (.stallTerm(sid: 0), 0x45, "STALL_TERM"),
      (.raw(q0: 0x3F, q1: 0), 0x3F, "RAW"),
    ]
    for (c, op, name) in expected {
      #expect(c.opcode == op, "\(name)")
      #expect(c.name == name)
    }
  }

  // MARK: Field positions

  @Test func cfgiSTELayout() {
    // SID at q0 63:32, Leaf at q1 bit 0.
    #expect(CommandEncoding.encode(.cfgiSTE(sid: 0x1234, leaf: true)) == Self.words(0x03 | 0x1234 << 32, 1))
    #expect(CommandEncoding.encode(.cfgiSTE(sid: 0x1234, leaf: false)) == Self.words(0x03 | 0x1234 << 32, 0))
  }

  @Test func cfgiAllLayout() {
    // Range 31 in q1 4:0.
    #expect(CommandEncoding.encode(.cfgiAll) == Self.words(0x04, 31))
    #expect(Command.cfgiAll == .cfgiSTERange(sid: 0, range: 31))
  }

  @Test func cfgiCDLayout() {
    // SSID at q0 31:12 (no SSV), SID at 63:32, Leaf at q1 0.
    #expect(
      CommandEncoding.encode(.cfgiCD(sid: 9, ssid: 3, leaf: true)) == Self.words(0x05 | 3 << 12 | 9 << 32, 1))
  }

  @Test func prefetchLayout() {
    // SSV bit 11 only when a substream is given.
    #expect(CommandEncoding.encode(.prefetchConfig(sid: 2, ssid: nil)) == Self.words(0x01 | 2 << 32, 0))
    #expect(
      CommandEncoding.encode(.prefetchConfig(sid: 2, ssid: 5))
        == Self.words(0x01 | 1 << 11 | 5 << 12 | 2 << 32, 0))
  }

  @Test func tlbiLayout() {
    // VMID at 47:32, ASID at 63:48.
    #expect(
      CommandEncoding.encode(.tlbiNHASID(vmid: 3, asid: 778)) == Self.words(0x11 | 3 << 32 | 778 << 48, 0))
    // Addr at q1 63:12 (in place), Leaf at q1 0; NUM 16:12 and SCALE 24:20 in q0; TTL 9:8, TG 11:10.
    let q = CommandEncoding.encode(
      .tlbiNHVA(
        vmid: 1, asid: 2, address: 0x12_3456_7000, leaf: true,
        range: TLBIRange(num: 3, scale: 5, tg: 1, ttl: 2)))
    #expect(q[0] == 0x12 | 3 << 12 | 5 << 20 | 1 << 32 | 2 << 48)
    #expect(q[1] == 0x12_3456_7000 | 1 << 10 | 2 << 8 | 1)
    #expect(CommandEncoding.encode(.tlbiS12VMAll(vmid: 7)) == Self.words(0x28 | 7 << 32, 0))
  }

  @Test func atcInvLayout() {
    // SSV 11, SSID 31:12, SID 63:32; q1 Size 5:0, Addr 63:12.
    #expect(
      CommandEncoding.encode(.atcInv(sid: 4, ssid: 5, address: 0x3000, size: 1))
        == Self.words(0x40 | 1 << 11 | 5 << 12 | 4 << 32, 0x3000 | 1))
    #expect(
      CommandEncoding.encode(.atcInv(sid: 4, ssid: nil, address: 0, size: 52))
        == Self.words(0x40 | 4 << 32, 52))
  }

  /// `.sync` is Linux's CMD_SYNC without MSI: CS=SEV (13:12), MSH=ISH (23:22), MSIAttr=OIWB
  /// (27:24): the qword the bundled Linux 6.1 run's command queue holds (0x0fc02046).
  @Test func syncLayout() {
    #expect(CommandEncoding.encode(.sync) == Self.words(0x0FC0_2046, 0))
    #expect(CommandEncoding.decode([0x0FC0_2046, 0]) == .sync)
    // CS=IRQ (1), MSIData 63:32; q1 MSIAddr 55:2 in place.
    let msi = SyncOperands(signal: .irq, msh: 3, msiAttr: 0xF, msiData: 0x1234, msiAddress: 0x4000_0004)
    #expect(
      CommandEncoding.encode(.sync(msi))
        == Self.words(0x46 | 1 << 12 | 3 << 22 | 0xF << 24 | 0x1234 << 32, 0x4000_0004))
    // All-zero operands are CS=NONE: not Linux's sync.
    #expect(
      CommandEncoding.decode([0x46, 0]) == .syncSignal(SyncOperands(signal: .none, msh: 0, msiAttr: 0)))
    #expect(Command.sync(.linux) == .sync)
  }

  @Test func resumeAndStallTermLayout() {
    // SID 63:32, Ac 12, Ab 13; q1 STAG 15:0 (Linux: RESP 13:12, 1 retry, 2 abort).
    #expect(
      CommandEncoding.encode(.resume(sid: 8, stag: 0xABCD, retry: true, abort: false))
        == Self.words(0x44 | 1 << 12 | 8 << 32, 0xABCD))
    #expect(
      CommandEncoding.encode(.resume(sid: 8, stag: 1, retry: false, abort: true))
        == Self.words(0x44 | 2 << 12 | 8 << 32, 1))
    #expect(CommandEncoding.encode(.stallTerm(sid: 9)) == Self.words(0x45 | 9 << 32, 0))
  }

  @Test func unknownOpcodesDoNotDecode() {
    // PREFETCH_ADDR (0x02), PRI_RESP (0x41) and reserved opcodes are not modelled; SSec=1 neither.
    for op: UInt64 in [0x00, 0x02, 0x41, 0xFF, 0x46 | 1 << 10] {
      #expect(CommandEncoding.decode([op, 0]) == nil)
      #expect(CommandEncoding.decodeAny([op, 0]) == .raw(q0: op, q1: 0))
    }
    #expect(CommandEncoding.encode(.raw(q0: 0x3F, q1: 7)) == Self.words(0x3F, 7))
  }

  @Test func rangeTLBIWithoutTGDecodesAsSingleAddress() {
    // TG=0 means a single address: NUM/SCALE are ignored and no range comes back.
    let c = CommandEncoding.decode([0x12 | 3 << 12 | 1 << 48, 0x5000])
    #expect(c == .tlbiNHVA(vmid: 0, asid: 1, address: 0x5000, leaf: false, range: nil))
  }

  @Test func rangeBytes() {
    // (NUM+1) * 2^SCALE granules.
    #expect(TLBIRange(num: 0, scale: 0, tg: 1).bytes == 4096)
    #expect(TLBIRange(num: 1, scale: 2, tg: 1).bytes == 2 * 4 * 4096)
    #expect(TLBIRange(num: 0, scale: 0, tg: 2).bytes == 16384)
    #expect(TLBIRange(num: 2, scale: 1, tg: 3).bytes == 3 * 2 * 65536)
  }

  /// The operands are held in a byte each: they read back as given, a change to one leaves the
  /// others, and a command stays small (four `Int`s made it 57 bytes).
  @Test func rangeOperandsReadBackAndKeepCommandsSmall() {
    var r = TLBIRange(num: 31, scale: 63, tg: 3, ttl: 2)
    #expect(r.num == 31 && r.scale == 63 && r.tg == 3 && r.ttl == 2)
    r.scale = 4
    r.ttl = 255
    #expect(r == TLBIRange(num: 31, scale: 4, tg: 3, ttl: 255))
    #expect(r != TLBIRange(num: 30, scale: 4, tg: 3, ttl: 255))
    #expect(MemoryLayout<TLBIRange>.size == 4)
    #expect(MemoryLayout<Command>.size <= 33)
  }

  @Test func descriptions() {
    #expect(Command.cfgiAll.description == "CFGI_ALL")
    #expect(Command.cfgiCD(sid: 8, ssid: 3, leaf: true).description == "CFGI_CD sid=0x8 ssid=3 leaf=1")
    #expect(
      Command.atcInv(sid: 1, ssid: nil, address: 0, size: 52).description == "ATC_INV sid=0x1 ssv=0 all")
    #expect(Command.sync.description == "CMD_SYNC")
    #expect(
      Command.sync(SyncOperands(signal: .irq, msiData: 9, msiAddress: 0x1000)).description
        == "CMD_SYNC cs=irq msiaddr=0x1000 msidata=0x9")
    #expect(
      Command.resume(sid: 8, stag: 2, retry: true, abort: false).description == "RESUME sid=0x8 stag=2 retry")
    #expect(Command.stallTerm(sid: 8).description == "STALL_TERM sid=0x8")
  }
}
