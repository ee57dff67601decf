extension Walkthrough {
  static let nestedUpdateSafe = Walkthrough(
    name: "nested-update-safe", title: "Nested <-> S2 without V=0: the entry writer's update-safe bits",
    designs: [.perMaster],
    source: """
      step "A device on a nest parent: an S2 STE"
      say "Per-master only: iommufd nesting came with Linux 6.13's per-master driver. gpu supports ATS; the VMM gives it a nest-parent S2 domain holding guest RAM, a vSMMU on it and vSID 3."
      design per-master
      master gpu sid 0x10 ats
      domain s2p s2 nest-parent
      viommu vsmmu parent s2p
      vdevice vsmmu gpu vsid 3
      map s2p 0x100000 size 0x10000 pa 0x200000000
      attach s2p gpu
      expect ste.0x10.config == s2
      expect ste.0x10.eats == 1
      step "S2 -> nested: 2 syncs"
      say "The guest's vSTE: Config 5, S1CDMax 1 (two CDs, so S1DSS applies), S1DSS=bypass, EATS 0b01. The nested STE has Config 7, the guest's S1 fields, the parent's q2/q3, EATS 1 and MEV 1."
      say "Only q0 (Config 6 -> 7, the guest's CD-table pointer) is critical. q1 gains S1 fields the S2 STE ignores, and MEV, which the S2 STE uses but which is update-safe: q1 is written first under the old Config (sync 1), then q0 (sync 2)."
      domain g nested vsmmu ste 0x080000000010000B 0x100000D5
      attach g gpu
      expect ste.0x10.config == nested
      expect ste.0x10.eats == 1
      expect last.commands.CFGI_STE == 2
      expect check clean
      say "Untagged DMA with S1DSS=bypass skips stage 1: IPA 0x100010 goes through the parent's S2 to 0x200000010."
      dma gpu 0x100010
      expect dma == 0x200000010
      step "Nested -> S2: 3 syncs, still hitless"
      say "Again only q0 is critical: sync 1 clears MEV in q1 while Config is still 7, sync 2 stores q0 (Config 7 -> 6), sync 3 clears the S1 fields the S2 STE no longer reads. These are upstream's KUnit cases ste_nested_s1dssbypass_to_s1bypass and back."
      attach s2p gpu
      expect ste.0x10.config == s2
      expect last.commands.CFGI_STE == 3
      expect check clean
      dma gpu 0x100010
      expect dma == 0x200000010
      step "Why: two bits that may change in place"
      say "Before Linux 2781f2a930ab (v7.0) no bit was exempt. MEV is used by both STEs and differs, so q1 was critical as well as q0: both switches took the breaking path (V=0, then q1-q7, then q0), and DMA in between hit an invalid STE (C_BAD_STE)."
      say "2781f2a930ab lets the STE writer name bits whose value may change while the SMMU reads the entry: MEV (it only controls event merging, which hardware may do anyway) and EATS=TRANS (the attach turned ATS off at the device before EATS changes). CDs have no such bits."
      say "7cad80048595 narrows EATS: not safe when either STE has S2S=1 (EATS 0b01 with S2S is ILLEGAL under stage 2) or EATS bit 29 (a transient 0b11 behaves like 0b00). Then the update stays ordered, breaking if another qword changes."
      say "Try: smmuscope check --walkthrough nested-update-safe --mutate no-update-safe: both switches go through V=0 where a hitless update exists, and the checker reports the C_BAD_STE window as torn."
      expect hazards == 0
      """)
}
