import SMMUModel

extension Driver {
  /// `arm_smmu_gerror_handler` for GERROR.CMDQ_ERR: logs the error, overwrites a CERROR_ILL
  /// command with a CMD_SYNC (`arm_smmu_cmdq_skip_err`) and acknowledges it with GERRORN, so
  /// the commands held behind it, the sync the driver waits for included, run.
  mutating func handleCommandError() {
    guard let e = smmu.commandError else { return }
    note("CMDQ error: \(e); skipping the command (overwritten with CMD_SYNC), GERRORN acknowledges")
    smmu.acknowledgeCommandError()
  }

  /// The command-queue error, acknowledged as Linux's GERROR handler does (`ack cmdq`).
  package mutating func acknowledgeCommandError() -> OperationTrace {
    operation { (d: inout Driver) throws(DriverError) in
      guard d.smmu.commandError != nil else {
        d.note("no command-queue error to acknowledge")
        return
      }
      let consumed = d.smmu.commandQueue.cons
      let completed = d.smmu.stallCompletions.count
      d.handleCommandError()
      d.note("\(d.smmu.commandQueue.cons - consumed) held command(s) consumed")
      for s in d.smmu.stallCompletions.dropFirst(completed) {
        d.note(s.description)
        d.trace.translation = s.result
      }
    }
  }

  /// `master->stall_enabled` at probe: the device can stall and the SMMU supports stalls
  /// (ARM_SMMU_FEAT_STALLS), or the SMMU forces stalls (ARM_SMMU_FEAT_STALL_FORCE).
  func stallEnabled(requested: Bool) -> Bool {
    switch smmu.features.stallModel {
    case .terminateOnly: false
    case .stallOrTerminate: requested
    case .stallForced: true
    }
  }
}
