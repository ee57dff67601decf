import SMMUModel

/// What a guest's arm-smmu-v3 driver keeps about its vSMMU: its RAM allocator, its paging
/// domains (own ASIDs, from 1), a CD table per vSID (per-master design) and the vSTE it last
/// wrote for each vSID, with the nested domain the VMM made from it.
package struct Guest: Sendable, Hashable {
  package internal(set) var ram = GuestRAM()
  package internal(set) var domains: [String: GuestDomain] = [:]
  /// The guest's ASIDs -> domain (its own space: tagged with the VMID in the TLB, §1.9).
  package internal(set) var asids: [UInt16: String] = [:]
  /// vSID -> its CD table in guest RAM.
  package internal(set) var cdTables: [UInt32: GuestCDTable] = [:]
  /// vSID -> the vSTE the VMM last forwarded (read from the guest's stream table).
  package internal(set) var vstes: [UInt32: GuestSTE] = [:]
  /// The guest's linear stream table in its RAM (IPA), allocated at its first vSTE.
  package internal(set) var streamTable: UInt64?
  /// log2 of the STEs in the guest's stream table (the vSMMU's SIDSIZE as the guest sees it).
  package static let streamTableSIDBits = 8
  /// Nested domains made so far (names them).
  var nestedSerial = 0

  package init() {}

  /// The lowest free guest ASID from 1, below 2^bits.
  func freeASID(bits: Int) -> UInt16? {
    (1..<(1 << bits)).first { asids[UInt16($0)] == nil }.map { UInt16($0) }
  }
}

/// A vSTE (qwords 0-1) as the VMM read it from the guest's stream table, and the host's nested
/// domain made from it.
package struct GuestSTE: Sendable, Hashable {
  package let q0: UInt64
  package let q1: UInt64
  /// The nested domain the VMM allocated from this vSTE and attached.
  package let domain: String

  /// EATS 0b01: the guest enabled ATS for the device.
  package var ats: Bool { StreamTableEntry.eats.get(q1) == StreamTableEntry.eatsTrans }

  /// abort, bypass or s1 (V=0 reads as abort).
  package var config: String {
    guard q0 & StreamTableEntry.v.mask != 0 else { return "abort" }
    switch StreamTableEntry.Config(rawValue: StreamTableEntry.config.get(q0)) {
    case .s1Translate: return "s1"
    case .bypass: return "bypass"
    default: return "abort"
    }
  }
}
