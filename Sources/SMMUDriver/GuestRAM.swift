import SMMUModel

/// A guest's physical-page allocator: first fit, in 4 KiB pages, over the IPA ranges its
/// nest parent maps (the guest's RAM). It hands out IPAs; what backs them is the parent's
/// stage 2.
package struct GuestRAM: Sendable, Hashable {
  /// Allocated regions: IPA -> bytes (page multiples).
  package private(set) var regions: [UInt64: UInt64] = [:]

  package init() {}

  /// Bytes allocated.
  package var bytes: UInt64 { regions.values.reduce(0, +) }

  /// The IPA ranges a stage-2 table maps, merged where adjacent, in order: (start, end).
  package static func ranges(of table: IOPageTable) -> [(start: UInt64, end: UInt64)] {
    var out: [(start: UInt64, end: UInt64)] = []
    for (ipa, m) in table.mappings.sorted(by: { $0.key < $1.key }) {
      if let last = out.last, last.end == ipa {
        out[out.count - 1].end = ipa + m.size
      } else {
        out.append((ipa, ipa + m.size))
      }
    }
    return out
  }

  /// The first page-aligned IPA with `bytes` free inside one of `ranges`, marked allocated;
  /// nil when no range has room.
  package mutating func allocate(bytes: UInt64, in ranges: [(start: UInt64, end: UInt64)]) -> UInt64? {
    let size = (max(bytes, 1) + 0xFFF) & ~0xFFF
    let taken = regions.sorted { $0.key < $1.key }
    for r in ranges {
      var at = (r.start + 0xFFF) & ~0xFFF
      while at + size <= r.end {
        guard let clash = taken.first(where: { $0.key < at + size && $0.key + $0.value > at }) else {
          regions[at] = size
          return at
        }
        at = clash.key + clash.value
      }
    }
    return nil
  }

  /// Marks pages the guest chose itself (a `map` with an explicit IPA) as in use, so no
  /// table lands on them; pages already allocated are left as they are.
  package mutating func reserve(_ ipa: UInt64, bytes: UInt64) {
    let start = ipa & ~0xFFF
    let end = (ipa + max(bytes, 1) + 0xFFF) & ~0xFFF
    for page in stride(from: start, to: end, by: 0x1000)
    where !regions.contains(where: { $0.key <= page && page < $0.key + $0.value }) {
      regions[page] = 0x1000
    }
  }

  /// Gives a region back.
  package mutating func free(_ ipa: UInt64) { regions[ipa] = nil }
}
