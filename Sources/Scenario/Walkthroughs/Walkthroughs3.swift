extension Walkthrough {
  static let group = Walkthrough(
    name: "group", title: "An iommu group: a PASID-capable device and a bridge",
    source: """
      step "One group, two different masters"
      say "gpu supports 20 PASID bits; the bridge (an alias in the same group) none. Attaching the group attaches both."
      smmu ssid-bits 20
      master gpu sid 0x30 ssid-bits 20 group g0
      master bridge sid 0x38 group g0
      domain def paging
      attach def gpu
      say "Legacy: gpu attached first fixes s1cdmax=20; the bridge's ssid_bits 0 differ: -EINVAL, and the core rolls gpu back."
      legacy: expect error -EINVAL
      legacy: expect master.gpu.domain == blocked
      say "Per-master: each master has its own table: gpu a 2-level table (8 KiB L1 + one 64 KiB leaf), the bridge one CD."
      per-master: expect master.bridge.domain == def
      per-master: expect cd-tables == 2
      per-master: expect master.gpu.cd-table == 64K_L2
      per-master: expect master.gpu.cd-table-bytes == 73728
      per-master: expect master.bridge.cd-table == linear
      expect hazards == 0
      """)

  static let vfioS2 = Walkthrough(
    name: "vfio-s2", title: "A VFIO-style stage-2 domain",
    source: """
      step "Stage 2 at the RID: no CD table"
      master vf sid 0x40 ssid-bits 8
      domain guest s2
      domain host paging
      domain ctx paging
      map guest 0x1000
      map ctx 0x2000
      attach guest vf
      expect ste.0x40.config == s2
      expect ste.0x40.vmid == 1
      expect cd-tables == 0
      dma vf 0x1000
      expect dma == 0x80001000
      step "A PASID under an S2 RID"
      say "Per-master: -EINVAL (the STE has no CD table). Legacy: no set_dev_pasid for paging domains."
      attach ctx vf pasid 2
      per-master: expect error -EINVAL
      legacy: expect error -EOPNOTSUPP
      step "S2 while PASIDs are in use"
      attach host vf
      per-master: attach ctx vf pasid 2
      attach guest vf
      per-master: expect error -EBUSY
      legacy: expect ste.0x40.config == s2
      per-master: detach vf pasid 2
      per-master: attach guest vf
      expect ste.0x40.config == s2
      per-master: expect master.vf.cd-table == linear
      step "Unmap: TLBI by IPA"
      unmap guest 0x1000
      expect last.commands.TLBI_S2_IPA == 1
      expect hazards == 0
      """)

  static let missingInvalidation = Walkthrough(
    name: "missing-invalidation", title: "A missing invalidation leaves a stale CD",
    source: """
      step "A device translating through CD 0"
      master nvme0 sid 0x8
      domain a paging
      map a 0x1000
      attach a nvme0
      dma nvme0 0x1000
      expect dma == 0x80001000
      expect cfg-cache.entries >= 2
      step "A buggy sequence: clear CD 0's qword 0, no CFGI_CD"
      say "The configuration cache still holds the old CD, so DMA keeps translating: the hazard detector flags it."
      legacy: write cd a 0 0 0
      per-master: write cd nvme0 0 0 0
      dma nvme0 0x1000
      expect hazard missing-invalidation
      expect hazards == 1
      step "The fix: CFGI_CD + CMD_SYNC"
      cmd CFGI_CD sid 0x8 ssid 0
      cmd CMD_SYNC
      dma nvme0 0x1000
      expect event C_BAD_CD
      expect hazards == 1
      """)

  static let hitlessUpdate = Walkthrough(
    name: "hitless-update", title: "A hitless vs a breaking STE update, observed mid-way",
    source: """
      step "Hitless: only S1DSS changes (one qword)"
      say "The entry writer changes unused bits first, then one 64-bit store flips the configuration: the SMMU sees only the old or the new STE."
      transition ste cdtable:ats cdtable:ats,s1dss=bypass
      expect transition.syncs == 1
      expect transition.hitless == yes
      step "Breaking: a new CD table pointer AND S1DSS (two qwords)"
      say "Two qwords change in used bits: V=0 first (DMA aborts with C_BAD_STE meanwhile), then the rest, then qword 0."
      transition ste cdtable cdtable:cdtab=4B4B4B4B4B,s1dss=bypass
      expect transition.syncs == 3
      expect transition.hitless == no
      step "Live: switching a device between two paging domains"
      say "Per-master: the STE stays, CD 0 changes ASID and TTB0 (two qwords): a breaking 3-sync CD update. Legacy: abort STE (1 sync), b's CD 0 at finalise (2 bare syncs), new STE (2 syncs)."
      master nvme0 sid 0x8
      domain a paging
      domain b paging
      map a 0x1000
      map b 0x1000
      attach a nvme0
      attach b nvme0
      per-master: expect last.syncs == 3
      per-master: expect last.ste-writes == 0
      legacy: expect last.syncs == 5
      dma nvme0 0x1000
      expect dma == 0x80001000
      expect hazards == 0
      """)
}
