/// One entry of a domain's invalidation array (`struct arm_smmu_inv`, Linux 7.1): what to
/// invalidate when the domain's translations change, and how many attachments need it.
/// The model has one SMMU, so the entry's `smmu` is left out of the key.
package struct Invalidation: Sendable, Hashable {
  /// The entry types, in command order (the enum order upstream).
  package enum Kind: String, Sendable, Hashable, CaseIterable {
    case s1ASID = "S1_ASID"
    case s2VMID = "S2_VMID"
    case s2VMIDS1Clear = "S2_VMID_S1_CLEAR"
    case ats = "ATS"
    case atsFull = "ATS_FULL"

    /// The sort order, as data: IOTLB tags first, then the ATC entries (§2.2).
    package static let order: [Kind] = [.s1ASID, .s2VMID, .s2VMIDS1Clear, .ats, .atsFull]

    /// This type's place in `order`.
    package var rank: Int { Self.order.firstIndex(of: self)! }

    /// An ATC entry (ATS or ATS_FULL): `id` is a SID.
    package var isATC: Bool { self == .ats || self == .atsFull }
  }

  package let kind: Kind
  /// ASID, VMID or SID.
  package internal(set) var id: UInt32
  /// The attachment's SSID (ATS entries only; 0 otherwise).
  package let ssid: UInt32
  /// Attachments needing the entry; 0 is trash.
  package internal(set) var users: Int

  package init(_ kind: Kind, id: UInt32, ssid: UInt32 = 0, users: Int = 1) {
    self.kind = kind
    self.id = id
    self.ssid = kind.isATC ? ssid : 0
    self.users = users
  }

  /// True when `self` sorts before `other` (type, id, then SSID).
  package func sortsBefore(_ other: Invalidation) -> Bool {
    (kind.rank, id, ssid) < (other.kind.rank, other.id, other.ssid)
  }

  /// Same type, id and SSID.
  package func sameKey(_ other: Invalidation) -> Bool {
    kind == other.kind && id == other.id && ssid == other.ssid
  }

  /// "S1_ASID 1 x2", "ATS 0x10/1 x1" (trash: "x0").
  package var description: String {
    let target = kind.isATC ? "0x" + String(id, radix: 16) + "/\(ssid)" : String(id)
    return "\(kind.rawValue) \(target) x\(users)"
  }
}

/// A domain's invalidation array (`struct arm_smmu_invs`, Linux 7.1): entries kept sorted by
/// (type, id, SSID), with merge, unref and purge as upstream does them (upstream-2026 §2.3).
package struct InvalidationArray: Sendable, Hashable {
  /// Live entries and trash (users 0) in sort order; trailing trash is never kept.
  package private(set) var entries: [Invalidation] = []
  /// Entries with users 0 (`num_trashes`).
  package private(set) var trashCount = 0

  package init(entries: [Invalidation] = []) {
    self.entries = entries
    trashCount = entries.filter { $0.users == 0 }.count
  }

  /// Entries with users > 0.
  package var live: [Invalidation] { entries.filter { $0.users > 0 } }

  /// True if a live entry is an ATC entry (`has_ats`).
  package var hasATS: Bool { entries.contains { $0.users > 0 && $0.kind.isATC } }

  /// A new array: entries of both get users + 1, new ones users 1, trash is dropped.
  /// `toMerge` must be sorted.
  package func merging(_ toMerge: [Invalidation]) -> InvalidationArray {
    var out: [Invalidation] = []
    out.reserveCapacity(entries.count + toMerge.count)
    var i = 0
    var j = 0
    let old = entries.filter { $0.users > 0 }
    while i < old.count || j < toMerge.count {
      if j == toMerge.count || (i < old.count && old[i].sortsBefore(toMerge[j])) {
        out.append(old[i])
        i += 1
      } else if i == old.count || toMerge[j].sortsBefore(old[i]) {
        var e = toMerge[j]
        e.users = 1
        out.append(e)
        j += 1
      } else {
        var e = old[i]
        e.users += 1
        out.append(e)
        i += 1
        j += 1
      }
    }
    return InvalidationArray(entries: out)
  }

  /// In place, never failing: each entry of `toUnref` found live loses one user (at 0 it is
  /// trash) and trailing trash is cut. Returns, per entry of `toUnref`, its users left (nil
  /// when it was not found: upstream WARNs).
  @discardableResult
  package mutating func unref(_ toUnref: [Invalidation]) -> [Int?] {
    var result: [Int?] = []
    for e in toUnref {
      guard let i = entries.firstIndex(where: { $0.users > 0 && $0.sameKey(e) }) else {
        result.append(nil)
        continue
      }
      entries[i].users -= 1
      if entries[i].users == 0 { trashCount += 1 }
      result.append(entries[i].users)
    }
    while let last = entries.last, last.users == 0 {
      entries.removeLast()
      trashCount -= 1
    }
    return result
  }

  /// A new array without the trash, or nil when there is nothing to drop (no entries or no
  /// trash).
  package func purged() -> InvalidationArray? {
    guard !entries.isEmpty, trashCount > 0 else { return nil }
    return InvalidationArray(entries: live)
  }

  /// The S1_ASID entry `old` renamed `new` (the model's ASID change), order kept.
  package mutating func renameASID(_ old: UInt16, to new: UInt16) {
    for i in entries.indices where entries[i].kind == .s1ASID && entries[i].id == UInt32(old) {
      entries[i].id = UInt32(new)
    }
    entries.sort { $0.sortsBefore($1) }
  }

  /// The entries as text, "S1_ASID 1 x2, ATS 0x10/0 x1", or "empty".
  package var description: String {
    entries.isEmpty ? "empty" : entries.map(\.description).joined(separator: ", ")
  }

  /// What one attachment (master, SSID) of a domain adds (`arm_smmu_master_build_invs`,
  /// upstream-2026 §2.4): the tag (ASID; VMID, plus S1_CLEAR for a nesting parent), then
  /// with ATS one ATC entry per SID (SIDs sorted). Identity and blocked domains add nothing.
  package static func contribution(
    kind: DomainKind, asid: UInt16?, vmid: UInt16?, nestParent: Bool = false, sids: [UInt32], ats: Bool,
    ssid: UInt32
  ) -> [Invalidation] {
    var out: [Invalidation] = []
    switch kind {
    case .paging, .sva:
      guard let asid else { return [] }
      out.append(Invalidation(.s1ASID, id: UInt32(asid)))
    case .s2:
      guard let vmid else { return [] }
      out.append(Invalidation(.s2VMID, id: UInt32(vmid)))
      if nestParent { out.append(Invalidation(.s2VMIDS1Clear, id: UInt32(vmid))) }
    case .identity, .blocked: return []
    case .nested: return []  // A nested domain keeps no array: its attachments go to the parent's.
    }
    if ats {
      for sid in Set(sids).sorted() {
        out.append(
          nestParent ? Invalidation(.atsFull, id: sid) : Invalidation(.ats, id: sid, ssid: ssid))
      }
    }
    return out
  }
}
