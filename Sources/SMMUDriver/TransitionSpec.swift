import SMMUModel

/// A `transition` entry, parsed once from its spec: `Transition` builds the entry from it, and
/// the KUnit export names the upstream fixture call that builds the same entry.
package enum TransitionSpec: Sendable, Hashable {
  case ste(STESpec)
  case cd(CDSpec)

  /// Parses a spec of the given kind; the error names the valid forms.
  package init(_ kind: EntryWriter.Kind, _ spec: String) throws(Transition.SpecError) {
    self = kind == .ste ? .ste(try STESpec(spec)) : .cd(try CDSpec(spec))
  }

  /// The entry's qwords, built from the KUnit suite's fixtures.
  package var qwords: [UInt64] {
    switch self {
    case .ste(let s): s.entry.qwords.array
    case .cd(let c): c.entry.qwords.array
    }
  }
}

/// `abort | bypass | cdtable[:OPTS] | s2[:OPTS]` (OPTS: s1dss=..., cdtab=HEX, ats, stall, nested).
package struct STESpec: Sendable, Hashable {
  package enum Name: String, Sendable { case abort, bypass, cdtable, s2 }
  package let name: Name
  package var s1dss = StreamTableEntry.S1DSS.ssid0
  /// `cdtab=HEX` as written, when given (else the suite's fake CD-table address).
  package var cdtabText: String?
  package var cdtab = Transition.Fixture.cdTable
  package var ats = false
  package var stall = false
  package var nested = false

  package init(_ spec: String) throws(Transition.SpecError) {
    typealias E = Transition.SpecError
    let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
    let word = parts.first ?? ""
    let opts = parts.count > 1 ? parts[1].split(separator: ",").map(String.init) : []
    var (ats, stall, nested, s1dss) = (false, false, false, StreamTableEntry.S1DSS.ssid0)
    var cdtab: (value: UInt64, text: String)?
    for o in opts {
      let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
      switch (kv[0], kv.count > 1 ? kv[1] : nil) {
      case ("ats", nil): ats = true
      case ("stall", nil): stall = true
      case ("nested", nil) where word == "cdtable": nested = true
      case ("s1dss", let v?) where word == "cdtable":
        guard let d = StreamTableEntry.S1DSS.allCases.first(where: { $0.name == v }) else {
          throw E(description: "bad s1dss '\(v)': use ssid0, bypass or terminate")
        }
        s1dss = d
      case ("cdtab", let v?) where word == "cdtable":
        let digits = v.hasPrefix("0x") || v.hasPrefix("0X") ? String(v.dropFirst(2)) : v
        guard let a = UInt64(digits, radix: 16) else {
          throw E(description: "bad cdtab '\(v)': give a hex address")
        }
        cdtab = (a, v)
      default:
        throw E(description: "bad option '\(o)' for '\(word)'; STE specs: \(Transition.steForms)")
      }
    }
    // abort and bypass take no options.
    guard let name = Name(rawValue: word), opts.isEmpty || name == .cdtable || name == .s2 else {
      throw E(description: "bad STE spec '\(spec)'; valid forms: \(Transition.steForms)")
    }
    self.name = name
    (self.ats, self.stall, self.nested, self.s1dss) = (ats, stall, nested, s1dss)
    if let cdtab { (self.cdtab, cdtabText) = cdtab }
  }

  /// The STE, built as the suite's fixtures build it.
  package var entry: StreamTableEntry {
    typealias F = Transition.Fixture
    let s2 = EntryBuilder.s2STE(
      vttbr: F.ttbr, vtcr: F.s2VTCR, vmid: 0, ats: ats, masterStall: stall, attributeTypesOverride: true)
    switch name {
    case .abort: return EntryBuilder.abortSTE()
    case .bypass: return EntryBuilder.bypassSTE(attributeTypesOverride: true)
    case .s2: return s2
    case .cdtable:
      let cdTableSTE = EntryBuilder.cdTableSTE(
        cdTable: cdtab, s1cdmax: F.s1cdmax, s1fmt: StreamTableEntry.s1fmt64KL2, ats: ats, s1dss: s1dss,
        smmuStalls: true, masterStall: stall, attributeTypesOverride: true)
      return nested ? EntryBuilder.nestedSTE(cdTableSTE: cdTableSTE, s2STE: s2) : cdTableSTE
    }
  }
}

/// `empty | s1:asid=N | sva:asid=N | sva-release:asid=N`.
package struct CDSpec: Sendable, Hashable {
  package enum Name: String, Sendable { case empty, s1, sva, svaRelease = "sva-release" }
  package let name: Name
  package let asid: UInt16

  package init(_ spec: String) throws(Transition.SpecError) {
    if spec == "empty" {
      name = .empty
      asid = 0
      return
    }
    let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2, parts[1].hasPrefix("asid="), let asid = UInt16(parts[1].dropFirst(5)),
      let name = Name(rawValue: parts[0]), name != .empty
    else {
      throw Transition.SpecError(description: "bad CD spec '\(spec)'; valid forms: \(Transition.cdForms)")
    }
    self.name = name
    self.asid = asid
  }

  /// The CD, built as the suite's fixtures build it.
  package var entry: ContextDescriptor {
    typealias F = Transition.Fixture
    switch name {
    case .empty: return ContextDescriptor()
    case .s1:
      return EntryBuilder.s1CD(asid: asid, ttbr: F.ttbr, tcr: F.s1TCR, mair: F.mair, masterStall: false)
    case .sva: return EntryBuilder.svaCD(asid: asid, pgd: F.svaPGD, masterStall: false)
    case .svaRelease: return EntryBuilder.svaCD(asid: asid, pgd: nil, masterStall: false)
    }
  }
}
