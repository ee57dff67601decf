/// What a command needs the SMMU to implement; without it the command is CERROR_ILL
/// (IHI 0070 §4.1.3 and each command's description; smmuv3-hardware.md §10.17).
package enum CommandRequirement: String, Sendable, Hashable, CaseIterable {
  case stage1 = "stage 1"
  case stage2 = "stage 2"
  case ats = "ATS"
  case hyp = "Hyp (EL2)"
  case stalls = "stalls (STALL_MODEL=01)"

  /// The requirement of each opcode that has one.
  package static let byOpcode: [UInt8: CommandRequirement] = [
    0x05: .stage1, 0x06: .stage1,  // CFGI_CD, CFGI_CD_ALL
    0x10: .stage1, 0x11: .stage1, 0x12: .stage1, 0x13: .stage1,  // TLBI_NH_ALL/_ASID/_VA/_VAA
    0x20: .hyp, 0x21: .hyp, 0x22: .hyp, 0x23: .hyp,  // TLBI_EL2_ALL/_ASID/_VA/_VAA
    0x28: .stage2, 0x2A: .stage2,  // TLBI_S12_VMALL, TLBI_S2_IPA
    0x40: .ats,  // ATC_INV
    0x44: .stalls, 0x45: .stalls,  // RESUME, STALL_TERM
  ]

  /// `byOpcode` for a decoded command, by its `Command.nameIndex` (checked once per command
  /// consumed: no table, no hashing; `CommandRequirementTests` checks it against `byOpcode`).
  static func of(nameIndex: Int) -> CommandRequirement? {
    switch nameIndex {
    case 4, 5, 6, 7, 8, 9: .stage1  // CFGI_CD, CFGI_CD_ALL, TLBI_NH_ALL/_ASID/_VA/_VAA
    case 10, 11, 12, 13: .hyp  // TLBI_EL2_ALL/_ASID/_VA/_VAA
    case 14, 15: .stage2  // TLBI_S12_VMALL, TLBI_S2_IPA
    case 17: .ats  // ATC_INV
    case 19, 20: .stalls  // RESUME, STALL_TERM
    default: nil
    }
  }

  /// Architected opcodes the model does not decode but accepts, as no-ops (hints).
  package static let acceptedUnmodelled: [UInt8: String] = [0x02: "PREFETCH_ADDR"]
}

extension SMMUFeatures {
  /// True when the SMMU implements what `r` names.
  package func has(_ r: CommandRequirement) -> Bool {
    switch r {
    case .stage1: stage1
    case .stage2: stage2
    case .ats: ats
    case .hyp: hyp
    case .stalls: stallModel != .terminateOnly
    }
  }
}

extension SMMU {
  /// Why a command is CERROR_ILL on this SMMU, or nil.
  package func illegality(of c: Command) -> String? { Self.illegality(of: c, features: features) }

  /// Why a command is CERROR_ILL on an SMMU with `features`, or nil. Static: `submit` calls
  /// it, and a method on the SMMU called from a mutating one would copy the whole SMMU.
  static func illegality(of c: Command, features: SMMUFeatures) -> String? {
    illegality(of: c, nameIndex: c.nameIndex, features: features)
  }

  /// `illegality(of:features:)` for a command whose `nameIndex` is already known (inlined
  /// into `submit`, where a CMD_SYNC is answered by one comparison).
  @inline(__always)
  static func illegality(of c: Command, nameIndex: Int, features: SMMUFeatures) -> String? {
    // CMD_SYNC (about half of what the driver issues) needs no feature; only CS=0b11 is
    // illegal. Answered before the opcode lookup.
    if nameIndex == Command.syncNameIndex {
      if case .syncSignal(let s) = c, s.signal == .reserved { return "CMD_SYNC with CS=0b11" }
      return nil
    }
    if case .raw(let q0, _) = c {
      if q0 & (1 << 10) != 0 { return "SSec=1 on the Non-secure command queue" }
      if CommandRequirement.acceptedUnmodelled[c.opcode] != nil { return nil }
      return "reserved or unimplemented opcode \(hex(UInt64(c.opcode)))"
    }
    if let need = CommandRequirement.of(nameIndex: nameIndex), !features.has(need) {
      return "no \(need.rawValue)"
    }
    switch c {
    case .tlbiNHVA(_, _, _, _, let r?), .tlbiNHVAA(_, _, _, let r?), .tlbiS2IPA(_, _, _, let r?):
      if r.tg != 0 && r.num == 0 && r.scale == 0 && r.ttl == 0 { return "range TLBI with NUM=SCALE=TTL=0" }
    default: break
    }
    return nil
  }
}
