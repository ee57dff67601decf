import SMMUModel
import Testing

@testable import SMMUDriver

/// The two nested KUnit transitions (upstream-2026.md §1.10, S1) come out of a real attach
/// sequence: S2 parent -> nested domain (2 syncs) and back (3 syncs), both hitless, with the
/// same stores per sync as `transition` gives for the suite's fixture entries.
struct NestedTransitionTests {
  typealias S = StreamTableEntry

  /// The STE stores of one trace, grouped by the CFGI_STE + CMD_SYNC that publishes them:
  /// the qword indices of each step and the entry (q0) after it.
  static func steps(_ t: OperationTrace, sid: UInt32) -> [[Int]] {
    var out: [[Int]] = []
    var current: [Int] = []
    var published = false
    for item in t.items {
      switch item {
      case .write(let w) where w.target == .ste && w.sid == sid: current.append(w.qword)
      case .command(.cfgiSTE(let s, _)) where s == sid: published = true
      case .command(.sync) where published:
        out.append(current)
        current = []
        published = false
      default: break
      }
    }
    return out
  }

  /// The stores of each step of an entry-writer outcome.
  static func steps(_ o: EntryWriter.Outcome) -> [[Int]] { o.steps.map { $0.stores.map(\.qword) } }

  /// The guest's vSTE of the suite's NESTED fixture: S1Fmt 64K_L2, the fake CD-table pointer,
  /// S1CDMax 31; S1DSS bypass, WBRA, inner shareable, S1STALLD, EATS 0b01.
  static let fixtureVSTE: (UInt64, UInt64) = {
    typealias F = Transition.Fixture
    let q0 =
      S.v.mask | S.config.set(0, S.Config.s1Translate.rawValue) | S.s1fmt.set(0, S.s1fmt64KL2)
      | (F.cdTable & S.s1ContextPtr.mask) | S.s1cdmax.set(0, F.s1cdmax)
    let q1 =
      S.s1dss.set(0, S.S1DSS.bypass.rawValue) | S.s1cir.set(0, S.cacheWBRA) | S.s1cor.set(0, S.cacheWBRA)
      | S.s1csh.set(0, S.shareInner) | S.s1stalld.mask | S.eats.set(0, S.eatsTrans)
    return (q0, q1)
  }()

  @Test func realAttachSequenceMatchesTransition() throws {
    var d = Driver.make(.perMaster)
    d.probe("a", sid: SID.a, ats: true)
    d.ok { $0.addNestParent(name: "p") }
    d.ok { $0.addVIOMMU(name: "v", parent: "p") }
    d.ok { $0.addVDevice(viommu: "v", master: "a", vsid: 1) }
    let (q0, q1) = Self.fixtureVSTE
    d.ok { $0.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1) }
    d.ok { $0.attach(domain: "p", master: "a") }

    // S2 -> nested (S1DSS=BYPASS, ATS).
    let s2 = d.ste(SID.a).qwords.array
    let toNested = d.ok { $0.attach(domain: "g", master: "a") }
    let nested = d.ste(SID.a).qwords.array
    #expect(StreamTableEntry(qwords: EntryQwords(nested)).configValue == .nested)
    // Back: nested -> S2.
    let toS2 = d.ok { $0.attach(domain: "p", master: "a") }
    #expect(d.ste(SID.a).qwords.array == s2)

    for (trace, from, to, specs) in [
      (toNested, s2, nested, ("s2:ats", "cdtable:nested,s1dss=bypass,ats")),
      (toS2, nested, s2, ("cdtable:nested,s1dss=bypass,ats", "s2:ats")),
    ] {
      let real = Self.steps(trace, sid: SID.a)
      // The writer on the very entries the attach wrote...
      var e = from
      let writer = EntryWriter(kind: .ste).write(entry: &e, target: to, store: { _, _ in }, sync: {})
      #expect(real == Self.steps(writer))
      #expect(writer.hitless)
      // ...and `transition` on the suite's fixture entries: the same stores, syncs, hitless.
      let t = try Transition(kind: .ste, from: specs.0, to: specs.1)
      #expect(real == Self.steps(t.outcome), "\(specs)")
      #expect(t.outcome.hitless)
      #expect(trace.writes.allSatisfy { !($0.qword == 0 && $0.new & S.v.mask == 0) })
    }
    // The suite's figures: 2 syncs into the nested STE, 3 out of it.
    #expect(Self.steps(toNested, sid: SID.a).count == 2)
    #expect(Self.steps(toS2, sid: SID.a).count == 3)
    // The KUnit rows themselves (S2 without ATS) take the same number of syncs.
    let kunitOut = try Transition(kind: .ste, from: "cdtable:nested,s1dss=bypass,ats", to: "s2")
    let kunitIn = try Transition(kind: .ste, from: "s2", to: "cdtable:nested,s1dss=bypass,ats")
    #expect(kunitOut.outcome.syncs == Self.steps(toS2, sid: SID.a).count)
    #expect(kunitIn.outcome.syncs == Self.steps(toNested, sid: SID.a).count)
  }
}
