extension Walkthrough {
  static let sharedDomain = Walkthrough(
    name: "shared-domain", title: "Two devices share one paging domain",
    source: """
      step "Two devices, one paging domain"
      say "nvme0 (SID 0x8) and nic0 (SID 0x10) have no PASID support. Both will use DMA domain dma0."
      master nvme0 sid 0x8
      master nic0 sid 0x10
      domain dma0 paging
      map dma0 0x10000 size 0x2000
      step "Attach the first device"
      say "Legacy: finalising dma0 allocates its CD table and writes CD 0 with two bare syncs (no device on its list yet), then the STE takes two syncs."
      say "Per-master: nvme0 gets its own table; CD 0 costs two CFGI_CD syncs, the abort->cdtable STE two CFGI_STE syncs."
      attach dma0 nvme0
      expect cd-tables == 1
      expect last.syncs == 4
      expect ste.0x8.config == s1
      expect domain.dma0.asid == 1
      step "Attach the second device"
      say "Legacy: nic0's STE points at dma0's table: no CD write, no new memory. Per-master: nic0 gets a second table with a copy of CD 0, same ASID."
      attach dma0 nic0
      legacy: expect cd-tables == 1
      legacy: expect last.cd-writes == 0
      legacy: expect last.syncs == 2
      legacy: expect ste.0x10.table == dma0
      per-master: expect cd-tables == 2
      per-master: expect last.cd-writes == 3
      per-master: expect last.syncs == 4
      per-master: expect ste.0x10.table == nic0
      per-master: expect cd.nic0.0.asid == 1
      legacy: paged: expect cd-table-bytes == 4096
      legacy: compact: expect cd-table-bytes == 64
      per-master: paged: expect cd-table-bytes == 8192
      per-master: compact: expect cd-table-bytes == 128
      step "One ASID, one set of TLB entries"
      say "TLB entries are tagged by ASID, never by StreamID: nic0 hits the entry nvme0's walk filled."
      dma nvme0 0x10000
      expect dma.served == walk
      dma nic0 0x10000
      expect dma.served == TLB
      expect dma == 0x80010000
      step "Unmap: one TLBI_NH_VA for the domain"
      unmap dma0 0x10000
      expect last.commands.TLBI_NH_VA == 1
      dma nic0 0x10000
      expect event F_TRANSLATION
      expect hazards == 0
      """)

  static let svaLeak = Walkthrough(
    name: "sva-leak", title: "SVA bind on a shared domain: who can reach the PASID?",
    source: """
      step "A shared domain and a process"
      say "gpu and acc both support 20 PASID bits (legacy requires equal ssid_bits on a shared domain)."
      smmu ssid-bits 20
      master gpu sid 0x20 ssid-bits 20
      master acc sid 0x28 ssid-bits 20
      domain shared paging
      domain proc sva mm app
      map proc 0x400000
      attach shared gpu
      attach shared acc
      legacy: expect cd-tables == 1
      per-master: expect cd-tables == 2
      step "Bind the process to gpu at PASID 5"
      say "Legacy writes the mm's CD into the DOMAIN's table at SSID 5: every CFGI_CD goes to both devices. Per-master writes it into gpu's own table only."
      attach proc gpu pasid 5
      legacy: expect cd.shared.5.valid == 1
      legacy: expect last.commands.CFGI_CD == 4
      per-master: expect cd.gpu.5.valid == 1
      per-master: expect cd.acc.5.valid == 0
      per-master: expect last.commands.CFGI_CD == 2
      step "acc issues PASID 5"
      say "Legacy: acc's STE points at the same table, so acc reaches the process. Per-master: acc's CD 5 is invalid."
      dma acc pasid 5 0x400000
      legacy: expect dma == 0x80400000
      per-master: expect event C_BAD_CD
      dma gpu pasid 5 0x400000
      expect dma == 0x80400000
      step "Unbind"
      detach gpu pasid 5
      legacy: expect cd.shared.5.valid == 0
      per-master: expect cd.gpu.5.valid == 0
      expect hazards == 0
      """)

  static let pasidPaging = Walkthrough(
    name: "pasid-paging", title: "A paging domain at a PASID",
    source: """
      step "A device with PASIDs and two paging domains"
      master gpu sid 0x20 ssid-bits 8
      domain rid paging
      domain ctx paging
      map ctx 0x1000
      attach rid gpu
      step "set_dev_pasid(ctx, gpu, 7)"
      say "Legacy: set_dev_pasid exists only for SVA domains, so the core refuses. Per-master: ctx's CD goes into gpu's table at SSID 7; the STE is already a CD-table STE."
      attach ctx gpu pasid 7
      legacy: expect error -EOPNOTSUPP
      per-master: expect cd.gpu.7.asid == 2
      per-master: expect last.syncs == 2
      per-master: expect master.gpu.used-ssids == 1
      dma gpu pasid 7 0x1000
      legacy: expect event C_BAD_CD
      per-master: expect dma == 0x80001000
      step "remove_dev_pasid"
      per-master: detach gpu pasid 7
      per-master: expect cd.gpu.7.valid == 0
      per-master: expect master.gpu.used-ssids == 0
      expect hazards == 0
      """)

  static let s1dss = Walkthrough(
    name: "s1dss", title: "PASIDs under an identity or blocked RID: S1DSS",
    source: """
      step "Identity at the RID"
      master gpu sid 0x20 ssid-bits 8
      domain id identity
      domain ctx paging
      map ctx 0x1000
      attach id gpu
      expect ste.0x20.config == bypass
      step "A PASID under the identity RID"
      say "Per-master: the STE becomes a CD-table STE with S1DSS=BYPASS (untagged traffic still bypasses): CD 3 costs 2 syncs, the STE 2."
      attach ctx gpu pasid 3
      legacy: expect error -EOPNOTSUPP
      per-master: expect ste.0x20.config == s1
      per-master: expect ste.0x20.s1dss == bypass
      per-master: expect last.syncs == 4
      dma gpu 0x5000
      expect dma == 0x5000
      dma gpu pasid 3 0x1000
      per-master: expect dma == 0x80001000
      legacy: expect event C_BAD_SUBSTREAMID
      step "Last PASID gone: back to a plain bypass STE"
      per-master: detach gpu pasid 3
      expect ste.0x20.config == bypass
      step "Blocked RID with a PASID: S1DSS=TERMINATE"
      detach gpu
      expect ste.0x20.config == abort
      attach ctx gpu pasid 3
      per-master: expect ste.0x20.s1dss == terminate
      dma gpu 0x5000
      per-master: expect event F_STREAM_DISABLED
      dma gpu pasid 3 0x1000
      per-master: expect dma == 0x80001000
      expect hazards == 0
      """)

  static let asidChange = Walkthrough(
    name: "asid-change", title: "An ASID change: find every CD of the domain",
    source: """
      step "One domain, several CDs"
      master a sid 0x1 ssid-bits 8
      master b sid 0x2 ssid-bits 8
      master c sid 0x3 ssid-bits 8
      domain d paging
      domain other paging
      map d 0x1000
      attach d a
      attach d b
      attach other c
      per-master: attach d c pasid 4
      dma a 0x1000
      expect tlb.entries == 1
      step "Move d to ASID 9"
      say "Legacy: one word-0 store in d's single table, one sync fanned out to a and b. Per-master: d's CD in a's table, b's table and c's table at PASID 4, each a 1-sync hitless write."
      asid d 9
      legacy: expect last.cd-writes == 1
      legacy: expect last.commands.CFGI_CD == 2
      legacy: expect last.syncs == 2
      per-master: expect last.cd-writes == 3
      per-master: expect last.syncs == 4
      expect last.commands.TLBI_NH_ASID == 1
      legacy: expect cd.d.0.asid == 9
      per-master: expect cd.a.0.asid == 9
      per-master: expect cd.c.4.asid == 9
      dma a 0x1000
      expect dma.served == walk
      expect hazards == 0
      """)
}
