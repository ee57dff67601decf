/// The translation-table format the model walks: AArch64 long-descriptor, 4 KiB granule,
/// 48-bit input addresses, four levels (0-3), pages only (no block mappings).
/// Used by both the hardware walker and the driver's io-pgtable model.
package enum PageTableFormat {
  package static let granule: UInt64 = 4096
  package static let levels = 4
  package static let inputBits = 48
  /// Bits 1:0 = 0b11: a table descriptor at levels 0-2, a page descriptor at level 3.
  package static let validTable: UInt64 = 0b11
  /// Output address, bits 47:12, in place.
  package static let addressMask: UInt64 = 0x0000_FFFF_FFFF_F000
  /// Access flag.
  package static let af: UInt64 = 1 << 10
  /// Stage 1: not-global (nG), set by io-pgtable on every stage-1 leaf.
  package static let notGlobal: UInt64 = 1 << 11
  /// Stage 1: AP[2] (read-only).
  package static let readOnly: UInt64 = 1 << 7
  /// Stage 2: S2AP bits 7:6 (bit 6 read, bit 7 write).
  package static let s2Read: UInt64 = 1 << 6
  package static let s2Write: UInt64 = 1 << 7

  /// Index into the table at `level` for input address `address`.
  package static func index(_ address: UInt64, level: Int) -> Int {
    Int((address >> UInt64(12 + 9 * (3 - level))) & 0x1FF)
  }

  /// A stage-1 page descriptor.
  package static func s1Page(_ pa: UInt64, writable: Bool, global: Bool = false) -> UInt64 {
    (pa & addressMask) | validTable | af | (global ? 0 : notGlobal) | (writable ? 0 : readOnly)
  }

  /// A stage-2 page descriptor.
  package static func s2Page(_ pa: UInt64, writable: Bool) -> UInt64 {
    (pa & addressMask) | validTable | af | s2Read | (writable ? s2Write : 0)
  }

  /// A table descriptor pointing at the next level.
  package static func table(_ next: UInt64) -> UInt64 { (next & addressMask) | validTable }
}

/// The outcome of one table walk.
package struct WalkResult: Sendable, Hashable {
  package enum Fault: String, Sendable, Hashable {
    case translation = "F_TRANSLATION"
    case access = "F_ACCESS"
    case addressSize = "F_ADDR_SIZE"
    case external = "F_WALK_EABT"
  }
  /// The page's output address (page aligned) when the walk succeeded.
  package var outputPage: UInt64?
  package var writable = false
  package var global = false
  /// Descriptor reads per level (index 0-3).
  package var readsPerLevel = [0, 0, 0, 0]
  package var fault: Fault?
  /// Each level read, when the walk was asked to record them (empty otherwise).
  package var levels: [WalkLevel] = []
}

/// One level of a table walk: the table, the slot read and the descriptor found.
package struct WalkLevel: Sendable, Hashable {
  package let level: Int
  package let table: UInt64
  package let index: Int
  package let slot: UInt64
  /// The descriptor, or nil when the read aborted.
  package let descriptor: UInt64?
}

/// Walks a 4-level table in simulated memory, reading one descriptor per level.
package enum PageTableWalker {
  package static func walk(
    root: UInt64, address: UInt64, stage2: Bool, memory: PhysicalMemory, recordLevels: Bool = false
  ) -> WalkResult {
    var result = WalkResult()
    guard address >> UInt64(PageTableFormat.inputBits) == 0 else {
      result.fault = .addressSize
      return result
    }
    var table = root
    for level in 0..<PageTableFormat.levels {
      let slot = table + UInt64(PageTableFormat.index(address, level: level) * 8)
      result.readsPerLevel[level] += 1
      let read = try? memory.read(slot)
      if recordLevels {
        let index = PageTableFormat.index(address, level: level)
        result.levels.append(
          WalkLevel(level: level, table: table, index: index, slot: slot, descriptor: read))
      }
      guard let desc = read else {
        result.fault = .external
        return result
      }
      guard desc & PageTableFormat.validTable == PageTableFormat.validTable else {
        result.fault = .translation
        return result
      }
      if level < PageTableFormat.levels - 1 {
        table = desc & PageTableFormat.addressMask
        continue
      }
      guard desc & PageTableFormat.af != 0 else {
        result.fault = .access
        return result
      }
      result.outputPage = desc & PageTableFormat.addressMask
      if stage2 {
        result.writable = desc & PageTableFormat.s2Write != 0
      } else {
        result.writable = desc & PageTableFormat.readOnly == 0
        result.global = desc & PageTableFormat.notGlobal == 0
      }
    }
    return result
  }
}
