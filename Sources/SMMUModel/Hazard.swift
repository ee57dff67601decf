/// A correctness problem the model detected in how the hardware was programmed.
package struct Hazard: Sendable, Hashable {
  package enum Kind: String, Sendable, Hashable, CaseIterable {
    /// (a) A transaction was served from a cached entry that no longer matches memory.
    case missingInvalidation = "missing-invalidation"
    /// (b) An entry was visible in memory with used bits matching neither the old nor the
    /// new configuration.
    case tornUpdate = "torn-update"
    /// (c) A TLB hit for an ASID/VMID that now belongs to another translation table.
    case asidReuse = "asid-reuse"
    /// (d) Memory freed while an STE, CD or cache entry still points at it.
    case useAfterFree = "use-after-free"
  }
  package let kind: Kind
  /// The entry concerned, e.g. "CD sid 0x8 ssid 0".
  package let entry: String
  /// The transaction that observed it, if any, e.g. "dma sid 0x8 va 0x1000 read".
  package let transaction: String?
  /// The command (or step) that was missing, e.g. "CFGI_CD sid=0x8 ssid=0".
  package let missing: String

  package init(kind: Kind, entry: String, transaction: String?, missing: String) {
    self.kind = kind
    self.entry = entry
    self.transaction = transaction
    self.missing = missing
  }

  package var description: String {
    "\(kind.rawValue): \(entry)" + (transaction.map { " seen by \($0)" } ?? "")
      + "; missing \(missing)"
  }
}
