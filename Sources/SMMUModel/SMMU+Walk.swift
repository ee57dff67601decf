/// The pieces of a `TranslationWalk` that `resolve` appends at its decision points: only
/// called when a walk is being recorded, so a headless translation builds none of this.
extension SMMU {
  /// The first step: the transaction as it arrives.
  static func transactionStep(_ t: Transaction) -> WalkStep {
    var s = WalkStep(
      kind: .transaction, title: "transaction", source: .none,
      note: t.ssid == nil ? "SSV=0 (no substream)" : "SSV=1")
    s.fields = [
      WalkField("SID", hex(UInt64(t.sid)), decided: true),
      WalkField("SSID", t.ssid.map { String($0) } ?? "-", decided: t.ssid != nil),
      WalkField("address", hex(t.address)), WalkField("access", t.write ? "write" : "read"),
    ]
    return s
  }

  /// A configuration structure, as `fetchLine` got it.
  static func structureStep(
    _ key: ConfigCacheKey, address: UInt64, qwords: [UInt64], source: WalkSource
  ) -> WalkStep {
    let kind: WalkStep.Kind
    switch key {
    case .ste: kind = .ste
    case .l1std: kind = .l1std
    case .cd: kind = .cd
    case .l1cd: kind = .l1cd
    }
    return WalkStep(kind: kind, title: key.description, address: address, descriptor: qwords, source: source)
  }

  /// The STE fields a translation reads, marking those that chose its path.
  static func steFields(_ ste: StreamTableEntry, ssv: Bool) -> [WalkField] {
    typealias S = StreamTableEntry
    let cfg = ste.configValue
    var f = [WalkField("V", String(ste[S.v]), decided: true), WalkField("Config", cfg.name, decided: true)]
    if cfg == .s1Translate || cfg == .nested {
      f += [
        WalkField("S1DSS", ste.s1dssValue.name, decided: !ssv && ste[S.s1cdmax] > 0),
        WalkField("S1ContextPtr", hex(ste.contextPointer), decided: true),
        WalkField("S1CDMax", String(ste[S.s1cdmax]), decided: ssv || ste[S.s1cdmax] > 0),
        WalkField("S1Fmt", ["linear", "4K_L2", "64K_L2", "linear"][Int(ste[S.s1fmt])]),
      ]
    }
    f.append(WalkField("EATS", ["abort", "trans", "s1chk", "res"][Int(ste[S.eats])]))
    if cfg == .s2Translate || cfg == .nested {
      f += [
        WalkField("S2VMID", String(ste[S.s2vmid]), decided: true),
        WalkField("S2TTB", hex(ste.s2TableAddress), decided: true),
      ]
    }
    return f
  }

  /// The CD fields of the translation regime.
  static func cdFields(_ cd: ContextDescriptor) -> [WalkField] {
    typealias C = ContextDescriptor
    return [
      WalkField("V", String(cd[C.v]), decided: true), WalkField("ASID", String(cd.asidValue), decided: true),
      WalkField("TTB0", hex(cd.tableAddress), decided: true), WalkField("T0SZ", String(cd[C.t0sz])),
      WalkField("TG0", ["4K", "64K", "16K", "res"][Int(cd[C.tg0])]), WalkField("IPS", String(cd[C.ips])),
      WalkField("EPD0", String(cd[C.epd0]), decided: cd[C.epd0] == 1), WalkField("EPD1", String(cd[C.epd1])),
      WalkField("AA64", String(cd[C.aa64])),
      WalkField("A/R/S", "\(cd[C.a])/\(cd[C.r])/\(cd[C.s])"),
    ]
  }

  /// A page-table level as the walker read it; `translates` marks a stage-2 level of a
  /// nested walk's sub-walk (the index of the step whose address it translates).
  static func levelStep(
    _ l: WalkLevel, input: UInt64, stage2: Bool, format: PageTableFormat = .standard, translates: Int? = nil
  ) -> WalkStep {
    let low = format.shift(level: l.level)
    let high = low + format.indexBits(level: l.level) - 1
    let bits = "\(stage2 ? "IPA" : "IOVA") bits \(high):\(low) = \(hex(UInt64(l.index)))"
    var s = WalkStep(
      kind: stage2 ? .s2Level : .s1Level, title: "\(stage2 ? "S2" : "S1") level \(l.level)", address: l.slot,
      descriptor: l.descriptor.map { [$0] } ?? [], source: l.descriptor == nil ? .fetchFailed : .fetched,
      note: translates == nil ? bits : "\(bits) (translating \(hex(input)))", level: l.level,
      translates: translates)
    s.fields = [WalkField("table", hex(l.table))]
    if let d = l.descriptor {
      let next = d & PageTableFormat.addressMask
      if d & 1 == 0 {
        s.fields.append(WalkField("type", "invalid", decided: true))
      } else if l.level < 3 && d & PageTableFormat.validTable == PageTableFormat.validTable {
        s.fields.append(WalkField("next table", hex(next), decided: true))
      } else {
        let block = l.level < 3
        let size = TLBKey.sizeName(format.shift(level: l.level))
        s.fields.append(WalkField(block ? "block (\(size))" : "page", hex(next), decided: true))
        s.fields.append(WalkField("AF", d & PageTableFormat.af != 0 ? "1" : "0"))
        if stage2 {
          s.fields.append(WalkField("S2AP.W", d & PageTableFormat.s2Write != 0 ? "1" : "0"))
        } else {
          s.fields.append(WalkField("AP[2] ro", d & PageTableFormat.readOnly != 0 ? "1" : "0"))
          s.fields.append(WalkField("nG", d & PageTableFormat.notGlobal != 0 ? "1" : "0"))
        }
      }
    }
    return s
  }

  /// A TLB lookup: a hit (with what drops the entry) or a miss.
  static func tlbStep(_ key: TLBKey, hit: TLBEntry?) -> WalkStep {
    var s = WalkStep(
      kind: .tlb, title: "TLB \(hit == nil ? "miss" : "hit")",
      source: hit.map { _ in .cached(droppedBy: InvalidationScope.droppedBy(key)) } ?? .missed,
      note: "key \(key)" + (hit == nil ? "" : ": page-table levels not read"))
    if let hit {
      s.fields = [
        WalkField("output page", hex(hit.outputPage), decided: true),
        WalkField("writable", hit.writable ? "yes" : "no"),
      ]
    }
    return s
  }

  /// A walk the endpoint's ATC answered: the SMMU saw nothing.
  static func atcWalk(_ t: Transaction, hit: ATCEntry, key: ATCKey) -> TranslationWalk {
    var w = TranslationWalk(transaction: t)
    w.append(transactionStep(t))
    var s = WalkStep(
      kind: .atc, title: "ATC hit", source: .cached(droppedBy: InvalidationScope.droppedBy(sid: t.sid, key)),
      note: "the endpoint translated it: the SMMU saw no request")
    s.fields = [
      WalkField("output page", hex(hit.outputPage), decided: true),
      WalkField("writable", hit.writable ? "yes" : "no"),
    ]
    w.append(s)
    if t.write && !hit.writable {
      w.fail(nil, recorded: false, reason: "the ATC entry is read-only: the endpoint refuses the write")
      w.finish(.aborted)
    } else {
      w.finish(.translated(hit.outputPage | (t.address & 0xFFF)))
    }
    return w
  }

  /// An ATC miss: the endpoint asks the SMMU.
  static func atcMissStep(_ key: ATCKey) -> WalkStep {
    WalkStep(kind: .atc, title: "ATC miss", source: .missed, note: "key \(key): the endpoint asks the SMMU")
  }

  /// The usual reason for an event, when the decision point gave none.
  static func walkReason(_ type: EventType) -> String {
    switch type {
    case .cBadStreamID: "SID beyond the stream table, or its L1 descriptor (Span) does not cover it"
    case .fSTEFetch: "external abort reading the stream table"
    case .cBadSTE: "STE.V=0 or the STE is ILLEGAL"
    case .cBadSubstreamID: "the SSID is not usable with this STE (S1CDMax, Config) or its L1CD.V=0"
    case .fStreamDisabled: "S1DSS refuses this substream"
    case .fCDFetch: "external abort reading the CD table"
    case .cBadCD: "CD.V=0 or the CD is ILLEGAL"
    case .fTranslation: "no valid descriptor for this address"
    case .fAccess: "the page descriptor's access flag (AF) is 0"
    case .fAddrSize: "the address is beyond the input range"
    case .fPermission: "a write to a read-only page"
    case .fWalkEABT: "external abort reading a page-table descriptor"
    case .fBadATSTReq: "an ATS request while ATS is disabled"
    }
  }
}
