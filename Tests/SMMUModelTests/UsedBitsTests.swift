import SMMUModel
import Testing

/// Used bits and update-safe bits (linux-driver.md §4).
@Suite struct UsedBitsTests {
  typealias S = StreamTableEntry
  typealias C = ContextDescriptor

  static let s1Word1: UInt64 =
    S.s1dss.mask | S.s1cir.mask | S.s1cor.mask | S.s1csh.mask | S.s1stalld.mask | S.strw.mask
    | S.eats.mask | S.mev.mask
  static let s2Word1: UInt64 = S.s2fwb.mask | S.eats.mask | S.shcfg.mask | S.mev.mask
  static let s2Word2: UInt64 =
    S.s2vmid.mask | S.vtcr.mask | S.s2aa64.mask | S.s2endi.mask | S.s2ptw.mask | S.s2s.mask
    | S.s2r.mask

  @Test func invalidSTEUsesOnlyV() {
    // Garbage everywhere but V=0: only V is used.
    var q = [UInt64](repeating: ~0, count: 8)
    q[0] &= ~1
    #expect(UsedBits.ste(q) == [1, 0, 0, 0, 0, 0, 0, 0])
  }

  @Test func abortSTEUsesVAndConfig() {
    var q = Rig.abortSTE().qwords
    q[1] = ~0  // unused bits do not matter
    #expect(UsedBits.ste(q) == [0xF, 0, 0, 0, 0, 0, 0, 0])
  }

  @Test func bypassSTEAddsSHCFG() {
    #expect(UsedBits.ste(Rig.bypassSTE().qwords) == [0xF, S.shcfg.mask, 0, 0, 0, 0, 0, 0])
    #expect(S.shcfg.mask == 0x3 << 44)
  }

  @Test func s1STEUsedBits() {
    let used = UsedBits.ste(Rig.s1STE(cdTable: 0x4000_0000, s1cdmax: 4, s1dss: .ssid0).qwords)
    let word0 = S.v.mask | S.config.mask | S.s1fmt.mask | S.s1ContextPtr.mask | S.s1cdmax.mask
    #expect(used == [word0, Self.s1Word1, S.s2vmid.mask, 0, 0, 0, 0, 0])
    // SHCFG is not used unless S1DSS is bypass.
    #expect(used[1] & S.shcfg.mask == 0)
    #expect(used[1] & S.mev.mask != 0)
  }

  @Test func s1STEWithS1DSSBypassAddsSHCFG() {
    let used = UsedBits.ste(Rig.s1STE(cdTable: 0x4000_0000, s1cdmax: 4, s1dss: .bypass).qwords)
    #expect(used[1] == Self.s1Word1 | S.shcfg.mask)
  }

  @Test func s2STEUsesWordThreeS2TTB() {
    let used = UsedBits.ste(Rig.s2STE(vmid: 1, root: 0x4000_0000).qwords)
    #expect(used == [0xF, Self.s2Word1, Self.s2Word2, S.s2ttb.mask, 0, 0, 0, 0])
    // S2TTB is bits 51:4 of word 3.
    #expect(used[3] == 0x000F_FFFF_FFFF_FFF0)
    // No stage-1 fields.
    #expect(used[0] & S.s1ContextPtr.mask == 0)
    #expect(used[1] & S.s1dss.mask == 0)
  }

  @Test func nestedSTEUsesBothStages() {
    var ste = Rig.s2STE(vmid: 1, root: 0x4000_0000)
    ste[S.config] = S.Config.nested.rawValue
    let used = UsedBits.ste(ste.qwords)
    let word0 = S.v.mask | S.config.mask | S.s1fmt.mask | S.s1ContextPtr.mask | S.s1cdmax.mask
    #expect(used == [word0, Self.s1Word1 | Self.s2Word1, Self.s2Word2, S.s2ttb.mask, 0, 0, 0, 0])
  }

  @Test func invalidCDUsesOnlyV() {
    var q = [UInt64](repeating: ~0, count: 8)
    q[0] &= ~C.v.mask
    #expect(UsedBits.cd(q) == [1 << 31, 0, 0, 0, 0, 0, 0, 0])
  }

  @Test func validCDUsesEveryBit() {
    #expect(UsedBits.cd(Rig.s1CD(asid: 1, ttb0: 0x4000_0000).qwords) == EntryQwords(repeating: ~0))
  }

  @Test func epd0DropsTheTTB0HalfFields() {
    let used = UsedBits.cd(Rig.s1CD(asid: 1, ttb0: 0x4000_0000, epd0: true).qwords)
    // T0SZ 5:0, TG0 7:6, IRGN0 9:8, ORGN0 11:10, SH0 13:12 = bits 13:0; TTB0 = word 1 bits 51:4.
    #expect(used[0] == ~UInt64(0x3FFF))
    #expect(used[1] == ~UInt64(0x000F_FFFF_FFFF_FFF0))
    #expect(used[2...].allSatisfy { $0 == ~0 })
    // EPD0 itself and V stay used.
    #expect(used[0] & C.epd0.mask != 0 && used[0] & C.v.mask != 0)
  }

  // MARK: Update-safe bits

  @Test func mevAndEATSTransAreSafeByDefault() {
    let a = Rig.s1STE(cdTable: 0x4000_0000).qwords
    let b = Rig.s1STE(cdTable: 0x4000_0000, ats: true).qwords
    let safe = UsedBits.steUpdateSafe(current: a, target: b)
    // MEV is bit 19 of word 1; EATS_TRANS is EATS = 1 at bits 29:28, i.e. bit 28.
    #expect(safe == [0, 1 << 19 | 1 << 28, 0, 0, 0, 0, 0, 0])
  }

  @Test func eatsNotSafeWithS1CHK() {
    var b = Rig.s1STE(cdTable: 0x4000_0000).qwords
    b[1] = S.eats.set(b[1], S.eatsS1Check)
    let a = Rig.s1STE(cdTable: 0x4000_0000).qwords
    #expect(UsedBits.steUpdateSafe(current: a, target: b)[1] == S.mev.mask)
    #expect(UsedBits.steUpdateSafe(current: b, target: a)[1] == S.mev.mask)
  }

  @Test func eatsNotSafeWithS2S() {
    var s2s = Rig.s2STE(vmid: 1, root: 0x4000_0000)
    s2s[S.s2s] = 1
    let plain = Rig.s2STE(vmid: 1, root: 0x4000_0000, ats: true)
    #expect(UsedBits.steUpdateSafe(current: s2s.qwords, target: plain.qwords)[1] == S.mev.mask)
    #expect(UsedBits.steUpdateSafe(current: plain.qwords, target: s2s.qwords)[1] == S.mev.mask)
    #expect(UsedBits.steUpdateSafe(current: plain.qwords, target: plain.qwords)[1] == S.mev.mask | 1 << 28)
  }

  // upstream-2026.md §3 and §5, S4: CDs have no update-safe bits (S1 CD install and clear,
  // 2 syncs, not hitless: `cdAsidChangeIsOneSyncAndInstallIsTwo` below, EntryWriterTests).
  @Test func cdsHaveNoSafeBits() {
    let a = Rig.s1CD(asid: 1, ttb0: 0x4000_0000).qwords
    let b = Rig.s1CD(asid: 2, ttb0: 0x4000_0000).qwords
    #expect(UsedBits.cdUpdateSafe(current: a, target: b) == EntryQwords())
  }

  // MARK: The §4 writer analysis, driven by these used bits, on the §5 worked examples

  /// Step 1 of arm_smmu_write_entry: the qwords that must change in a used bit.
  static func criticalQwords(_ cur: EntryQwords, _ tgt: EntryQwords, ste: Bool) -> [Int] {
    var curUsed = ste ? UsedBits.ste(cur) : UsedBits.cd(cur)
    let tgtUsed = ste ? UsedBits.ste(tgt) : UsedBits.cd(tgt)
    let safe0 =
      ste
      ? UsedBits.steUpdateSafe(current: cur, target: tgt)
      : UsedBits.cdUpdateSafe(current: cur, target: tgt)
    var critical: [Int] = []
    for i in 0..<8 {
      let safe = safe0[i] & tgtUsed[i] & curUsed[i]
      curUsed[i] &= ~safe
      let unusedUpdate = (cur[i] & curUsed[i]) | (tgt[i] & ~curUsed[i])
      if unusedUpdate & tgtUsed[i] != tgt[i] { critical.append(i) }
    }
    return critical
  }

  /// Step 2: the syncs the writer issues (entry_set syncs once when a qword changed).
  static func syncCount(_ cur: EntryQwords, _ tgt: EntryQwords, ste: Bool) -> Int {
    var e = cur
    var syncs = 0
    func set(_ src: EntryQwords, _ start: Int, _ len: Int) {
      var changed = false
      for i in start..<(start + len) where e[i] != src[i] {
        e[i] = src[i]
        changed = true
      }
      if changed { syncs += 1 }
    }
    let critical = criticalQwords(cur, tgt, ste: ste)
    let curUsed = ste ? UsedBits.ste(cur) : UsedBits.cd(cur)
    var unused = EntryQwords((0..<8).map { (cur[$0] & curUsed[$0]) | (tgt[$0] & ~curUsed[$0]) })
    switch critical.count {
    case 0: set(tgt, 0, 8)
    case 1:
      unused[critical[0]] = e[critical[0]]
      set(unused, 0, 8)
      set(tgt, critical[0], 1)
      set(tgt, 0, 8)
    default:
      unused[0] = 0
      set(unused, 0, 1)
      set(tgt, 1, 7)
      set(tgt, 0, 1)
    }
    #expect(e == tgt)
    return syncs
  }

  static let cdtab: UInt64 = 0xF0F0_F0F0_F0C0

  @Test func bypassToAbortIsHitlessInTwoSyncs() {
    let from = Rig.bypassSTE().qwords
    let to = Rig.abortSTE().qwords
    #expect(Self.criticalQwords(from, to, ste: true) == [0])
    #expect(Self.syncCount(from, to, ste: true) == 2)
  }

  @Test func cdtableS1DSSChangeIsOneSync() {
    let ssid0 = Rig.s1STE(cdTable: Self.cdtab, s1cdmax: 20, s1fmt: 2, s1dss: .ssid0, ats: true).qwords
    let bypass = Rig.s1STE(cdTable: Self.cdtab, s1cdmax: 20, s1fmt: 2, s1dss: .bypass, ats: true).qwords
    #expect(Self.criticalQwords(ssid0, bypass, ste: true) == [1])
    #expect(Self.syncCount(ssid0, bypass, ste: true) == 1)
    #expect(Self.syncCount(bypass, ssid0, ste: true) == 1)
  }

  @Test func cdtableToS2IsHitlessInThreeSyncs() {
    let s1 = Rig.s1STE(cdTable: Self.cdtab, s1cdmax: 20, s1fmt: 2, ats: true).qwords
    let s2 = Rig.s2STE(vmid: 0, root: 0xDAED_BEEF_DEAD_B000, ats: true).qwords
    #expect(Self.criticalQwords(s1, s2, ste: true) == [0])
    #expect(Self.syncCount(s1, s2, ste: true) == 3)
  }

  @Test func s2ToAbortIsTwoSyncs() {
    let s2 = Rig.s2STE(vmid: 0, root: 0xDAED_BEEF_DEAD_B000, ats: true).qwords
    #expect(Self.syncCount(s2, Rig.abortSTE().qwords, ste: true) == 2)
  }

  @Test func cdAsidChangeIsOneSyncAndInstallIsTwo() {
    let a = Rig.s1CD(asid: 778, ttb0: 0xDAED_BEEF_DEAD_B000).qwords
    let b = Rig.s1CD(asid: 1997, ttb0: 0xDAED_BEEF_DEAD_B000).qwords
    #expect(Self.criticalQwords(a, b, ste: false) == [0])
    #expect(Self.syncCount(a, b, ste: false) == 1)
    let zero = EntryQwords()
    #expect(Self.criticalQwords(zero, b, ste: false) == [0])
    #expect(Self.syncCount(zero, b, ste: false) == 2)
    #expect(Self.syncCount(b, zero, ste: false) == 2)
  }

  @Test func cdSwitchToAnotherDomainIsBreaking() {
    // S8: ASID and TTB0 both change on a valid CD: qwords 0 and 1 are critical.
    let a = Rig.s1CD(asid: 1, ttb0: 0x4000_0000).qwords
    let b = Rig.s1CD(asid: 2, ttb0: 0x5000_0000).qwords
    #expect(Self.criticalQwords(a, b, ste: false) == [0, 1])
    #expect(Self.syncCount(a, b, ste: false) == 3)
  }
}
