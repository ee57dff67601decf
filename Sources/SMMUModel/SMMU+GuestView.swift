/// One valid CD of a guest-owned CD table, as the SMMU would fetch it: its IPA, where the
/// STE's stage 2 puts it, and the descriptor.
package struct GuestContextDescriptor: Sendable, Hashable {
  package let ssid: UInt32
  /// The CD's address in the guest (an IPA: S1ContextPtr, or an L2Ptr, plus the index).
  package let ipa: UInt64
  /// Where stage 2 maps it.
  package let pa: UInt64
  package let cd: ContextDescriptor
}

extension SMMU {
  /// How many SSIDs `guestContextDescriptors` looks at, at most (a guest may declare 2^20).
  package static let guestCDScanLimit = 1024

  /// The PA that the stage 2 of a nested (or stage-2) STE maps `ipa` to, read from memory
  /// with no cache, counter or event: the explorer's window into guest memory.
  package func peekStage2(_ ipa: UInt64, ste: StreamTableEntry) -> UInt64? {
    guard let format = s2Format(ste), ipa >> UInt64(format.inputSize) == 0 else { return nil }
    let w = PageTableWalker.walk(
      root: ste.s2TableAddress, address: ipa, stage2: true, memory: memory, format: format)
    guard w.fault == nil, let out = w.outputPage else { return nil }
    return out | (ipa & ((UInt64(1) << UInt64(w.leafShift)) - 1))
  }

  /// The qword at `ipa` in the guest memory of a nested STE, if stage 2 maps it.
  package func peekGuest(_ ipa: UInt64, ste: StreamTableEntry) -> UInt64? {
    guard let pa = peekStage2(ipa, ste: ste) else { return nil }
    return try? memory.read(pa)
  }

  /// The valid CDs of the guest CD table a nested STE points at (S1ContextPtr is an IPA,
  /// IHI 0070 §3.3.2), located as the SMMU locates them (linear, or 2-level by S1Fmt) and read
  /// through the STE's stage 2 without touching caches or counters. At most
  /// `guestCDScanLimit` SSIDs are looked at.
  package func guestContextDescriptors(ste: StreamTableEntry) -> [GuestContextDescriptor] {
    typealias S = StreamTableEntry
    guard ste.isValid, ste.configValue == .nested else { return [] }
    let s1cdmax = Int(ste[S.s1cdmax])
    let substreams = features.ssidBits > 0 && s1cdmax > 0
    let count = min(substreams ? 1 << s1cdmax : 1, Self.guestCDScanLimit)
    let shift = Self.cdLeafShift(s1fmt: ste[S.s1fmt], substreams: substreams)
    let ptr = ste.contextPointer
    var out: [GuestContextDescriptor] = []
    var leaf: (index: Int, base: UInt64?)?
    for index in 0..<count {
      var ipa = ptr + UInt64(index) * 64
      if let shift {
        let l1 = index >> shift
        if leaf?.index != l1 {
          let d = peekGuest(ptr + UInt64(l1 * 8), ste: ste) ?? 0
          leaf = (l1, d & 1 == 1 ? d & CDTable.l1L2Ptr.mask : nil)
        }
        guard let base = leaf?.base else { continue }
        ipa = base + UInt64(index & ((1 << shift) - 1)) * 64
      }
      guard let pa = peekStage2(ipa, ste: ste), let q = try? memory.readEntry(pa) else { continue }
      let cd = ContextDescriptor(qwords: q)
      if cd.isValid { out.append(GuestContextDescriptor(ssid: UInt32(index), ipa: ipa, pa: pa, cd: cd)) }
    }
    return out
  }

  /// log2 of the CDs in a leaf of a 2-level CD table (S1Fmt 4K_L2: 64, 64K_L2: 1024), or
  /// nil for a linear table (or one without substreams, which the SMMU reads as linear).
  static func cdLeafShift(s1fmt: UInt64, substreams: Bool) -> Int? {
    typealias S = StreamTableEntry
    guard substreams else { return nil }
    switch s1fmt {
    case S.s1fmt64KL2: return 10
    case S.s1fmt4KL2: return 6
    default: return nil
    }
  }
}
