/// What the configuration cache holds an entry for. CDs are keyed by (SID, SSID index),
/// never by address, as the architecture says.
public enum ConfigCacheKey: Sendable, Hashable, CustomStringConvertible {
  case ste(sid: UInt32)
  case l1std(index: Int)
  case cd(sid: UInt32, ssid: UInt32)
  case l1cd(sid: UInt32, index: Int)

  /// The stream the entry was fetched through (none for an L1 stream-table descriptor).
  public var sid: UInt32? {
    switch self {
    case .ste(let s), .cd(let s, _), .l1cd(let s, _): s
    case .l1std: nil
    }
  }

  public var description: String {
    switch self {
    case .ste(let sid): "STE sid \(hex(UInt64(sid)))"
    case .l1std(let i): "L1STD [\(i)]"
    case .cd(let sid, let ssid): "CD sid \(hex(UInt64(sid))) ssid \(ssid)"
    case .l1cd(let sid, let i): "L1CD sid \(hex(UInt64(sid))) [\(i)]"
    }
  }
}

/// One cached structure: where it was fetched from and the qwords as fetched.
public struct ConfigCacheLine: Sendable, Hashable {
  public let address: UInt64
  public let qwords: [UInt64]

  /// True when memory no longer holds what was cached (an invalidation is owed).
  public func isStale(in memory: PhysicalMemory) -> Bool {
    for (i, q) in qwords.enumerated() where (try? memory.read(address + UInt64(i * 8))) != q {
      return true
    }
    return false
  }
}

/// The configuration cache: STEs, L1 stream-table descriptors, CDs and L1 CD descriptors.
public typealias ConfigCache = LRUCache<ConfigCacheKey, ConfigCacheLine>
