/// Which commands drop a cached entry: one table, matching the scopes `SMMU.consume` applies
/// (IHI 0070 §4.3-4.5). The walk view shows it beside each cached step. Narrowest command
/// first; alternatives separated by " / ".
package enum InvalidationScope {
  /// The commands that drop a configuration-cache entry.
  package static func droppedBy(_ key: ConfigCacheKey) -> String {
    switch key {
    case .ste(let sid):
      "CFGI_STE sid \(hex(UInt64(sid))) / CFGI_STE_RANGE covering it / CFGI_ALL"
    case .l1std(let index):
      "CFGI_STE leaf 0 (a SID of L1 [\(index)]) / CFGI_STE_RANGE / CFGI_ALL"
    case .cd(let sid, let ssid):
      "CFGI_CD sid \(hex(UInt64(sid))) ssid \(ssid) / CFGI_CD_ALL sid \(hex(UInt64(sid)))"
        + " / CFGI_STE sid \(hex(UInt64(sid))) / CFGI_ALL"
    case .l1cd(let sid, _):
      "CFGI_CD sid \(hex(UInt64(sid))) leaf 0 / CFGI_CD_ALL sid \(hex(UInt64(sid)))"
        + " / CFGI_STE sid \(hex(UInt64(sid))) / CFGI_ALL"
    }
  }

  /// The commands that drop a TLB entry. No CFGI ever does.
  package static func droppedBy(_ key: TLBKey) -> String {
    let va = hex(key.page << 12)
    let vmid = key.vmid == 0 ? "" : " vmid \(key.vmid)"
    switch key.kind {
    case .stage1:
      return "TLBI_NH_VA\(vmid) asid \(key.asid) addr \(va) / TLBI_NH_ASID\(vmid) asid \(key.asid)"
        + " / TLBI_NH_ALL\(vmid) / TLBI_NSNH_ALL"
    case .stage1Global:
      return "TLBI_NH_VA\(vmid) addr \(va) (any asid) / TLBI_NH_VAA\(vmid) addr \(va)"
        + " / TLBI_NH_ALL\(vmid) / TLBI_NSNH_ALL (not TLBI_NH_ASID)"
    case .nested:
      return "TLBI_NH_VA\(vmid) asid \(key.asid) addr \(va) / TLBI_NH_ASID\(vmid) asid \(key.asid)"
        + " / TLBI_S12_VMALL vmid \(key.vmid) / TLBI_NSNH_ALL (not TLBI_S2_IPA)"
    case .stage2:
      return "TLBI_S2_IPA vmid \(key.vmid) addr \(va) / TLBI_S12_VMALL vmid \(key.vmid) / TLBI_NSNH_ALL"
    }
  }

  /// The commands that drop an endpoint's ATC entry.
  package static func droppedBy(sid: UInt32, _ key: ATCKey) -> String {
    let ssid = key.ssid.map { " ssid \($0)" } ?? ""
    return "ATC_INV sid \(hex(UInt64(sid)))\(ssid) addr \(hex(key.page << 12))"
      + " / ATC_INV sid \(hex(UInt64(sid))) size 52"
  }
}
