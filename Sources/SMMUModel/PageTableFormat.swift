/// A translation regime's table format: AArch64 long-descriptor tables of one granule (4, 16
/// or 64 KiB), an input size, the level the walk starts at and the output size. The hardware
/// walker reads it from the CD (T0SZ/TG0/IPS, or T1SZ/TG1) or the STE (S2T0SZ/S2SL0/S2TG/S2PS);
/// the driver's io-pgtable builds `standard` tables (4 KiB granule, 48-bit input, start
/// level 0, 48-bit output). The descriptor encodings are static.
package struct PageTableFormat: Sendable, Hashable {
  /// log2 of the granule: 12 (4 KiB), 14 (16 KiB) or 16 (64 KiB).
  package let granuleShift: Int
  /// Input address bits (64 - TxSZ).
  package let inputSize: Int
  /// The level the walk starts at (0-3); its table may be concatenated (stage 2 only).
  package let startLevel: Int
  /// Output address bits (the effective IPS or S2PS, capped by the SMMU's OAS).
  package let outputSize: Int

  /// A format; without `startLevel`, the one that resolves `inputSize` bits (stage 1).
  package init(granuleShift: Int = 12, inputSize: Int = 48, startLevel: Int? = nil, outputSize: Int = 48) {
    self.granuleShift = granuleShift
    self.inputSize = inputSize
    self.outputSize = outputSize
    let perLevel = granuleShift - 3
    let levels = (inputSize - granuleShift + perLevel - 1) / perLevel
    self.startLevel = startLevel ?? max(0, 4 - levels)
  }

  /// The driver's regime: 4 KiB granule, 48-bit input, four levels, 48-bit output.
  package static let standard = PageTableFormat()

  /// The granule in bytes.
  package var granuleBytes: UInt64 { 1 << UInt64(granuleShift) }
  /// Address bits one table level resolves (9, 11 or 13).
  package var bitsPerLevel: Int { granuleShift - 3 }
  /// log2 of the bytes one descriptor at `level` maps (4K granule: 39, 30, 21, 12).
  package func shift(level: Int) -> Int { granuleShift + bitsPerLevel * (3 - level) }
  /// Index bits at `level`: the start level takes every bit up to the input size (more than
  /// `bitsPerLevel` for a concatenated stage-2 start table).
  package func indexBits(level: Int) -> Int {
    level == startLevel ? inputSize - shift(level: level) : bitsPerLevel
  }
  /// Index into the table at `level` for input address `address`.
  package func tableIndex(_ address: UInt64, level: Int) -> Int {
    Int((address >> UInt64(shift(level: level))) & ((1 << UInt64(indexBits(level: level))) - 1))
  }
  /// Bytes of the table at `level` (a concatenated start table is several granules).
  package func tableBytes(level: Int) -> UInt64 { UInt64(8) << UInt64(max(indexBits(level: level), 0)) }
  /// Levels a block descriptor may sit at: 4K granule 1 (1 GiB) and 2 (2 MiB); 16K 2
  /// (32 MiB); 64K 2 (512 MiB). Level-1 blocks of 16K/64K need 52-bit descriptors (not modelled).
  package func allowsBlock(level: Int) -> Bool { level == 2 || (level == 1 && granuleShift == 12) }

  /// The granule TG0 (and VTCR.TG / STE.S2TG) selects: 0 4K, 1 64K, 2 16K, 3 reserved.
  package static func granuleShift(tg0: UInt64) -> Int? { [12, 16, 14, nil][Int(tg0 & 3)] }
  /// The granule TG1 selects: 0 reserved, 1 16K, 2 4K, 3 64K.
  package static func granuleShift(tg1: UInt64) -> Int? { [nil, 14, 12, 16][Int(tg1 & 3)] }
  /// Address bits of an IPS / PS encoding (0b110 52 bits; 0b111 behaves as 0b110 before v3.4).
  package static func addressBits(ps: UInt64) -> Int { AddressSize.bits[Int(min(ps & 7, 6))] }

  // MARK: The driver's regime, as constants (io-pgtable, importer, views)

  package static let granule: UInt64 = 4096
  /// The most levels a walk reads.
  package static let levels = 4
  package static let inputBits = 48
  /// Index into a `standard` table at `level`.
  package static func index(_ address: UInt64, level: Int) -> Int {
    Int((address >> UInt64(12 + 9 * (3 - level))) & 0x1FF)
  }

  // MARK: Descriptors

  /// Bits 1:0 = 0b11: a table descriptor at levels 0-2, a page descriptor at level 3.
  package static let validTable: UInt64 = 0b11
  /// Bits 1:0 = 0b01: a block descriptor (at a level that allows blocks).
  package static let validBlock: UInt64 = 0b01
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

  /// A stage-1 page descriptor.
  package static func s1Page(_ pa: UInt64, writable: Bool, global: Bool = false) -> UInt64 {
    (pa & addressMask) | validTable | af | (global ? 0 : notGlobal) | (writable ? 0 : readOnly)
  }

  /// A stage-2 page descriptor.
  package static func s2Page(_ pa: UInt64, writable: Bool) -> UInt64 {
    (pa & addressMask) | validTable | af | s2Read | (writable ? s2Write : 0)
  }

  /// A block descriptor: the page descriptor's attributes with type 0b01.
  package static func block(_ pa: UInt64, writable: Bool, stage2: Bool, global: Bool = false) -> UInt64 {
    let page = stage2 ? s2Page(pa, writable: writable) : s1Page(pa, writable: writable, global: global)
    return page & ~validTable | validBlock
  }

  /// A table descriptor pointing at the next level.
  package static func table(_ next: UInt64) -> UInt64 { (next & addressMask) | validTable }
}
