import SMMUModel

/// A guest's paging domain: its ASID and its stage-1 page table in guest RAM (table
/// addresses and output addresses are IPAs).
package struct GuestDomain: Sendable, Hashable {
  package let name: String
  package let asid: UInt16
  package internal(set) var pageTable: IOPageTable
  /// Where it is attached: (vSID, SSID).
  package internal(set) var attachments: Set<GuestAttachment> = []
}

/// One attachment of a guest domain: a vSID and the SSID (0 for the RID) of its CD.
package struct GuestAttachment: Sendable, Hashable {
  package let vsid: UInt32
  package let ssid: UInt32
}
