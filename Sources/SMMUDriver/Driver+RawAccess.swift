import SMMUModel

/// Raw accesses a scenario makes past the driver, as a developer poking the hardware would:
/// stores into the L1 descriptors and anywhere in memory, CR0.SMMUEN, and consuming the event
/// queue. Each is recorded in the trace; none is a driver store.
extension Driver {
  /// A raw store into the L1 stream-table descriptor covering `sid` (2-level tables only).
  package mutating func rawWriteL1STD(sid: UInt32, value: UInt64) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard d.streamTable.format == .twoLevel else {
        throw DriverError(.einval, "the stream table is linear: it has no L1 descriptors")
      }
      guard UInt64(sid) < d.streamTable.sidLimit else {
        throw DriverError(.einval, "SID \(hex(UInt64(sid))) is beyond the stream table")
      }
      let address = d.streamTable.root.base + UInt64(Int(sid) >> StreamTable.split) * 8
      d.rawStore(address, value, target: .l1std, sid: sid)
    }
  }

  /// A raw store into L1 descriptor `index` of a 2-level CD table owned by a master
  /// (per-master) or a domain (legacy).
  package mutating func rawWriteL1CD(owner: String, index: Int, value: UInt64) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard let table = d.masters[owner]?.cdTable ?? d.domains[owner]?.legacyCDTable else {
        throw DriverError(.einval, "\(owner) has no CD table")
      }
      guard table.format == .twoLevel else {
        throw DriverError(.einval, "\(owner)'s CD table is linear: it has no L1 descriptors")
      }
      guard index < table.rootEntries else {
        throw DriverError(.einval, "\(owner)'s CD table has \(table.rootEntries) L1 descriptors")
      }
      d.rawStore(table.root.base + UInt64(index * 8), value, target: .l1cd, table: table.owner)
    }
  }

  /// A raw 64-bit store anywhere in allocated memory (8-byte aligned).
  package mutating func rawWriteMemory(address: UInt64, value: UInt64) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard address % 8 == 0 else { throw DriverError(.einval, "\(hex(address)) is not 8-byte aligned") }
      guard d.smmu.memory.allocation(containing: address) != nil else {
        throw DriverError(.einval, "\(hex(address)) is not in allocated memory")
      }
      do {
        let w = try d.smmu.write(address, value, writer: "scenario")
        d.note("mem \(hex(address)): \(hex(w.old)) -> \(hex(w.new))")
      } catch {
        throw DriverError(.einval, "store to \(hex(address)): \(error)")
      }
    }
  }

  /// Sets CR0.SMMUEN (the driver enabled it at probe). While 0, GBPA decides.
  package mutating func setSMMUEnabled(_ on: Bool) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      d.smmu.setEnabled(on)
      d.note("CR0.SMMUEN=\(on ? 1 : 0)" + (on ? "" : ", GBPA.ABORT=\(d.smmu.features.gbpaAbort ? 1 : 0)"))
    }
  }

  /// Consumes every event-queue record and acknowledges an overflow (what the driver's event
  /// thread does).
  package mutating func acknowledgeEvents() -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      let n = d.smmu.eventQueue.count
      d.smmu.consumeEvents()
      d.note("evtq: \(n) records consumed")
    }
  }

  /// A logged raw store into a descriptor (not counted as a store outside the writer).
  mutating func rawStore(
    _ address: UInt64, _ value: UInt64, target: TraceWrite.Target, sid: UInt32? = nil, table: String? = nil
  ) {
    insideWriter = true
    store(address, value, target: target, sid: sid, table: table, qword: 0)
    insideWriter = false
  }

  /// An operation ended (a model-changing scenario line, or a `begin`/`end` group): the SMMU
  /// counts the invalidations it left pending (`SMMU.invalidationsLeftPending`). Returns how
  /// many are pending.
  @discardableResult
  package mutating func endOperation() -> Int { smmu.endOperation() }
}
