import SMMUModel
import Testing

@testable import SMMUDriver

/// The host side of iommufd nesting (upstream-2026.md §1): nest parents, vSMMUs, vDEVICEs,
/// vSTE validation and the nested attach.
struct NestingTests {
  typealias S = StreamTableEntry

  /// A stage-1 vSTE: V, Config 5, a linear CD table at IPA `ptr`, S1CIR/S1COR WBRA, S1CSH IS,
  /// and EATS 0b01 when `ats`.
  static func vste(ptr: UInt64 = 0x10_0000, ats: Bool = false) -> (UInt64, UInt64) {
    let q0 = S.v.mask | S.config.set(0, S.Config.s1Translate.rawValue) | (ptr & S.s1ContextPtr.mask)
    var q1 = S.s1cir.set(0, S.cacheWBRA) | S.s1cor.set(0, S.cacheWBRA) | S.s1csh.set(0, S.shareInner)
    if ats { q1 |= S.eats.set(0, S.eatsTrans) }
    return (q0, q1)
  }

  /// A per-master driver with masters `a` (SID 0x10) and `b` (0x20), both ATS-capable, a nest
  /// parent `p`, a vSMMU `v` on it, and `a` bound to vSID 3.
  static func rig(ats: Bool = true) -> Driver {
    var d = Driver.make(.perMaster)
    d.probe("a", sid: SID.a, ssidBits: 4, ats: ats)
    d.probe("b", sid: SID.b, ats: ats)
    d.ok { $0.addNestParent(name: "p") }
    d.ok { $0.addVIOMMU(name: "v", parent: "p") }
    d.ok { $0.addVDevice(viommu: "v", master: "a", vsid: 3) }
    return d
  }

  /// §1.3: the allowed masks are the reference's numbers.
  @Test func vsteMasksAreTheReferences() {
    #expect(NestedSTE.allowed.0 == 0xF80F_FFFF_FFFF_FFFF)
    #expect(NestedSTE.allowed.1 == 0x0000_0000_3800_00FF)
  }

  /// §1.3 (N1, N2): a bit outside the masks, Config 1-3, 6, 7, or EATS 0b1x is -EIO.
  @Test(
    arguments: [
      (S.v.mask | S.config.set(0, 5) | (1 << 52), 0),
      (S.v.mask | S.config.set(0, 5), 1 << 8),
      (S.v.mask | S.config.set(0, 1), 0), (S.v.mask | S.config.set(0, 2), 0),
      (S.v.mask | S.config.set(0, 3), 0), (S.v.mask | S.config.set(0, 6), 0),
      (S.v.mask | S.config.set(0, 7), 0),
      (S.v.mask | S.config.set(0, 5), S.eats.set(0, 2)), (S.v.mask | S.config.set(0, 5), S.eats.set(0, 3)),
    ] as [(UInt64, UInt64)])
  func invalidVSTEIsEIO(q0: UInt64, q1: UInt64) {
    var d = Self.rig()
    let t = d.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1)
    #expect(t.error?.code == .eio)
    #expect(d.domains["g"] == nil)
  }

  /// §1.3: V=0 is accepted whatever else is set, stored as zeros (an abort vSTE); EATS is
  /// stripped, and enables ATS only with Config 5.
  @Test func validVSTEsAreStoredAsUpstreamStoresThem() throws {
    let off = try NestedSTE(viommu: "v", q0: 0xFFFF_FFFF_FFFF_FFFE, q1: ~0)
    #expect(off.q0 == 0 && off.q1 == 0 && off.config == .abort && !off.enableATS)
    let (q0, q1) = Self.vste(ats: true)
    let s1 = try NestedSTE(viommu: "v", q0: q0, q1: q1)
    #expect(s1.enableATS && s1.q1 == q1 & ~S.eats.mask && s1.q0 == q0 && s1.config == .s1Translate)
    let bypass = try NestedSTE(viommu: "v", q0: S.v.mask | S.config.set(0, 4), q1: S.eats.set(0, 1))
    #expect(!bypass.enableATS && bypass.config == .bypass)
  }

  /// §1.2.1-2, §1.9 (N10): a vSMMU needs a nest parent (-EINVAL for a plain S2 domain) and
  /// takes its VMID; two vSMMUs on one parent share it.
  @Test func viommuNeedsANestParentAndSharesItsVMID() {
    var d = Self.rig()
    d.newDomain("plain", .s2)
    #expect(d.addVIOMMU(name: "w", parent: "plain").error?.code == .einval)
    d.ok { $0.addVIOMMU(name: "w", parent: "p") }
    let vmid = d.domains["p"]?.vmid
    #expect(vmid != nil && vmid != 0)
    #expect(d.viommus["v"]?.vmid == vmid && d.viommus["w"]?.vmid == vmid)
    #expect(d.free(domain: "p").error?.code == .ebusy)
  }

  /// §1.2.1: IOMMU_HWPT_ALLOC_NEST_PARENT needs FEAT_NESTING (S1P and S2P).
  @Test func nestParentNeedsBothStages() {
    var f = SMMUFeatures()
    f.stage1 = false
    var d = Driver(options: DriverOptions(design: .perMaster), features: f)
    #expect(d.addNestParent(name: "p").error?.code == .eopnotsupp)
  }

  /// §1.2.3: one vSID per master, one master per vSID; a multi-stream master is refused.
  @Test func vdeviceRules() {
    var d = Self.rig()
    #expect(d.addVDevice(viommu: "v", master: "b", vsid: 3).error?.code == .eexist)
    #expect(d.addVDevice(viommu: "v", master: "a", vsid: 4).error?.code == .eexist)
    d.probe("multi", sid: 0x30, extraSIDs: [0x31])
    #expect(d.addVDevice(viommu: "v", master: "multi", vsid: 5).error?.code == .eopnotsupp)
  }

  /// §1.4 (N3): Config 7 with MEV, the guest's q0/q1 fields, the parent's q2/q3 (VMID, VTCR,
  /// S2TTB), EATS from the host's ATS decision (§1.5: the vSTE's EATS=0b01 on an ATS master).
  @Test(arguments: [true, false])
  func stage1VSTEBuildsTheNestedSTE(guestATS: Bool) {
    var d = Self.rig()
    d.ok { $0.attach(domain: "p", master: "b") }
    let parentSTE = d.ste(SID.b)
    let (q0, q1) = Self.vste(ats: guestATS)
    d.ok { $0.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1) }
    d.ok { $0.attach(domain: "g", master: "a") }
    let ste = d.ste(SID.a)
    #expect(ste.configValue == .nested && ste[S.mev] == 1)
    #expect(ste.qwords[0] & ~S.config.mask == q0 & ~S.config.mask)
    let guestQ1 = q1 & ~S.eats.mask
    #expect(ste.qwords[1] & guestQ1 == guestQ1)
    #expect(ste[S.eats] == (guestATS ? S.eatsTrans : 0))
    #expect(ste.qwords[2] == parentSTE.qwords[2] && ste.qwords[3] == parentSTE.qwords[3])
    #expect(ste[S.s2vmid] == UInt64(d.viommus["v"]!.vmid))
    #expect(d.masters["a"]?.atsEnabled == guestATS)
    #expect(d.masters["a"]?.vmaster == VMaster(viommu: "v", vsid: 3))
    #expect(d.domains["p"]?.devices.contains(MasterDomain(master: "a", ssid: 0)) == true)
  }

  /// §1.4 (N4), §1.5: a bypass vSTE gives exactly the parent's S2 STE (no MEV), ATS following
  /// the host; it needs no vDEVICE and sets no vmaster. An abort vSTE (V=0) gives an abort STE.
  @Test func bypassAndAbortVSTEs() {
    var d = Self.rig()
    d.probe("c", sid: SID.c, ats: true)
    d.ok { $0.attach(domain: "p", master: "c") }
    d.ok { $0.addNestedDomain(name: "by", viommu: "v", q0: S.v.mask | S.config.set(0, 4), q1: 0) }
    d.ok { $0.attach(domain: "by", master: "b") }
    #expect(d.ste(SID.b).qwords == d.ste(SID.c).qwords)
    #expect(d.masters["b"]?.atsEnabled == true && d.masters["b"]?.vmaster == nil)
    d.ok { $0.addNestedDomain(name: "ab", viommu: "v", q0: 0, q1: 0) }
    d.ok { $0.attach(domain: "ab", master: "b") }
    #expect(d.ste(SID.b).qwords == EntryBuilder.abortSTE().qwords)
  }

  /// §1.2.5 (N8): -EBUSY while the host CD table has a PASID in use; -ENOENT (the vSID lookup)
  /// for a stage-1 vSTE on a master without a vDEVICE.
  @Test func attachErrors() {
    var d = Self.rig()
    let (q0, q1) = Self.vste()
    d.ok { $0.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1) }
    #expect(d.attach(domain: "g", master: "b").error?.code == .enoent)
    d.newDomain("s1", .paging)
    d.ok { $0.attach(domain: "s1", master: "a", pasid: 1) }
    #expect(d.attach(domain: "g", master: "a").error?.code == .ebusy)
    d.ok { $0.detach(master: "a", pasid: 1) }
    d.ok { $0.attach(domain: "g", master: "a") }
  }

  /// §1.1: any attach but a nested one clears the vmaster; the master leaves the parent's list
  /// once (its nested attachment sat there).
  @Test func leavingTheNestedDomainClearsTheVMaster() {
    var d = Self.rig()
    let (q0, q1) = Self.vste()
    d.ok { $0.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1) }
    d.ok { $0.attach(domain: "p", master: "a") }
    d.ok { $0.attach(domain: "g", master: "a") }
    #expect(d.domains["p"]?.devices.count == 1)
    d.ok { $0.attach(domain: "p", master: "a") }
    #expect(d.masters["a"]?.vmaster == nil && d.domains["p"]?.devices.count == 1)
    d.ok { $0.detach(master: "a") }
    #expect(d.domains["p"]?.devices.isEmpty == true)
  }

  /// Removing a nested master leaves the parent's list and destroys its vDEVICE.
  @Test func removingANestedMaster() {
    var d = Self.rig()
    let (q0, q1) = Self.vste()
    d.ok { $0.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1) }
    d.ok { $0.attach(domain: "g", master: "a") }
    d.ok { $0.removeMaster("a") }
    #expect(d.domains["p"]?.devices.isEmpty == true)
    #expect(d.viommus["v"]?.vdevices.isEmpty == true)
  }

  /// Nesting is a per-master (6.13+) feature: the legacy driver refuses every step.
  @Test func legacyRefusesNesting() {
    var d = Driver.make(.legacy)
    #expect(d.addNestParent(name: "p").error?.code == .eopnotsupp)
    #expect(d.addVIOMMU(name: "v", parent: "p").error?.code == .eopnotsupp)
    #expect(d.addNestedDomain(name: "g", viommu: "v", q0: 0, q1: 0).error?.code == .eopnotsupp)
  }

  /// §1.5, I6: an unmap on a nest parent adds TLBI_NH_ALL of its VMID after the S2 TLBIs, and
  /// a nested ATS master's ATC is flushed whole.
  @Test func nestParentUnmapFlushesGuestEntries() {
    var d = Self.rig()
    let (q0, q1) = Self.vste(ats: true)
    d.ok { $0.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1) }
    d.ok { $0.map(domain: "p", iova: 0x10_0000, pa: 0x2_0000_0000) }
    d.ok { $0.attach(domain: "g", master: "a") }
    let t = d.ok { $0.unmap(domain: "p", iova: 0x10_0000) }
    let vmid = d.viommus["v"]!.vmid
    #expect(t.commands.contains(.tlbiNHAll(vmid: vmid)))
    #expect(t.commands.contains(.atcInv(sid: SID.a, ssid: nil, address: 0, size: 52)))
  }
}
