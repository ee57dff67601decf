import SMMUModel

/// What one qword store by the driver was.
package struct TraceWrite: Sendable, Hashable {
  /// What the store went into.
  package enum Target: String, Sendable, Hashable {
    case ste, cd
    /// L1 CD-table descriptor.
    case l1cd
    /// L1 stream-table descriptor.
    case l1std
  }
  // Stored widest first, the qword index in a byte: 56 bytes rather than 72, so a trace
  // item is 64 bytes (the trace of every line is kept).
  package let address: UInt64
  package let old: UInt64
  package let new: UInt64
  /// Which CD table (owner) for CD writes.
  package let table: String?
  package let sid: UInt32?
  package let ssid: UInt32?
  private let qwordIndex: UInt8
  package let target: Target
  /// Which qword of the entry (0-7).
  package var qword: Int { Int(qwordIndex) }

  package init(
    target: Target, sid: UInt32?, ssid: UInt32?, table: String?, qword: Int, address: UInt64, old: UInt64,
    new: UInt64
  ) {
    precondition((0..<8).contains(qword), "an entry has eight qwords")
    self.target = target
    self.sid = sid
    self.ssid = ssid
    self.table = table
    qwordIndex = UInt8(qword)
    self.address = address
    self.old = old
    self.new = new
  }

  package var description: String {
    var s = "\(target.rawValue)"
    if let sid { s += " sid=\(hex(UInt64(sid)))" }
    if let ssid { s += " ssid=\(ssid)" }
    if let table { s += " [\(table)]" }
    return s + " q\(qword) \(hex(old, digits: 16)) -> \(hex(new, digits: 16))"
  }
}

/// Everything one driver operation did to the hardware model, in order.
package struct OperationTrace: Sendable, Hashable {
  /// One thing that happened, in order.
  package enum Item: Sendable, Hashable {
    case write(TraceWrite)
    case command(Command)
    case note(TraceNote)
  }
  package internal(set) var items = TraceItems()
  /// The error the operation returned, if it failed.
  package internal(set) var error: DriverError?
  /// Page-table stores (map/unmap), counted, not itemised.
  package internal(set) var pageTableWrites = 0
  /// The translation result, for a DMA operation (one reference: a result's fields are out of
  /// line, so the trace of every line stays small).
  package internal(set) var translation: TranslationResult?

  package init() {}

  /// Appends what a later operation did, as one operation of both (a `begin`/`end` group):
  /// its items follow, the first error stays, page-table stores add up and a later
  /// translation replaces an earlier one.
  package mutating func append(_ other: OperationTrace) {
    items.append(contentsOf: other.items)
    if error == nil { error = other.error }
    pageTableWrites += other.pageTableWrites
    if let t = other.translation { translation = t }
  }

  package var writes: [TraceWrite] {
    items.compactMap { if case .write(let w) = $0 { w } else { nil } }
  }
  package var commands: [Command] {
    items.compactMap { if case .command(let c) = $0 { c } else { nil } }
  }
  package var syncs: Int {
    var n = 0
    for case .command(let c) in items where c.isSync { n += 1 }
    return n
  }
  package var steWrites: Int { count(of: .ste) }
  package var cdWrites: Int { count(of: .cd) }

  /// Stores into one kind of target.
  package func count(of target: TraceWrite.Target) -> Int {
    var n = 0
    for case .write(let w) in items where w.target == target { n += 1 }
    return n
  }

  /// Adds this trace's stores (by target: STE, CD, L1 descriptor) and commands (by name) to
  /// running totals, in one pass over the items read in place. (Here rather than in the
  /// caller: across modules the pass was not specialised, and cost a closure call per line.)
  package func tally(
    steWrites: inout Int, cdWrites: inout Int, l1Writes: inout Int, commands: inout CommandCounts
  ) {
    items.withUnsafeBufferPointer { b in
      for i in b.indices {
        switch b[i] {
        case .write(let w):
          switch w.target {
          case .ste: steWrites += 1
          case .cd: cdWrites += 1
          case .l1cd, .l1std: l1Writes += 1
          }
        case .command(let c): commands.add(c)
        case .note: break
        }
      }
    }
  }

  /// Commands by name.
  package var commandCounts: [String: Int] {
    var out: [String: Int] = [:]
    for case .command(let c) in items { out[c.name, default: 0] += 1 }
    return out
  }
}
