import SMMUModel

/// One thing the checker found wrong with an operation.
package struct CheckFinding: Sendable {
  /// The kinds of finding; the names are part of the interface (`expect check KIND`, JSON).
  package enum Kind: String, Sendable, Hashable, CaseIterable {
    /// A stream can see an outcome that is neither its outcome before the operation, nor
    /// after it, nor the abort a breaking (V=0) update passes through.
    case torn
    /// After the operation's invalidations complete, a cache state still gives an outcome
    /// other than memory's (a missing or too narrow invalidation).
    case stale
    /// The operation ends with an invalidation no CMD_SYNC has completed.
    case unsynced
    /// A stream reaches a page table of a domain the core did not attach to it.
    case isolation
    /// A reachable structure or page table lies in freed memory.
    case useAfterFree = "use-after-free"
    /// A TLB entry of a previous owner of an ASID or VMID can serve its new owner.
    case asidReuse = "asid-reuse"
  }

  package let kind: Kind
  /// The scenario line of the operation (of the store or command, inside a group).
  package let line: Int
  /// Where in the operation: "after the store of q1 of STE sid 0x10", "after the operation".
  package let point: String
  package let sid: UInt32?
  package let ssid: UInt32?
  /// The master whose stream it is.
  package let master: String?
  /// The cache state that gives the outcome: which cached version of which structure.
  package let cache: String
  package let seen: String
  package let allowed: [String]
  /// For `stale` and `asid-reuse`: the commands that would have dropped the cached entry;
  /// for `use-after-free`, what lies in freed memory; for `unsynced`, CMD_SYNC.
  package let missing: String?
  /// The SMMU at the point, its caches holding exactly the cache state found (what the
  /// explorer shows when it goes back to the finding).
  package let state: SMMU?
  /// The stream's transaction at the point under that state, with its walk recorded.
  package let translation: TranslationResult?
}
