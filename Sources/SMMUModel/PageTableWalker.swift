/// The outcome of one table walk.
package struct WalkResult: Sendable, Hashable {
  package enum Fault: String, Sendable, Hashable {
    case translation = "F_TRANSLATION"
    case access = "F_ACCESS"
    case addressSize = "F_ADDR_SIZE"
    case external = "F_WALK_EABT"
  }
  /// The leaf's output address (aligned to the leaf's size) when the walk succeeded.
  package var outputPage: UInt64?
  /// log2 of the leaf's size: 12 for a 4 KiB page, 21 for a 2 MiB block, ...
  package var leafShift = 12
  package var writable = false
  package var global = false
  /// Descriptor reads per level (index 0-3).
  package var readsPerLevel = LevelCounts()
  package var fault: Fault?
  /// True when the stage-2 translation of a table address failed (nested): the caller holds
  /// the stage-2 fault.
  package var tableTranslationFailed = false
  /// Each level read, when the walk was asked to record them (empty otherwise).
  package var levels: [WalkLevel] = []
}

/// One level of a table walk: the table, the slot read and the descriptor found.
package struct WalkLevel: Sendable, Hashable {
  package let level: Int
  /// The table's (physical) address.
  package let table: UInt64
  package let index: Int
  package let slot: UInt64
  /// The descriptor, or nil when the read aborted.
  package let descriptor: UInt64?
}

/// Walks a table of any `PageTableFormat` in simulated memory, one descriptor per level,
/// stopping at a page or block descriptor.
package enum PageTableWalker {
  /// Walks `address` (within the format's input size) from `root`. `tableAddress` gives the
  /// physical address of each table (its argument is the address the previous level, or the
  /// root, holds, and the level): in nested mode a stage-2 translation, which returns nil
  /// when it faulted. Table and output addresses beyond the output size are F_ADDR_SIZE.
  package static func walk(
    root: UInt64, address: UInt64, stage2: Bool, memory: PhysicalMemory,
    format: PageTableFormat = .standard, recordLevels: Bool = false,
    tableAddress: (UInt64, Int) -> UInt64? = { a, _ in a }
  ) -> WalkResult {
    var result = WalkResult()
    guard address >> UInt64(format.inputSize) == 0 else {
      result.fault = .translation
      return result
    }
    let outputLimit = format.outputSize
    guard root >> UInt64(outputLimit) == 0 else {
      result.fault = .addressSize
      return result
    }
    var table = root
    let granuleMask = format.granuleBytes - 1
    for level in format.startLevel..<4 {
      guard let base = tableAddress(table, level) else {
        result.tableTranslationFailed = true
        return result
      }
      let index = format.tableIndex(address, level: level)
      let slot = base + UInt64(index * 8)
      result.readsPerLevel[level] += 1
      let read = try? memory.read(slot)
      if recordLevels {
        result.levels.append(WalkLevel(level: level, table: base, index: index, slot: slot, descriptor: read))
      }
      guard let desc = read else {
        result.fault = .external
        return result
      }
      guard desc & 1 == 1 else {
        result.fault = .translation
        return result
      }
      let isTable = desc & PageTableFormat.validTable == PageTableFormat.validTable
      if level < 3 && isTable {
        table = desc & PageTableFormat.addressMask & ~granuleMask
        guard table >> UInt64(outputLimit) == 0 else {
          result.fault = .addressSize
          return result
        }
        continue
      }
      // A block where the granule allows none, or type 0b01 at level 3 (reserved).
      guard level < 3 ? format.allowsBlock(level: level) : isTable else {
        result.fault = .translation
        return result
      }
      guard desc & PageTableFormat.af != 0 else {
        result.fault = .access
        return result
      }
      let shift = format.shift(level: level)
      let out = desc & PageTableFormat.addressMask & ~((UInt64(1) << UInt64(shift)) - 1)
      guard out >> UInt64(outputLimit) == 0 else {
        result.fault = .addressSize
        return result
      }
      result.outputPage = out
      result.leafShift = shift
      if stage2 {
        result.writable = desc & PageTableFormat.s2Write != 0
      } else {
        result.writable = desc & PageTableFormat.readOnly == 0
        result.global = desc & PageTableFormat.notGlobal == 0
      }
      return result
    }
    result.fault = .translation
    return result
  }
}
