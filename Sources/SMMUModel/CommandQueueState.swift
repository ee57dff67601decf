/// The command queue's consumer side (IHI 0070 §4.1.3, §7.1; smmuv3-hardware.md §10.16):
/// CONS.RD, CONS.ERR, and GERROR.CMDQ_ERR against its GERRORN acknowledgement. The commands
/// waiting behind an error are `SMMU.heldCommands`.
package struct CommandQueueState: Sendable, Hashable {
  /// CONS.ERR codes.
  package enum ErrorCode: UInt8, Sendable, Hashable, CaseIterable {
    case none = 0
    /// CERROR_ILL: a reserved opcode, a bad parameter, SSec=1, or an absent feature.
    case ill = 1
    /// CERROR_ABT: an abort on the command fetch.
    case abt = 2
    /// CERROR_ATC_INV_SYNC: an ATC invalidation did not complete; the SYNC stays unconsumed.
    case atcInvSync = 3

    /// As `expect cmdq.error` spells it: none, ILL, ABT, ATC_INV_SYNC.
    package var name: String { ["none", "ILL", "ABT", "ATC_INV_SYNC"][Int(rawValue)] }
  }

  /// CONS.RD: the index of the next command to consume, counted from reset (the model's
  /// queue does not wrap). While an error is active it is the faulting command's index.
  package internal(set) var cons: UInt64 = 0
  /// CONS.ERR of the active error (none when no error is active).
  package internal(set) var error = ErrorCode.none
  /// GERROR.CMDQ_ERR: toggled when an error stops the queue.
  package internal(set) var gerror = false
  /// GERRORN.CMDQ_ERR: the driver's acknowledgement (written equal to GERROR).
  package internal(set) var gerrorn = false
  /// MSI stores by CMD_SYNCs, oldest first.
  package internal(set) var msiWrites: [MSIWrite] = []

  package init() {}

  /// True while an error is raised and not yet acknowledged (GERROR != GERRORN).
  package var errorActive: Bool { gerror != gerrorn }
}
