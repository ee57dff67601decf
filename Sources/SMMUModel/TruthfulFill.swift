/// The last TLB fill whose resolution was the cache-less one (the hazard checks' "truth"):
/// every configuration line it used was the line memory held at the address the lookup
/// computed, and it had no stage 2. While memory and the stream-table registers stay as they
/// were, a hit on that entry by the same stream and substream resolves without caches to the
/// same table, output and permission the entry holds, so the checks need not resolve it again.
struct TruthfulFill: Sendable, Hashable {
  let sid: UInt32
  let ssid: UInt32?
  let key: TLBKey
  /// `PhysicalMemory.generation` at the fill.
  let memoryGeneration: UInt64
  /// STRTAB_BASE and STRTAB_BASE_CFG at the fill.
  let streamTableBase: UInt64
  let streamTableBaseConfig: UInt64

  /// True when a hit on `hitKey` by `t` needs no cache-less resolution, given the SMMU's
  /// memory generation and stream-table registers now (passed, not read from an SMMU: a
  /// mutating method asking would copy the whole SMMU).
  func covers(
    _ t: Transaction, key hitKey: TLBKey, memoryGeneration generation: UInt64, streamTableBase base: UInt64,
    streamTableBaseConfig config: UInt64
  ) -> Bool {
    hitKey == key && t.sid == sid && t.ssid == ssid && generation == memoryGeneration
      && base == streamTableBase && config == streamTableBaseConfig
  }
}
