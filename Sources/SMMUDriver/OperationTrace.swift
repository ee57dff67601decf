import SMMUModel

/// What one qword store by the driver was.
public struct TraceWrite: Sendable, Hashable {
  /// What the store went into.
  public enum Target: String, Sendable, Hashable {
    case ste, cd
    /// L1 CD-table descriptor.
    case l1cd
    /// L1 stream-table descriptor.
    case l1std
  }
  public let target: Target
  public let sid: UInt32?
  public let ssid: UInt32?
  /// Which CD table (owner) for CD writes.
  public let table: String?
  public let qword: Int
  public let address: UInt64
  public let old: UInt64
  public let new: UInt64

  public var description: String {
    var s = "\(target.rawValue)"
    if let sid { s += " sid=\(hex(UInt64(sid)))" }
    if let ssid { s += " ssid=\(ssid)" }
    if let table { s += " [\(table)]" }
    return s + " q\(qword) \(hex(old, digits: 16)) -> \(hex(new, digits: 16))"
  }
}

/// Everything one driver operation did to the hardware model, in order.
public struct OperationTrace: Sendable, Hashable {
  /// One thing that happened, in order.
  public enum Item: Sendable, Hashable {
    case write(TraceWrite)
    case command(Command)
    case note(String)
  }
  public internal(set) var items: [Item] = []
  /// The error the operation returned, if it failed.
  public internal(set) var error: DriverError?
  /// Page-table stores (map/unmap), counted, not itemised.
  public internal(set) var pageTableWrites = 0
  /// The translation result, for a DMA operation.
  public internal(set) var translation: TranslationResult?

  public init() {}

  public var writes: [TraceWrite] {
    items.compactMap { if case .write(let w) = $0 { w } else { nil } }
  }
  public var commands: [Command] {
    items.compactMap { if case .command(let c) = $0 { c } else { nil } }
  }
  public var syncs: Int {
    var n = 0
    for case .command(let c) in items where c == .sync { n += 1 }
    return n
  }
  public var steWrites: Int { count(of: .ste) }
  public var cdWrites: Int { count(of: .cd) }

  /// Stores into one kind of target.
  public func count(of target: TraceWrite.Target) -> Int {
    var n = 0
    for case .write(let w) in items where w.target == target { n += 1 }
    return n
  }

  /// Commands by name.
  public var commandCounts: [String: Int] {
    var out: [String: Int] = [:]
    for case .command(let c) in items { out[c.name, default: 0] += 1 }
    return out
  }
}
