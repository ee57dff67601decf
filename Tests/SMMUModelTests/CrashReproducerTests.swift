import SMMUModel
import Testing

/// Issue #10 reproducers at the model level: addresses beyond the fixed regime's 48-bit
/// input range never alias lower ones, and values from dumps or traces cannot trap.
@Suite struct CrashReproducerTests {
  /// Stage 1 with T0SZ = 16: 2^48 and 0xffff000000001000 are beyond TTB0's range (EPD1 = 1),
  /// so they fault with F_TRANSLATION instead of translating like 0x0 / 0x1000.
  @Test func stage1InputBeyond48BitsIsFTranslationNotAlias() {
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(0, to: Fixture.pa, root: root)
    rig.map(0x1000, to: Fixture.pa2, root: root)
    rig.attachS1(sid: 1, asid: 1, root: root)
    #expect(rig.translate(sid: 1, va: 0).outputAddress == Fixture.pa)
    #expect(rig.translate(sid: 1, va: 0x1000).outputAddress == Fixture.pa2)
    for va: UInt64 in [1 << 48, 0xFFFF_0000_0000_1000, UInt64.max & ~0xFFF] {
      let r = rig.translate(sid: 1, va: va)
      #expect(r.outputAddress == nil, "\(hex(va)) must not translate")
      #expect(r.event?.type == .fTranslation)
    }
  }

  /// Stage 2: an input beyond the IAS (48 bits; stage 1 is bypassed) is F_ADDR_SIZE, not the
  /// IPA with its top bits dropped; one within the IAS but beyond S2T0SZ's range is a
  /// stage-2 F_TRANSLATION.
  @Test func stage2InputBeyondIASIsFAddrSizeAndBeyondS2T0SZFTranslation() {
    var rig = Rig()
    let s2 = rig.newPageTable()
    rig.map(0x1000, to: Fixture.pa, root: s2, stage2: true)
    var ste = Rig.s2STE(vmid: 3, root: s2)
    ste[StreamTableEntry.s2r] = 1
    rig.writeSTE(ste, sid: 2)
    #expect(rig.translate(sid: 2, va: 0x1000).outputAddress == Fixture.pa)
    let r = rig.translate(sid: 2, va: 0x1_0000_0000_1000)
    #expect(r.outputAddress == nil)
    #expect(r.event?.type == .fAddrSize && r.event?.stage2 == false)
    ste[StreamTableEntry.vtcrT0SZ] = 25
    ste[StreamTableEntry.vtcrSL0] = 1
    rig.writeSTE(ste, sid: 2)
    rig.smmu.submit([.cfgiSTE(sid: 2, leaf: true), .sync])
    let beyond = rig.translate(sid: 2, va: 1 << 40)
    #expect(beyond.event?.type == .fTranslation && beyond.event?.stage2 == true)
  }

  /// STE bypass: an address the 48-bit output cannot hold is F_ADDR_SIZE; below it passes.
  @Test func bypassBeyondOutputSizeIsFAddrSize() {
    var rig = Rig()
    rig.writeSTE(Rig.bypassSTE(), sid: 3)
    #expect(rig.translate(sid: 3, va: 0xFFFF_FFFF_F000).outcome == .bypassed(0xFFFF_FFFF_F000))
    let r = rig.translate(sid: 3, va: 1 << 48)
    #expect(r.outcome == .aborted)
    #expect(r.event?.type == .fAddrSize)
  }

  /// A fixed-address region at the top of the address space (a dump's `phys
  /// 0xfffffffffffffff0 size 0x10`) is refused, not an overflow trap.
  @Test func allocationPastTopOfAddressSpaceIsAnError() {
    var memory = PhysicalMemory()
    #expect(throws: MemoryError.outOfRange(0xFFFF_FFFF_FFFF_FFF0)) {
      try memory.allocate(at: 0xFFFF_FFFF_FFFF_FFF0, bytes: 0x10, purpose: .streamTable, owner: "dump")
    }
    #expect(throws: MemoryError.outOfRange(0x1000)) {
      try memory.allocate(at: 0x1000, bytes: UInt64.max, purpose: .streamTable, owner: "dump")
    }
    #expect(memory.allocations.isEmpty)
  }

  /// Range TLBI operands from a ring dump: a reserved TG covers nothing, a huge range
  /// saturates, and a range reaching past 2^64 invalidates up to the top instead of trapping.
  @Test func rangeTLBIOperandsCannotOverflow() {
    #expect(TLBIRange(num: 1, scale: 0, tg: 0).bytes == 0)
    #expect(TLBIRange(num: 1, scale: 0, tg: 5).bytes == 0)
    #expect(TLBIRange(num: 31, scale: 63, tg: 3).bytes == UInt64.max)
    #expect(TLBIRange(num: 1, scale: 1, tg: 1).bytes == 4 * 4096)
    var rig = Rig()
    let root = rig.newPageTable()
    rig.map(0x1000, to: Fixture.pa, root: root)
    rig.attachS1(sid: 1, asid: 1, root: root)
    _ = rig.translate(sid: 1, va: 0x1000)
    #expect(rig.smmu.tlb.count == 1)
    rig.smmu.submit([
      .tlbiNHVA(
        vmid: 0, asid: 1, address: 0xFFFF_FFFF_FFFF_F000, leaf: true,
        range: TLBIRange(num: 3, scale: 0, tg: 1)),
      .atcInv(sid: 1, ssid: nil, address: 0xFFFF_FFFF_FFFF_F000, size: 0),
      .sync,
    ])
    #expect(rig.smmu.tlb.count == 1, "an invalidation of the top pages leaves 0x1000 cached")
  }
}
