/// How a TLB entry is tagged. Entries carry VMID and ASID, never a StreamID or SSID:
/// streams that resolve to the same tags share entries.
package struct TLBKey: Sendable, Hashable, CustomStringConvertible {
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
  /// Input page number (address >> 12).
  package let page: UInt64

  package init(kind: Kind, vmid: UInt16, asid: UInt16, page: UInt64) {
    self.kind = kind
    self.vmid = vmid
    self.asid = asid
    self.page = page
  }

  /// Kind, VMID and ASID in one word, the page in another.
  package func hash(into h: inout Hasher) {
    let tag: UInt64 =
      switch kind {
      case .stage1: 0
      case .stage1Global: 1
      case .stage2: 2
      case .nested: 3
      }
    h.combine(tag << 32 | UInt64(vmid) << 16 | UInt64(asid))
    h.combine(page)
  }

  package var description: String {
    switch kind {
    case .stage2: "S2 vmid \(vmid) ipa \(hex(page << 12))"
    case .stage1Global: "S1G vmid \(vmid) va \(hex(page << 12))"
    default: "\(kind.rawValue) vmid \(vmid) asid \(asid) va \(hex(page << 12))"
    }
  }
}

/// A cached translation and the table it was walked from (for hazard checks).
package struct TLBEntry: Sendable, Hashable {
  package let outputPage: UInt64
  package let writable: Bool
  /// Root of the translation table the entry was filled from.
  package let root: UInt64
}

/// The SMMU's TLB.
package typealias TLB = LRUCache<TLBKey, TLBEntry>

/// An ATC entry's key: the endpoint caches by PASID (or none) and address.
package struct ATCKey: Sendable, Hashable, CustomStringConvertible {
  /// nil for an untagged (no PASID) translation.
  package let ssid: UInt32?
  package let page: UInt64

  package init(ssid: UInt32?, page: UInt64) {
    self.ssid = ssid
    self.page = page
  }

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
