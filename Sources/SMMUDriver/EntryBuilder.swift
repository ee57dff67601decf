import SMMUModel

/// Stage-1 translation-control values that go into a CD (the TCR fields).
package struct CDTranslationControl: Sendable, Hashable {
  package var t0sz: UInt64
  package var tg0: UInt64
  package var irgn0: UInt64
  package var orgn0: UInt64
  package var sh0: UInt64
  package var ips: UInt64

  package init(t0sz: UInt64, tg0: UInt64, irgn0: UInt64, orgn0: UInt64, sh0: UInt64, ips: UInt64) {
    self.t0sz = t0sz
    self.tg0 = tg0
    self.irgn0 = irgn0
    self.orgn0 = orgn0
    self.sh0 = sh0
    self.ips = ips
  }

  /// What io-pgtable produces for the model's tables: 48-bit VA (T0SZ 16), 4K granule,
  /// write-back write-allocate, inner shareable, 48-bit output (IPS 5).
  package static let model = linux(outputBits: 48)

  /// What Linux's stage-1 finalise asks io-pgtable for on an SMMU with `outputBits` of OAS:
  /// a 48-bit input (the CPU's VA_BITS), 4K granule, and IPS encoding the SMMU's IAS, which
  /// the driver's probe raises to at least the OAS (so IPS 4 on QEMU's 44-bit SMMU).
  package static func linux(outputBits: Int) -> CDTranslationControl {
    CDTranslationControl(
      t0sz: 16, tg0: 0, irgn0: 1, orgn0: 1, sh0: 3, ips: AddressSize.encoding(ofBits: outputBits) ?? 5)
  }
}

/// Stage-2 VTCR values for an S2 STE.
package struct STEStage2Control: Sendable, Hashable {
  package var tsz: UInt64
  package var sl: UInt64
  package var irgn: UInt64
  package var orgn: UInt64
  package var sh: UInt64
  package var tg: UInt64
  package var ps: UInt64

  package init(tsz: UInt64, sl: UInt64, irgn: UInt64, orgn: UInt64, sh: UInt64, tg: UInt64, ps: UInt64) {
    self.tsz = tsz
    self.sl = sl
    self.irgn = irgn
    self.orgn = orgn
    self.sh = sh
    self.tg = tg
    self.ps = ps
  }

  /// The model's S2 tables: 48-bit IPA, start level 0 (SL0 2 for 4K), WBWA, IS, 4K, PS 5.
  package static let model = linux(outputBits: 48)

  /// What Linux's stage-2 finalise gives on an SMMU with `outputBits` of OAS: the IPA size is
  /// the SMMU's IAS (at least the OAS), the output size the OAS. The 4K-granule tables start
  /// at level 0 above 39 IPA bits (SL0 2) and at level 1 above 30 (SL0 1).
  package static func linux(outputBits: Int) -> STEStage2Control {
    let ias = UInt64(max(outputBits, 32))
    return STEStage2Control(
      tsz: 64 - ias, sl: ias > 39 ? 2 : 1, irgn: 1, orgn: 1, sh: 3, tg: 0,
      ps: AddressSize.encoding(ofBits: outputBits) ?? 5)
  }
}

/// The make-functions of the per-master driver (`arm_smmu_make_*_ste`, `arm_smmu_make_*_cd`):
/// they compute a whole target entry from the domain and master, never touching memory.
package enum EntryBuilder {
  /// io-pgtable's MAIR for stage-1 tables: NC, WBRWA, device, inner-NC/outer-WBRWA. The
  /// kernel builds it from int constants, so the top attribute (0xf4 << 24) sign-extends
  /// into the upper word: Linux writes 0xfffffffff404ff44 into CD qword 3 (the bundled
  /// 6.1 dump shows it), and so does the model.
  package static let ioPgtableMAIR: UInt64 = 0xFFFF_FFFF_F404_FF44
  /// A typical MAIR_EL1 of an arm64 Linux CPU (used by SVA CDs).
  package static let cpuMAIR: UInt64 = 0x0000_0004_0044_F0FF
  /// The CPU's PARange encoding used by SVA CDs (48 bits).
  package static let cpuPARange: UInt64 = 5
  /// VA bits of the CPU (SVA CD T0SZ = 64 - 48).
  package static let cpuVABits: UInt64 = 48

  /// An abort STE: V=1, Config abort.
  package static func abortSTE() -> StreamTableEntry {
    var e = StreamTableEntry()
    e[StreamTableEntry.v] = 1
    e[StreamTableEntry.config] = StreamTableEntry.Config.abort.rawValue
    return e
  }

  /// A bypass STE; SHCFG = incoming when the SMMU has ATTR_TYPES_OVR.
  package static func bypassSTE(attributeTypesOverride: Bool) -> StreamTableEntry {
    var e = StreamTableEntry()
    e[StreamTableEntry.v] = 1
    e[StreamTableEntry.config] = StreamTableEntry.Config.bypass.rawValue
    if attributeTypesOverride { e[StreamTableEntry.shcfg] = StreamTableEntry.shcfgIncoming }
    return e
  }

  /// A CD-table STE (`arm_smmu_make_cdtable_ste`).
  package static func cdTableSTE(
    cdTable: UInt64, s1cdmax: UInt64, s1fmt: UInt64, ats: Bool, s1dss: StreamTableEntry.S1DSS,
    smmuStalls: Bool, masterStall: Bool, attributeTypesOverride: Bool
  ) -> StreamTableEntry {
    typealias S = StreamTableEntry
    var e = StreamTableEntry()
    e[S.v] = 1
    e[S.config] = S.Config.s1Translate.rawValue
    e[S.s1fmt] = s1fmt
    e.qwords[0] |= cdTable & S.s1ContextPtr.mask
    e[S.s1cdmax] = s1cdmax
    e[S.s1dss] = s1dss.rawValue
    e[S.s1cir] = S.cacheWBRA
    e[S.s1cor] = S.cacheWBRA
    e[S.s1csh] = S.shareInner
    if smmuStalls && !masterStall { e[S.s1stalld] = 1 }
    e[S.eats] = ats ? S.eatsTrans : 0
    if attributeTypesOverride && s1dss == .bypass { e[S.shcfg] = S.shcfgIncoming }
    e[S.strw] = S.strwNSEL1
    e[S.s2vmid] = 0
    return e
  }

  /// A stage-2 STE (`arm_smmu_make_s2_domain_ste`).
  package static func s2STE(
    vttbr: UInt64, vtcr: STEStage2Control, vmid: UInt16, ats: Bool, masterStall: Bool,
    attributeTypesOverride: Bool
  ) -> StreamTableEntry {
    typealias S = StreamTableEntry
    var e = StreamTableEntry()
    e[S.v] = 1
    e[S.config] = S.Config.s2Translate.rawValue
    e[S.eats] = ats ? S.eatsTrans : 0
    if attributeTypesOverride { e[S.shcfg] = S.shcfgIncoming }
    e[S.s2vmid] = UInt64(vmid)
    e[S.vtcrT0SZ] = vtcr.tsz
    e[S.vtcrSL0] = vtcr.sl
    e[S.vtcrIR0] = vtcr.irgn
    e[S.vtcrOR0] = vtcr.orgn
    e[S.vtcrSH0] = vtcr.sh
    e[S.vtcrTG] = vtcr.tg
    e[S.vtcrPS] = vtcr.ps
    e[S.s2aa64] = 1
    e[S.s2ptw] = 1
    if masterStall { e[S.s2s] = 1 }
    e[S.s2r] = 1
    e.qwords[3] = vttbr & S.s2ttb.mask
    return e
  }

  /// A nested STE: the S2 STE's words 2-7 under a CD-table STE's words 0-1, Config NESTED
  /// and MEV set.
  package static func nestedSTE(cdTableSTE: StreamTableEntry, s2STE: StreamTableEntry) -> StreamTableEntry {
    typealias S = StreamTableEntry
    var e = cdTableSTE
    e[S.config] = S.Config.nested.rawValue
    e[S.mev] = 1
    for i in 2..<8 { e.qwords[i] = s2STE.qwords[i] }
    return e
  }

  /// What every valid CD the driver builds has: V, EPD1, AA64, R, A, ASET (no broadcast
  /// TLBI matching), the ASID and IPS, S when the master stalls, and MAIR in word 3.
  static func validCD(asid: UInt16, ips: UInt64, mair: UInt64, masterStall: Bool) -> ContextDescriptor {
    typealias C = ContextDescriptor
    var cd = ContextDescriptor()
    cd[C.epd1] = 1
    cd[C.v] = 1
    cd[C.ips] = ips
    cd[C.aa64] = 1
    if masterStall { cd[C.s] = 1 }
    cd[C.r] = 1
    cd[C.a] = 1
    cd[C.aset] = 1
    cd[C.asid] = UInt64(asid)
    cd.qwords[3] = mair
    return cd
  }

  /// A stage-1 CD for a paging domain (`arm_smmu_make_s1_cd`).
  package static func s1CD(
    asid: UInt16, ttbr: UInt64, tcr: CDTranslationControl, mair: UInt64, masterStall: Bool
  ) -> ContextDescriptor {
    typealias C = ContextDescriptor
    var cd = validCD(asid: asid, ips: tcr.ips, mair: mair, masterStall: masterStall)
    cd[C.t0sz] = tcr.t0sz
    cd[C.tg0] = tcr.tg0
    cd[C.irgn0] = tcr.irgn0
    cd[C.orgn0] = tcr.orgn0
    cd[C.sh0] = tcr.sh0
    cd.qwords[1] = ttbr & C.ttb0.mask
    return cd
  }

  /// An SVA CD (`arm_smmu_make_sva_cd`); `pgd` nil builds the "released" CD: EPD0 set, no
  /// TTB0, S and R cleared (the SMMU does not force stalls).
  package static func svaCD(asid: UInt16, pgd: UInt64?, masterStall: Bool, stallForced: Bool = false)
    -> ContextDescriptor
  {
    typealias C = ContextDescriptor
    var cd = validCD(asid: asid, ips: cpuPARange, mair: cpuMAIR, masterStall: masterStall)
    if let pgd {
      cd[C.t0sz] = 64 - cpuVABits
      cd[C.tg0] = 0
      cd[C.irgn0] = 1
      cd[C.orgn0] = 1
      cd[C.sh0] = 3
      cd.qwords[1] = pgd & C.ttb0.mask
    } else {
      cd[C.epd0] = 1
      if !stallForced {
        cd[C.s] = 0
        cd[C.r] = 0
      }
    }
    return cd
  }
}
