/// One step of a translation's lookup path, kept as values; its text is built only when read
/// (`TranslationResult.path`).
package enum TranslationNote: Sendable, Hashable, CustomStringConvertible {
  /// A configuration structure served by the configuration cache.
  case cached(ConfigCacheKey)
  /// A configuration structure fetched from memory at an address.
  case fetched(ConfigCacheKey, UInt64)
  /// A TLB hit.
  case tlbHit(TLBKey)
  /// The endpoint's ATC answered (`readOnly`: and refused the write).
  case atcHit(ATCKey, readOnly: Bool)
  /// A stage-1 or stage-2 table walk from a root, with the descriptor reads it made.
  case walk(stage2: Bool, root: UInt64, reads: Int)
  /// Anything else, as text.
  case text(String)

  package var description: String {
    switch self {
    case .cached(let key): "\(key) cached"
    case .fetched(let key, let address): "\(key) fetched from \(hex(address))"
    case .tlbHit(let key): "TLB hit \(key)"
    case .atcHit(let key, let readOnly): "ATC hit \(key)" + (readOnly ? ": read-only" : "")
    case .walk(let stage2, let root, let reads):
      "\(stage2 ? "S2" : "S1") walk from \(hex(root)): \(reads) reads"
    case .text(let s): s
    }
  }
}
