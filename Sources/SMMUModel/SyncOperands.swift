/// CMD_SYNC's completion signal and MSI operands (IHI 0070 §4.7.3): CS q0[13:12], MSH
/// q0[23:22], MSIAttr q0[27:24], MSIData q0[63:32], MSIAddr q1[55:2].
package struct SyncOperands: Sendable, Hashable {
  /// CS: how the SMMU signals the sync's completion.
  package enum Signal: UInt64, Sendable, Hashable, CaseIterable {
    case none = 0
    /// A wired interrupt, plus the MSI write when MSIAddr is not 0.
    case irq = 1
    /// A send-event (WFE wake-up).
    case sev = 2
    /// CS = 0b11: CERROR_ILL.
    case reserved = 3

    /// The scenario syntax's word: none, irq, sev, reserved.
    package var name: String { ["none", "irq", "sev", "reserved"][Int(rawValue)] }
  }

  package var signal: Signal
  /// MSH: shareability of the MSI write.
  package var msh: UInt8
  /// MSIAttr: memory type of the MSI write.
  package var msiAttr: UInt8
  /// The 32-bit value the MSI writes.
  package var msiData: UInt32
  /// Where the MSI writes (bits 55:2; 0 = no MSI).
  package var msiAddress: UInt64

  package init(
    signal: Signal, msh: UInt8 = 3, msiAttr: UInt8 = 0xF, msiData: UInt32 = 0, msiAddress: UInt64 = 0
  ) {
    self.signal = signal
    self.msh = msh & 3
    self.msiAttr = msiAttr & 0xF
    self.msiData = msiData
    self.msiAddress = msiAddress & Self.addressMask
  }

  /// MSIAddr's bits in place (55:2).
  package static let addressMask: UInt64 = 0x00FF_FFFF_FFFF_FFFC

  /// The CMD_SYNC Linux builds when it does not poll an MSI (`arm_smmu_cmdq_build_cmd`
  /// with no msiaddr): CS=SEV, MSH=ISH, MSIAttr=OIWB, no address. `Command.sync` is this.
  package static let linux = SyncOperands(signal: .sev)

  /// True when the sync writes an MSI: CS=IRQ and MSIAddr != 0.
  package var writesMSI: Bool { signal == .irq && msiAddress != 0 }
}

/// One MSI store a CMD_SYNC made (a 32-bit write into simulated memory).
package struct MSIWrite: Sendable, Hashable {
  package let address: UInt64
  package let data: UInt32
  /// The write hit no memory (GERROR.MSI_CMDQ_ABT_ERR); the sync still completes.
  package let aborted: Bool

  package init(address: UInt64, data: UInt32, aborted: Bool) {
    self.address = address
    self.data = data
    self.aborted = aborted
  }

  package var description: String {
    "MSI \(hex(UInt64(data))) -> \(hex(address))" + (aborted ? " (aborted: no memory there)" : "")
  }
}
