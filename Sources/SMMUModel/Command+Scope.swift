/// What each invalidation command drops, as predicates over cache keys: the one home of the
/// scopes that `SMMU.consume` applies and the checker reasons with (IHI 0070 §4.3-4.5).
extension Command {
  /// True when this command drops configuration-cache entry `key`. `split` is the stream
  /// table's SPLIT (an L1 descriptor index is SID >> SPLIT).
  package func invalidates(_ key: ConfigCacheKey, split: Int) -> Bool {
    switch self {
    case .cfgiSTE(let sid, let leaf):
      switch key {
      case .ste(let s), .cd(let s, _), .l1cd(let s, _): return s == sid
      case .l1std(let i): return !leaf && i == Int(sid >> UInt32(split))
      }
    case .cfgiSTERange(let sid, let range):
      if range >= 31 { return true }
      let n = UInt64(1) << UInt64(range + 1)
      let start = UInt64(sid) & ~(n - 1)
      if let s = key.sid { return UInt64(s) >= start && UInt64(s) < start + n }
      if case .l1std(let i) = key {
        return UInt64(i) >= start >> UInt64(split) && UInt64(i) <= (start + n - 1) >> UInt64(split)
      }
      return false
    case .cfgiCD(let sid, let ssid, let leaf):
      switch key {
      case .cd(let s, let ss): return s == sid && ss == ssid
      case .l1cd(let s, let i): return !leaf && s == sid && (i == Int(ssid >> 10) || i == Int(ssid >> 6))
      default: return false
      }
    case .cfgiCDAll(let sid):
      switch key {
      case .cd(let s, _), .l1cd(let s, _): return s == sid
      default: return false
      }
    default: return false
    }
  }

  /// True for CFGI_STE, CFGI_STE_RANGE (CFGI_ALL), CFGI_CD and CFGI_CD_ALL.
  package var isConfigInvalidation: Bool {
    switch self {
    case .cfgiSTE, .cfgiSTERange, .cfgiCD, .cfgiCDAll: true
    default: false
    }
  }

  /// True when this command drops TLB entry `k`. No CFGI ever does.
  package func invalidates(_ k: TLBKey) -> Bool {
    switch self {
    case .tlbiNHAll(let vmid): return k.kind != .stage2 && k.vmid == vmid
    case .tlbiNHASID(let vmid, let asid):
      return (k.kind == .stage1 || k.kind == .nested) && k.vmid == vmid && k.asid == asid
    case .tlbiNHVA(let vmid, let asid, let address, _, let range):
      guard k.kind != .stage2, k.vmid == vmid, k.overlaps(SMMU.pageSpan(address, range)) else { return false }
      return k.kind == .stage1Global || k.asid == asid
    case .tlbiNHVAA(let vmid, let address, _, let range):
      return k.kind != .stage2 && k.vmid == vmid && k.overlaps(SMMU.pageSpan(address, range))
    case .tlbiS12VMAll(let vmid): return k.vmid == vmid
    case .tlbiS2IPA(let vmid, let address, _, let range):
      // Need not remove combined S1+S2 entries: the model keeps them (the minimal scope).
      return k.kind == .stage2 && k.vmid == vmid && k.overlaps(SMMU.pageSpan(address, range))
    case .tlbiNSNHAll: return true
    default: return false  // The EL2 TLBIs: the model holds no EL2 entries.
    }
  }

  /// True when this command drops entry `k` of the ATC of the endpoint at `sid`.
  package func invalidates(atcOf sid: UInt32, _ k: ATCKey) -> Bool {
    guard case .atcInv(let s, let ssid, let address, let size) = self, s == sid else { return false }
    if size >= 52 { return ssid == nil || k.ssid == ssid }
    let span = UInt64(4096) << UInt64(min(size, 51))
    let start = address & ~(span - 1)
    return (ssid == nil || k.ssid == ssid) && k.page << 12 >= start && (k.page << 12) - start < span
  }
}
