import SMMUModel

/// Guest commands through a vSMMU (`arm_vsmmu_cache_invalidate`, upstream-2026.md §1.7):
/// each is converted, then issued on the physical queue in chunks of at most 63, each
/// followed by one CMD_SYNC.
extension Driver {
  /// Commands per chunk (CMDQ_BATCH_ENTRIES - 1: room for the CMD_SYNC).
  static let guestChunk = 63

  /// One guest command as the host issues it: the vSMMU's VMID forced into NH TLBIs
  /// (TLBI_NSNH_ALL becomes TLBI_NH_ALL, q1 = 0); the vSID of CFGI_CD, CFGI_CD_ALL and ATC_INV
  /// replaced by the physical SID of the vDEVICE's master (-EIO for an unknown vSID); every
  /// other command -EIO.
  func convertGuestCommand(_ c: Command, on v: VSMMU) throws(DriverError) -> Command {
    func sid(_ vsid: UInt32) throws(DriverError) -> UInt32 {
      guard let name = v.vdevices[vsid], let s = masters[name]?.sids.first else {
        throw DriverError(.eio, "\(c.name): vSID \(vsid) is no vDEVICE of \(v.name)")
      }
      return s
    }
    switch c {
    case .tlbiNSNHAll, .tlbiNHAll: return .tlbiNHAll(vmid: v.vmid)
    case .tlbiNHASID(_, let asid): return .tlbiNHASID(vmid: v.vmid, asid: asid)
    case .tlbiNHVA(_, let asid, let a, let leaf, let r):
      return .tlbiNHVA(vmid: v.vmid, asid: asid, address: a, leaf: leaf, range: r)
    case .tlbiNHVAA(_, let a, let leaf, let r):
      return .tlbiNHVAA(vmid: v.vmid, address: a, leaf: leaf, range: r)
    case .cfgiCD(let vsid, let ssid, let leaf): return .cfgiCD(sid: try sid(vsid), ssid: ssid, leaf: leaf)
    case .cfgiCDAll(let vsid): return .cfgiCDAll(sid: try sid(vsid))
    case .atcInv(let vsid, let ssid, let a, let size):
      return .atcInv(sid: try sid(vsid), ssid: ssid, address: a, size: size)
    default:
      throw DriverError(
        .eio, "the vSMMU does not take a guest \(c.name) (only NH TLBIs, CFGI_CD(_ALL), ATC_INV)")
    }
  }

  /// Converts and issues a guest's commands. On -EIO the chunk holding the bad entry is not
  /// issued (earlier chunks were); the error names the entry.
  mutating func issueGuestCommands(_ viommu: String, _ commands: [Command]) throws(DriverError) {
    guard let v = viommus[viommu] else { throw DriverError(.enodev, "no viommu \(viommu)") }
    var start = 0
    while start < commands.count {
      let chunk = commands[start..<min(start + Self.guestChunk, commands.count)]
      var out: [Command] = []
      for (k, c) in chunk.enumerated() {
        do throws(DriverError) {
          out.append(try convertGuestCommand(c, on: v))
        } catch {
          throw DriverError(error.code, "guest command \(start + k) on \(viommu): \(error.message)")
        }
      }
      note("vSMMU \(viommu): \(out.count) guest command(s) converted (VMID \(v.vmid)), then CMD_SYNC")
      for c in out { issue(c) }
      issue(.sync)
      start += Self.guestChunk
    }
  }
}
