extension Walkthrough {
  static let anatomyOfADMA = Walkthrough(
    name: "anatomy-of-a-dma", title: "One DMA through the SMMU, step by step (explain dma)",
    source: """
      step "Cold caches: every structure fetched"
      say "explain dma performs a DMA like dma and records its walk. In the explorer, Enter on its log line (or e) opens the walk."
      master nvme0 sid 0x8
      domain a paging
      map a 0x1000
      attach a nvme0
      say "attach ended with PREFETCH_CFG, which cached the STE; CFGI_ALL empties the configuration cache first."
      begin "empty the configuration cache"
      cmd CFGI_ALL
      cmd CMD_SYNC
      end
      explain dma nvme0 0x1000
      say "L1STD, STE and CD come from memory, the TLB misses, and the walk reads one descriptor at each of the 4 levels."
      expect dma == 0x80001000
      expect walk.cached == 0
      expect walk.ste == fetched
      expect walk.cd == fetched
      expect walk.tlb == missed
      expect walk.table-reads == 4
      step "Warm: the same page again"
      explain dma nvme0 0x1010
      say "STE and CD now come from the configuration cache, the translation from the TLB: no memory read at all."
      say "Beside each cached step, the walk names what would drop it: CFGI_STE sid 0x8, CFGI_CD sid 0x8 ssid 0, TLBI_NH_VA asid 1 addr 0x1000."
      expect dma == 0x80001010
      expect walk.fetched == 0
      expect walk.ste == cached
      expect walk.cd == cached
      expect walk.tlb == cached
      expect walk.table-reads == 0
      step "A CD change, CFGI_CD, CMD_SYNC"
      say "Clear CD.R (record faults; bit 45 of qword 0), then CFGI_CD + CMD_SYNC. R is not TLB-cacheable: no TLBI is owed."
      say "begin/end make the three raw lines one operation, as a driver's step would be: the sync completes the CFGI_CD before it ends."
      begin "clear CD.R"
      legacy: write cd a 0 0 0x0001c205c0003510
      per-master: write cd nvme0 0 0 0x0001c205c0003510
      cmd CFGI_CD sid 0x8 ssid 0
      cmd CMD_SYNC
      end
      expect last.pending-invalidations == 0
      explain dma nvme0 0x1020
      say "The CD is fetched again; the STE is still cached; no CFGI touches the TLB, and the ASID did not change: the TLB still serves it."
      expect walk.ste == cached
      expect walk.cd == fetched
      expect walk.tlb == cached
      expect dma == 0x80001020
      expect hazards == 0
      step "A fault: an unmapped IOVA"
      explain dma nvme0 0x40000000
      say "The TLB misses, level 0 leads to a level-1 table whose entry for IOVA bits 38:30 is invalid: F_TRANSLATION at S1 level 1."
      say "With R=0 (and S=0) the fault aborts without an event record."
      expect dma == abort
      expect walk.fault == F_TRANSLATION
      expect walk.fault-step == S1-level-1
      expect events == 0
      step "A configuration error: an invalid CD"
      say "Clear CD 0's qword 0 (V=0), CFGI_CD + CMD_SYNC: the CD is fetched again and the walk stops there with C_BAD_CD, always recorded."
      begin "invalidate CD 0"
      legacy: write cd a 0 0 0
      per-master: write cd nvme0 0 0 0
      cmd CFGI_CD sid 0x8 ssid 0
      cmd CMD_SYNC
      end
      explain dma nvme0 0x1000
      expect walk.fault == C_BAD_CD
      expect walk.fault-step == CD-sid-0x8-ssid-0
      expect event C_BAD_CD
      expect hazards == 0
      """)
}
