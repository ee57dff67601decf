extension Walkthrough {
  static let asidReuse = Walkthrough(
    name: "asid-reuse", title: "A freed ASID handed out again: its TLBI comes first",
    source: """
      step "Domain a fills the TLB under ASID 1"
      master nvme0 sid 0x8
      master nic0 sid 0x10
      domain a paging
      map a 0x1000
      attach a nvme0
      dma nvme0 0x1000
      expect domain.a.asid == 1
      expect tlb.entries == 1
      step "Move a to ASID 9: ASID 1 is free again"
      say "The driver frees ASID 1 and sends TLBI_NH_ASID 1 + CMD_SYNC before the operation ends: no entry tagged 1 survives it."
      asid a 9
      expect last.commands.TLBI_NH_ASID == 1
      step "A new domain gets ASID 1"
      say "Per-master allocates b's ASID when b is allocated, legacy at b's first attach: the lowest free one, 1. The TLB holds nothing tagged 1, so nic0 walks b's table."
      say "Try: smmuscope check --walkthrough asid-reuse --mutate early-asid-reuse (or skip-tlbi-asid): a's entry serves nic0 through b's ASID."
      domain b paging
      map b 0x1000 pa 0x90001000
      attach b nic0
      expect domain.b.asid == 1
      dma nic0 0x1000
      expect dma == 0x90001000
      expect dma.served == walk
      expect hazards == 0
      """)

  static let freeingTables = Walkthrough(
    name: "freeing-tables", title: "Freeing tables: only once nothing points at them",
    source: """
      step "Two pages under one level-3 table"
      master nvme0 sid 0x8
      domain a paging
      map a 0x200000 size 0x2000
      attach a nvme0
      dma nvme0 0x200000
      expect dma == 0x80200000
      step "Unmap them: the level-3 table stays, empty"
      unmap a 0x200000 size 0x2000
      expect last.commands.TLBI_NH_VA == 2
      step "A 2 MiB block where the empty table is"
      say "io-pgtable clears the level-2 descriptor, frees the level-3 table and flushes the walk (TLBI leaf=0 per 4 KiB + sync), then stores the block."
      map a 0x200000 size 0x200000
      expect last.commands.TLBI_NH_VA == 512
      dma nvme0 0x201000
      expect dma == 0x80201000
      step "The device goes away"
      say "Its STE becomes abort (CFGI_STE + sync) before its CD table is freed (per-master: the master owns it; legacy: the domain keeps its table)."
      say "Try: smmuscope check --walkthrough freeing-tables --mutate early-free: the SMMU can walk into freed memory."
      remove nvme0
      expect ste.0x8.config == abort
      step "Free the domain"
      say "Its pages are unmapped (TLBI), then its page table and (legacy) its CD table are freed: no STE points at them any more."
      free a
      expect hazards == 0
      """)

  static let atsInvalidationOrder = Walkthrough(
    name: "ats-invalidation-order", title: "ATS: TLBI before ATC_INV, and ATC_INV before ATS goes off",
    source: """
      step "An ATS device caches a translation in its ATC"
      master nic0 sid 0x10 ats
      domain a paging
      map a 0x1000
      attach a nic0
      expect ste.0x10.eats == 1
      dma nic0 0x1000
      expect atc.entries == 1
      step "Unmap: TLBI_NH_VA + sync, then ATC_INV + sync"
      say "Order matters: an ATC_INV completed before the TLBI lets the device refetch the old translation from the SMMU's TLB into its ATC."
      say "Try: smmuscope check --walkthrough ats-invalidation-order --mutate atc-before-tlbi (or skip-atc-inv)."
      unmap a 0x1000
      expect last.commands.TLBI_NH_VA == 1
      expect last.commands.ATC_INV == 1
      dma nic0 0x1000
      expect event F_TRANSLATION
      step "Map again, then detach: ATS off, then the ATC flushed"
      say "Linux 587bb3e56a2c makes every ATC_INV for a device complete before its ATS is disabled (the invalidation array's rwlock): the driver never leaves the ATC holding what the new STE no longer allows."
      map a 0x1000 pa 0x90001000
      dma nic0 0x1000
      detach nic0
      expect ste.0x10.config == abort
      expect last.commands.ATC_INV == 1
      expect hazards == 0
      """)

  static let l2Visibility = Walkthrough(
    name: "l2-visibility", title: "A new level-2 stream table is visible before its L1 descriptor",
    source: """
      step "Probing a device into an empty stream-table span"
      say "This SMMU caches no invalid structure (smmu cache-invalid no), so only the order of the driver's stores is in question here."
      smmu cache-invalid no
      say "The driver fills a new level-2 table with abort STEs, issues dma_wmb(), then stores the L1 descriptor: the SMMU cannot follow the new pointer into a table it does not see yet."
      master nvme0 sid 0x8
      expect ste.0x8.config == abort
      expect check clean
      say "Linux 84366fb547ed added that barrier. Try: smmuscope check --walkthrough l2-visibility --mutate no-barrier: between two barriers the SMMU may observe stores in any order, so it may read the new L1 descriptor and a zero STE (C_BAD_STE) behind it."
      step "A second span, then a domain"
      master nic0 sid 0x300
      expect check clean
      domain d paging
      map d 0x1000
      attach d nvme0
      expect check clean
      dma nvme0 0x1000
      expect dma == 0x80001000
      expect hazards == 0
      """)
}
