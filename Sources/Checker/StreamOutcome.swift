import SMMUModel

/// What one transaction of a stream can come to at an observation point, as the checker
/// compares them: an abort (and the event it records), a bypass, or a translation context
/// (the bits of the STE and CD the SMMU uses, and the table root), with, for a probed page,
/// the output address or fault.
package struct StreamOutcome: Sendable, Hashable, CustomStringConvertible {
  /// The configuration's verdict.
  package enum Config: Sendable, Hashable {
    /// Aborted by the configuration; the event type recorded, if any.
    case abort(EventType?)
    /// Bypassed; the STE's used bits (SHCFG and the rest of what a bypass STE uses).
    case bypass(EntryQwords)
    /// Translated through this context.
    case translate(Context)
  }

  /// A translation context: the used bits of the STE and CD (equal used bits behave the same,
  /// the rule of the upstream entry writer), and what a reader wants to see of them.
  package struct Context: Sendable, Hashable {
    package let steUsed: EntryQwords
    package let cdUsed: EntryQwords?
    /// Root of the final stage's table, and of the stage-2 table when stage 2 is on.
    package let root: UInt64
    package let s2Root: UInt64?
    package let asid: UInt16?
    package let vmid: UInt16?
  }

  /// A probed page's result.
  package enum Page: Sendable, Hashable {
    case output(UInt64)
    case fault(EventType?)
  }

  package let config: Config
  /// The probed page's input address and result (nil for a configuration-only probe).
  package let page: UInt64?
  package let result: Page?

  /// True for an abort a breaking update passes through: an entry with V=0 (C_BAD_STE,
  /// C_BAD_CD, an L1CD's C_BAD_SUBSTREAMID), or an STE with Config=abort (no event), the
  /// blocking step of a detach-then-attach.
  package var isBreakAbort: Bool {
    guard case .abort(let e) = config else { return false }
    return e == nil || e == .cBadSTE || e == .cBadCD || e == .cBadSubstreamID
  }

  package var description: String {
    var s: String
    switch config {
    case .abort(let e): s = "abort" + (e.map { " (\($0.name))" } ?? " (no event)")
    case .bypass: s = "bypass"
    case .translate(let c):
      let stage = c.cdUsed == nil ? "stage 2" : c.s2Root == nil ? "stage 1" : "nested"
      s = "\(stage) table \(hex(c.root))"
      if let a = c.asid { s += " asid \(a)" }
      if let v = c.vmid, c.s2Root != nil { s += " vmid \(v)" }
    }
    if let page, let result {
      switch result {
      case .output(let pa): s += ": va \(hex(page)) -> pa \(hex(pa))"
      case .fault(let e): s += ": va \(hex(page)) faults" + (e.map { " (\($0.name))" } ?? "")
      }
    }
    return s
  }

  /// The outcome of a probe (of a configuration, or of a page when `page` is given).
  init(_ p: Probe, page: UInt64?) {
    let ste = p.lines.last { if case .ste = $0.key { true } else { false } }.map {
      StreamTableEntry(qwords: $0.line.entry)
    }
    let cdLine = p.lines.last { if case .cd = $0.key { true } else { false } }
    if let root = p.root, let ste {
      let cd = cdLine.map { ContextDescriptor(qwords: $0.line.entry) }
      let s2 = ste.configValue == .s2Translate || ste.configValue == .nested
      config = .translate(
        Context(
          steUsed: Self.masked(ste.qwords, Self.steOutcomeBits(ste.qwords)),
          cdUsed: cd.map { Self.masked($0.qwords, UsedBits.cd($0.qwords)) },
          root: root, s2Root: s2 ? ste.s2TableAddress : nil, asid: cd?.asidValue,
          vmid: s2 ? UInt16(ste[StreamTableEntry.s2vmid]) : nil))
    } else if case .bypassed = p.outcome {
      config = .bypass(ste.map { Self.masked($0.qwords, Self.steOutcomeBits($0.qwords)) } ?? EntryQwords())
    } else {
      config = .abort(p.event?.type)
    }
    self.page = page
    guard page != nil else {
      result = nil
      return
    }
    switch p.outcome {
    case .translated(let pa): result = .output(pa)
    case .bypassed(let pa): result = .output(pa)
    case .aborted, .stalled: result = .fault(p.event?.type)
    }
  }

  private init(config: Config, page: UInt64?, result: Page?) {
    self.config = config
    self.page = page
    self.result = result
  }

  /// The used qwords in which this outcome's entries differ from `other`'s ("CD q0
  /// 0x1e205c0003510, not 0x1e205c0001510"), for two outcomes that read the same.
  package func difference(from other: StreamOutcome) -> String? {
    func entries(_ c: Config) -> [(String, EntryQwords)] {
      switch c {
      case .abort: []
      case .bypass(let ste): [("STE", ste)]
      case .translate(let x): [("STE", x.steUsed)] + (x.cdUsed.map { [("CD", $0)] } ?? [])
      }
    }
    var parts: [String] = []
    for ((name, a), (_, b)) in zip(entries(config), entries(other.config)) {
      for i in 0..<8 where a[i] != b[i] { parts.append("\(name) q\(i) \(hex(a[i])), not \(hex(b[i]))") }
    }
    return parts.isEmpty ? nil : "used bits differ: " + parts.joined(separator: "; ")
  }

  /// The same context with the page served by a TLB entry.
  func served(by entry: TLBEntry, key: TLBKey, page: UInt64) -> StreamOutcome {
    StreamOutcome(config: config, page: page, result: .output(entry.outputPage | (page & key.offsetMask)))
  }

  /// The same context with the page served by an ATC entry holding `outputPage`.
  func served(atc outputPage: UInt64, page: UInt64) -> StreamOutcome {
    StreamOutcome(config: config, page: page, result: .output(outputPage | (page & 0xFFF)))
  }

  /// The STE bits that decide what a stream sees: the used bits but MEV, which only lets the
  /// SMMU merge event records (an update-safe bit, upstream-2026.md §3).
  static func steOutcomeBits(_ q: EntryQwords) -> EntryQwords {
    var used = UsedBits.ste(q)
    used[1] &= ~StreamTableEntry.mev.mask
    return used
  }

  private static func masked(_ q: EntryQwords, _ m: EntryQwords) -> EntryQwords {
    var r = EntryQwords()
    for i in 0..<8 { r[i] = q[i] & m[i] }
    return r
  }
}
