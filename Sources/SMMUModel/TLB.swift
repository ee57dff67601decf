/// How a TLB entry is tagged. Entries carry VMID and ASID, never a StreamID or SSID:
/// streams that resolve to the same tags share entries.
package struct TLBKey: CacheKey, CustomStringConvertible {
  package enum Kind: String, Sendable, Hashable {
    /// Stage 1, non-global: tagged by ASID (and VMID when stage 2 is on).
    case stage1 = "S1"
    /// Stage 1 global (nG=0): matches any ASID in the VMID.
    case stage1Global = "S1G"
    /// Stage 2 only: tagged by VMID, the address is an IPA.
    case stage2 = "S2"
    /// A combined stage 1 + stage 2 entry.
    case nested = "S1+S2"
  }
  package let kind: Kind
  package let vmid: UInt16
  /// 0 for stage-2 and global entries.
  package let asid: UInt16
  /// Input page number (address >> 12) of the entry's first page.
  package let page: UInt64
  /// log2 of the bytes the entry covers: 12 for a 4 KiB page, 21 for a 2 MiB block, ...
  package let shift: UInt8

  /// The key of an entry of 2^`shift` bytes holding input page `page` (aligned down to the
  /// entry's size).
  package init(kind: Kind, vmid: UInt16, asid: UInt16, page: UInt64, shift: Int = 12) {
    self.kind = kind
    self.vmid = vmid
    self.asid = asid
    self.page = page & ~((UInt64(1) << UInt64(shift - 12)) - 1)
    self.shift = UInt8(shift)
  }

  /// Input pages the entry covers.
  package var pages: ClosedRange<UInt64> { page...(page + (UInt64(1) << UInt64(shift - 12)) - 1) }
  /// The input-address bits below the entry's size (the offset kept by translation).
  package var offsetMask: UInt64 { (UInt64(1) << UInt64(shift)) - 1 }
  /// True when the entry covers any page of `range`.
  package func overlaps(_ range: ClosedRange<UInt64>) -> Bool { range.overlaps(pages) }

  /// Kind, VMID and ASID in one word, the page in another.
  package func hash(into h: inout Hasher) {
    h.combine(tags)
    h.combine(page)
  }

  /// Kind, size, VMID and ASID in one word.
  private var tags: UInt64 {
    let tag: UInt64 =
      switch kind {
      case .stage1: 0
      case .stage1Global: 1
      case .stage2: 2
      case .nested: 3
      }
    return tag << 32 | UInt64(shift) << 40 | UInt64(vmid) << 16 | UInt64(asid)
  }

  /// The tags word, mixed, with the page.
  package var cacheHash: UInt64 { (tags &* 0xFF51_AFD7_ED55_8CCD) ^ page }

  package var description: String {
    let size = shift == 12 ? "" : " (\(Self.sizeName(Int(shift))))"
    return switch kind {
    case .stage2: "S2 vmid \(vmid) ipa \(hex(page << 12))\(size)"
    case .stage1Global: "S1G vmid \(vmid) va \(hex(page << 12))\(size)"
    default: "\(kind.rawValue) vmid \(vmid) asid \(asid) va \(hex(page << 12))\(size)"
    }
  }

  /// "2M", "1G", "64K": the size of a 2^shift-byte entry.
  static func sizeName(_ shift: Int) -> String {
    shift >= 30 ? "\(1 << (shift - 30))G" : shift >= 20 ? "\(1 << (shift - 20))M" : "\(1 << (shift - 10))K"
  }
}

/// A cached translation and the table it was walked from (for hazard checks).
package struct TLBEntry: Sendable, Hashable {
  /// Output address of the entry's first byte (aligned to the entry's size, see `TLBKey.shift`).
  package let outputPage: UInt64
  package let writable: Bool
  /// Root of the translation table the entry was filled from.
  package let root: UInt64
}

/// The SMMU's TLB.
package typealias TLB = LRUCache<TLBKey, TLBEntry>

/// An ATC entry's key: the endpoint caches by PASID (or none) and address.
package struct ATCKey: CacheKey, CustomStringConvertible {
  /// nil for an untagged (no PASID) translation.
  package let ssid: UInt32?
  package let page: UInt64

  package init(ssid: UInt32?, page: UInt64) {
    self.ssid = ssid
    self.page = page
  }

  /// The PASID (or none) mixed, with the page.
  package var cacheHash: UInt64 { (UInt64(ssid ?? 0xFFFF_FFFF) &* 0xFF51_AFD7_ED55_8CCD) ^ page }

  package var description: String {
    "\(ssid.map { "pasid \($0)" } ?? "no-pasid") va \(hex(page << 12))"
  }
}

/// A translation cached in a device's ATC.
package struct ATCEntry: Sendable, Hashable {
  package let outputPage: UInt64
  package let writable: Bool
}

/// One ATS-capable endpoint's address translation cache.
package typealias ATC = LRUCache<ATCKey, ATCEntry>
