import SMMUDriver

extension Walkthrough {
  static let nesting = Walkthrough(
    name: "nesting", title: "A VM behind a vSMMU: the guest's driver, both stages, the VMID",
    designs: [.perMaster],
    source: """
      step "The VMM: guest RAM, a vSMMU, two assigned devices"
      say "iommufd nesting (per-master driver): the host keeps stage 2 in a nest-parent domain; the guest runs its own driver against a vSMMU, with its CD tables and page tables in its RAM (IPAs)."
      master gpu sid 0x10 ats ssid-bits 4
      master nic sid 0x11
      domain s2p s2 nest-parent
      map s2p 0x100000 size 0x100000 pa 0x200000000
      viommu vm parent s2p
      vdevice vm gpu vsid 3
      vdevice vm nic vsid 4
      expect viommu.vm.vmid == 1
      step "The guest installs a CD: its CFGI_CD names vSID 3, the host's SID 0x10"
      say "The guest's entry writer stores the CD into guest RAM (IPA -> stage 2 -> PA) and syncs with CFGI_CD on vSID 3; the vSMMU rewrites the SID to the device's physical one. The guest's vSTE reaches the host as a nested domain: Config 7 with S1ContextPtr = the CD table's IPA."
      guest vm domain gdom paging
      guest vm map gdom 0x400000 pa 0x180000
      guest vm attach gdom 3
      expect last.commands.CFGI_CD == 2
      expect last.commands.CFGI_CD.sid == 0x10
      expect guest.vm.vste.3.config == s1
      expect ste.0x10.config == nested
      expect check clean
      step "A DMA walks both stages"
      say "IOVA 0x400010 -> guest stage 1 -> IPA 0x180010 -> stage 2 -> PA 0x200080010. Every stage-1 table access is itself an IPA translated by stage 2."
      dma gpu 0x400010
      expect dma == 0x200080010
      step "The guest's TLBI carries the VMID"
      say "The guest unmaps and sends TLBI_NH_VA for its ASID 1; whatever VMID it wrote, the vSMMU forces VMID 1: guest ASIDs never alias the host's."
      guest vm unmap gdom 0x400000
      expect last.commands.TLBI_NH_VA == 1
      expect last.commands.TLBI_NH_VA.vmid == 1
      expect last.commands.TLBI_NH_VA.asid == 1
      expect check clean
      step "A guest CFGI_STE is refused"
      say "The vSMMU takes NH TLBIs, CFGI_CD(_ALL) and ATC_INV only; an STE change reaches the host as a new nested domain, never as CFGI_STE."
      guest vm cmd CFGI_STE sid 3
      expect error -EIO
      expect last.commands == 0
      step "A guest fault reaches the vSMMU with the vSID"
      say "The nic (vSID 4) gets its own CD table and domain; a DMA to an unmapped IOVA faults at stage 1 (S2=0), so the record goes to the vEVENTQ with SID 0x11 replaced by vSID 4."
      guest vm domain gnic paging
      guest vm map gnic 0x10000 pa 0x181000
      guest vm attach gnic 4
      dma nic 0x10000
      expect dma == 0x200081000
      dma nic 0x20000
      expect event F_TRANSLATION
      expect viommu.vm.events.last.sid == 4
      step "The guest detaches: abort"
      guest vm detach 3
      expect guest.vm.vste.3.config == abort
      expect ste.0x10.config == abort
      expect check clean
      """)
}
