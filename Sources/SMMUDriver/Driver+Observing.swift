import SMMUModel

extension Driver {
  /// A driver view over an SMMU programmed by someone else (an imported run): one master per
  /// named SID, each with the CD table its STE points at, so the explorer's panes can show
  /// the tables. The driver issues nothing.
  package init?(observing smmu: SMMU, streams: [(name: String, sid: UInt32)]) {
    guard let table = StreamTable(adoptingTableOf: smmu) else { return nil }
    options = DriverOptions(design: .perMaster)
    self.smmu = smmu
    streamTable = table
    asidBits = smmu.features.asid16 ? 16 : 8
    for (name, sid) in streams {
      var m = Master(name: name, sids: [sid], ssidBits: 0, ats: false, stall: false, group: nil)
      if let ste = ste(sid: sid) {
        if ste.isValid, ste.configValue == .s1Translate || ste.configValue == .nested {
          m.cdTable = CDTable(
            adoptingFrom: ste, in: smmu.memory, owner: "cd-table at \(hex(ste.contextPointer))")
          m.cdTableInSTE = true
        }
      }
      masters[name] = m
      recentMasters.forget()
      masterOrder.append(name)
      sidOwners[sid] = name
    }
  }
}

extension Driver {
  /// This driver over another SMMU (the explorer shows a checker finding's point this way:
  /// the driver's masters and tables, the hardware and memory as they were there).
  package func viewing(_ other: SMMU) -> Driver {
    var d = self
    d.smmu = other
    return d
  }
}
