import SMMUModel

/// A guest behind a vSMMU: its stores into its own RAM (IPA -> the nest parent's stage 2 ->
/// PA), its commands through the vSMMU, and the helpers its driver (Driver+GuestDriver) uses.
extension Driver {
  /// A placeholder the SMMU is swapped with while a `GuestMemory` holds it.
  private static let idleSMMU = SMMU(features: SMMUFeatures())

  /// The vSMMU, with the nest parent's stage-2 table (-ENODEV, or -EFAULT before any map).
  func guestStage2(_ viommu: String) throws(DriverError) -> IOPageTable {
    try requirePerMasterForNesting("guest of \(viommu)")
    guard let v = viommus[viommu] else { throw DriverError(.enodev, "no viommu \(viommu)") }
    guard let t = domains[v.parent]?.pageTable else {
      throw DriverError(.efault, "\(viommu) has no guest RAM: its nest parent \(v.parent) maps nothing")
    }
    return t
  }

  /// The PA behind a guest IPA; -EFAULT when the nest parent does not map it.
  func guestPA(_ viommu: String, _ ipa: UInt64) throws(DriverError) -> UInt64 {
    let t = try guestStage2(viommu)
    guard let pa = t.translate(ipa) else {
      throw DriverError(
        .efault, "IPA \(hex(ipa)) is not guest RAM of \(viommu): its nest parent does not map it")
    }
    return pa
  }

  /// Runs `body` on the guest's RAM (the SMMU moved in, not copied, and back after).
  mutating func withGuestMemory<R>(
    _ viommu: String, _ body: (inout GuestMemory) throws(DriverError) -> R
  ) throws(DriverError) -> R {
    var mem = GuestMemory(
      smmu: smmu, stage2: try guestStage2(viommu), ram: guests[viommu, default: Guest()].ram, viommu: viommu)
    smmu = Self.idleSMMU
    defer {
      smmu = mem.smmu
      guests[viommu, default: Guest()].ram = mem.ram
    }
    return try body(&mem)
  }

  /// A vSID's vSTE as it sits in the guest's stream table, read from guest memory (nil
  /// before the guest's driver made its table), with the vSTE's IPA.
  package func guestStreamTableEntry(viommu: String, vsid: UInt32) -> (ipa: UInt64, q0: UInt64, q1: UInt64)? {
    guard let base = guests[viommu]?.streamTable, vsid < 1 << Guest.streamTableSIDBits else { return nil }
    let ipa = base + UInt64(vsid) * 64
    guard let pa = try? guestPA(viommu, ipa), let q = try? smmu.memory.readEntry(pa) else { return nil }
    return (ipa, q[0], q[1])
  }

  /// `guest V write IPA VALUE`: the guest stores 64 bits into its RAM.
  package mutating func guestWrite(viommu: String, ipa: UInt64, value: UInt64) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard ipa % 8 == 0 else { throw DriverError(.einval, "IPA \(hex(ipa)) is not 8-byte aligned") }
      let pa = try d.guestPA(viommu, ipa)
      guard let w = try? d.smmu.write(pa, value, writer: "guest") else {
        throw DriverError(.efault, "IPA \(hex(ipa)) -> PA \(hex(pa)) is not in allocated memory")
      }
      d.note("guest \(viommu): IPA \(hex(ipa)) (PA \(hex(pa))): \(hex(w.old)) -> \(hex(w.new))")
    }
  }

  /// `guest V cmd ...`: the guest's commands through the vSMMU (one invalidation call).
  package mutating func guestCommands(viommu: String, _ commands: [Command]) -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      try d.requirePerMasterForNesting("guest commands on \(viommu)")
      try d.issueGuestCommands(viommu, commands)
    }
  }

  /// The guest's entry writer on CD `ssid` of a vSID's table: stores at the CD's PA, each
  /// sync a guest CFGI_CD (its vSID) through the vSMMU.
  mutating func writeGuestCD(_ viommu: String, vsid: UInt32, ssid: UInt32, _ target: ContextDescriptor)
    throws(DriverError)
  {
    guard let table = guests[viommu]?.cdTables[vsid] else { return }
    let pa = try guestPA(viommu, table.address(ssid))
    var entry = (try? smmu.memory.readEntry(pa)) ?? EntryQwords()
    var failure: DriverError?
    let owner = "guest \(viommu) vSID \(vsid)"
    insideWriter = true
    EntryWriter(kind: .cd).update(
      entry: &entry, target: target.qwords,
      store: { i, v in store(pa + UInt64(i * 8), v, target: .cd, ssid: ssid, table: owner, qword: i) },
      sync: {
        guard failure == nil else { return }
        do throws(DriverError) {
          try issueGuestCommands(viommu, [.cfgiCD(sid: vsid, ssid: ssid, leaf: true)])
        } catch { failure = error }
      })
    insideWriter = false
    if let failure { throw failure }
  }
}
