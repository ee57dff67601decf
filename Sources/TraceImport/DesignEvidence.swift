import SMMUModel

/// Which CD-table design a traced driver used, decided from its command stream.
///
/// The layout cannot tell: with one device per domain both designs give each SID its own
/// table. The order of commands can. The legacy design writes a domain's CD while no STE
/// points at its table yet, so the CD store is fenced by CMD_SYNCs with nothing to invalidate
/// (no CFGI_CD) before the SID's first CFGI_STE. The per-master design writes each CD
/// through the entry writer, which follows every store with CFGI_CD for the master's SIDs,
/// so a CFGI_CD for the SID comes before its first CFGI_STE.
package struct DesignEvidence: Sendable, Hashable {
  /// The verdict.
  package enum Verdict: String, Sendable, Hashable {
    case legacy, perMaster = "per-master", cannotTell = "cannot tell"
  }

  /// SIDs whose first CFGI_STE followed bare CMD_SYNCs and no CFGI_CD of theirs.
  package var legacySIDs: [UInt32] = []
  /// SIDs with a CFGI_CD before their first CFGI_STE.
  package var perMasterSIDs: [UInt32] = []

  /// The verdict: one design when only its evidence was seen.
  package var verdict: Verdict {
    switch (legacySIDs.isEmpty, perMasterSIDs.isEmpty) {
    case (false, true): .legacy
    case (true, false): .perMaster
    default: .cannotTell
    }
  }

  /// Weighs the commands for the stage-1 SIDs (those whose STE points at a CD table).
  package init(commands: [ImportedCommand], stage1SIDs: Set<UInt32>) {
    var installed: Set<UInt32> = []
    var invalidatedCD: Set<UInt32> = []
    var bareSyncs = 0
    var previousWasSync = true
    for c in commands {
      switch c.command {
      case .cfgiCD(let sid, _, _)?, .cfgiCDAll(let sid)?:
        invalidatedCD.insert(sid)
      case .cfgiSTE(let sid, _)? where stage1SIDs.contains(sid) && !installed.contains(sid):
        installed.insert(sid)
        if invalidatedCD.contains(sid) {
          perMasterSIDs.append(sid)
        } else if bareSyncs > 0 {
          legacySIDs.append(sid)
        }
      default: break
      }
      let isSync = c.name == "SYNC" || c.command == .sync
      bareSyncs = isSync ? (previousWasSync ? bareSyncs + 1 : 0) : 0
      previousWasSync = isSync
    }
  }

  /// One line for the report.
  package var summary: String {
    func list(_ s: [UInt32]) -> String { s.map { hex(UInt64($0)) }.joined(separator: ", ") }
    switch verdict {
    case .legacy:
      return "legacy, domain-owned CD tables: the CD of SID \(list(legacySIDs)) was written before its "
        + "STE pointed at the table (bare CMD_SYNCs, no CFGI_CD)"
    case .perMaster:
      return "per-master CD tables: CFGI_CD for SID \(list(perMasterSIDs)) followed the CD store "
        + "before its STE was installed"
    case .cannotTell:
      if legacySIDs.isEmpty && perMasterSIDs.isEmpty {
        return "cannot tell: no stage-1 STE was installed in the traced commands"
      }
      return "cannot tell: SIDs \(list(legacySIDs)) look legacy, SIDs \(list(perMasterSIDs)) per-master"
    }
  }
}
