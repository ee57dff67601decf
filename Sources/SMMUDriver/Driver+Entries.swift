import SMMUModel

/// Reading the tables back: the one place that turns a SID or a (table, SSID) into the entry
/// in memory. Thin on purpose: the geometry lives in `StreamTable`/`CDTable`, the bytes in
/// the model's memory.
extension Driver {
  /// The STE of `sid` as it is in memory; nil when the stream table has no backed slot for it.
  package func ste(sid: UInt32) -> StreamTableEntry? {
    guard let a = streamTable.steAddress(sid), let q = try? smmu.memory.readEntry(a) else { return nil }
    return StreamTableEntry(qwords: q)
  }

  /// CD `ssid` of `table` as it is in memory; nil when the table has no backed slot for it.
  package func cd(table: CDTable, ssid: UInt32) -> ContextDescriptor? {
    guard let a = table.cdAddress(ssid), let q = try? smmu.memory.readEntry(a) else { return nil }
    return ContextDescriptor(qwords: q)
  }

  /// The SSIDs of `table` whose CD is valid, in order (only backed slots are read).
  package func validSSIDs(of table: CDTable) -> [UInt32] {
    table.backedSSIDs.filter { ssid in
      guard let a = table.cdAddress(ssid), let q0 = try? smmu.read(a) else { return false }
      return q0 & ContextDescriptor.v.mask != 0
    }
  }
}
