import SMMUModel

/// What one invalidation of a domain covers (`arm_smmu_domain_inv_range`): leaves of one
/// granule, or everything (size 0 upstream).
package struct InvalidationRequest: Sendable, Hashable {
  /// Leaf addresses, ascending; nil for everything.
  package var addresses: [UInt64]?
  /// The leaf size (the gather's page size).
  package var granule: UInt64
  /// Leaf-only TLBIs (unmap) or walk-cache ones too (a removed table).
  package var leaf: Bool
  /// The ATC_INV span: address and size (4 KiB × 2^size; 52 is everything).
  package var atcAddress: UInt64
  package var atcSize: Int

  package init(addresses: [UInt64]?, granule: UInt64, leaf: Bool, atcAddress: UInt64, atcSize: Int) {
    self.addresses = addresses
    self.granule = granule
    self.leaf = leaf
    self.atcAddress = atcAddress
    self.atcSize = atcSize
  }

  /// Everything: the nsize opcodes and whole-ATC invalidations.
  package static let everything = InvalidationRequest(
    addresses: nil, granule: 4096, leaf: false, atcAddress: 0, atcSize: 52)

  /// Too many per-granule commands (v7.1, no RANGE_INV): the span reaches (granule / 8)
  /// granules (4 KiB pages: 512 pages, 2 MiB), so one nsize opcode is sent instead.
  package var tooBig: Bool {
    guard let a = addresses, let first = a.first, let last = a.last else { return true }
    return last + granule - first >= (granule / 8) * granule
  }
}

extension InvalidationArray {
  /// The commands of one invalidation built from the array (upstream-2026 §2.7): the live
  /// entries in order, each adding its commands to the batch; the batch is submitted with
  /// one CMD_SYNC at the end, and before an S2_VMID_S1_CLEAR or ATC entry that follows an
  /// entry of another kind. An empty batch sends no sync.
  package func commands(for r: InvalidationRequest) -> [Command] {
    var out: [Command] = []
    var batch: [Command] = []
    var fullVMIDs: Set<UInt32> = []
    let entries = live
    for (i, e) in entries.enumerated() {
      switch e.kind {
      case .s1ASID:
        let asid = UInt16(truncatingIfNeeded: e.id)
        if r.tooBig {
          batch.append(.tlbiNHASID(vmid: 0, asid: asid))
        } else {
          batch += (r.addresses ?? []).map {
            .tlbiNHVA(vmid: 0, asid: asid, address: $0, leaf: r.leaf, range: nil)
          }
        }
      case .s2VMID:
        let vmid = UInt16(truncatingIfNeeded: e.id)
        if r.tooBig {
          batch.append(.tlbiS12VMAll(vmid: vmid))
          fullVMIDs.insert(e.id)
        } else {
          batch += (r.addresses ?? []).map { .tlbiS2IPA(vmid: vmid, address: $0, leaf: r.leaf, range: nil) }
        }
      case .s2VMIDS1Clear:
        // S12_VMALL also cleared the VMID's S1 entries.
        if !fullVMIDs.contains(e.id) { batch.append(.tlbiNHAll(vmid: UInt16(truncatingIfNeeded: e.id))) }
      case .ats:
        batch.append(
          .atcInv(sid: e.id, ssid: e.ssid == 0 ? nil : e.ssid, address: r.atcAddress, size: r.atcSize))
      case .atsFull:
        batch.append(.atcInv(sid: e.id, ssid: nil, address: 0, size: 52))
      }
      let next = i + 1 < entries.count ? entries[i + 1].kind : nil
      let syncHere =
        next == nil || (next == .s2VMIDS1Clear && e.kind != .s2VMIDS1Clear)
        || (next!.isATC && !e.kind.isATC)
      if syncHere && !batch.isEmpty {
        out += batch + [.sync]
        batch.removeAll()
      }
    }
    return out
  }
}
