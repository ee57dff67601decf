import SMMUModel
import Testing

@testable import SMMUDriver

/// The entry writer's update-safe bits (upstream-2026.md §3) where no other test shows them:
/// MEV alone, EATS next to S2S, and the writer without them (the `no-update-safe` mutation).
struct UpdateSafeWriterTests {
  typealias S = StreamTableEntry

  /// The KUnit nested entry (Config 7, S1DSS=bypass, EATS 0b01, MEV) and the S2 one.
  static let nested = "cdtable:nested,s1dss=bypass,ats"

  // upstream-2026.md §5, S2: MEV alone differing costs 1 sync and no breaking update.
  @Test func mevAloneIsOneSyncAndNeverInvalid() throws {
    let t = try Transition(kind: .ste, from: Self.nested, to: "s2:ats")
    var withoutMEV = t.from
    withoutMEV[1] &= ~S.mev.mask
    for (from, to) in [(t.from, withoutMEV), (withoutMEV, t.from)] {
      var e = from
      let o = EntryWriter(kind: .ste).write(entry: &e, target: to, store: { _, _ in }, sync: {})
      // Only a safe bit changes: no qword is critical, one entry_set, one sync.
      #expect(o.path == .unchanged)
      #expect(o.syncs == 1 && o.hitless)
      #expect(o.steps.map { $0.stores.map(\.qword) } == [[1]])
      #expect(e == to)
    }
  }

  // upstream-2026.md §5, S3: with S2S=1 on one side EATS is not safe; when another qword is
  // critical too, the update breaks (V=0). Without S2S the same change is hitless.
  @Test func eatsNextToS2SStaysOrdered() throws {
    let stalled = try Transition(kind: .ste, from: "s2:stall", to: "cdtable:ats,stall")
    #expect(stalled.from[2] & S.s2s.mask != 0)
    #expect(stalled.outcome.path == .breaking)
    #expect(stalled.outcome.steps.first?.entry[0] == 0)
    #expect(stalled.outcome.syncs == 3 && !stalled.outcome.hitless)
    let plain = try Transition(kind: .ste, from: "s2", to: "cdtable:ats")
    #expect(plain.from[2] & S.s2s.mask == 0)
    #expect(plain.outcome.path == .hitless && plain.outcome.hitless)
  }

  // upstream-2026.md §1.10 and §5, S1, before 2781f2a930ab: without safe bits MEV makes q1
  // critical beside q0, so both nested <-> S2 switches break through V=0.
  @Test func withoutSafeBitsNestedAndS2Break() throws {
    let writer = EntryWriter(kind: .ste, safeBits: false)
    for (from, to) in [
      (Self.nested, "s2:ats"), ("s2:ats", Self.nested), (Self.nested, "s2"), ("s2", Self.nested),
    ] {
      let t = try Transition(kind: .ste, from: from, to: to)
      #expect(t.outcome.hitless, "\(from) -> \(to) with safe bits")
      #expect(writer.updateSafe(current: t.from, target: t.to) == Array(repeating: 0, count: 8))
      var e = t.from
      let o = writer.write(entry: &e, target: t.to, store: { _, _ in }, sync: {})
      #expect(o.path == .breaking, "\(from) -> \(to)")
      #expect(o.steps.first?.entry[0] == 0)
      #expect(!o.hitless && e == t.to)
    }
  }

  /// The mutation changes the driver only where the safe bits avoid a break: a plain S1
  /// attach (one critical qword either way) leaves it unapplied.
  @Test func mutationCountsOnlyWhereItChangesTheWrite() {
    var plain = Driver.make(.perMaster, bugs: [.noUpdateSafe])
    plain.probe("a", sid: SID.a, ats: true)
    plain.newDomain("dom", .paging)
    plain.ok { $0.attach(domain: "dom", master: "a") }
    #expect(!plain.mutationsApplied.contains(.noUpdateSafe))

    var d = Driver.make(.perMaster, bugs: [.noUpdateSafe])
    d.probe("a", sid: SID.a, ats: true)
    d.ok { $0.addNestParent(name: "p") }
    d.ok { $0.addVIOMMU(name: "v", parent: "p") }
    d.ok { $0.addVDevice(viommu: "v", master: "a", vsid: 1) }
    let (q0, q1) = NestedTransitionTests.fixtureVSTE
    d.ok { $0.addNestedDomain(name: "g", viommu: "v", q0: q0, q1: q1) }
    d.ok { $0.attach(domain: "p", master: "a") }
    let t = d.ok { $0.attach(domain: "g", master: "a") }
    #expect(d.mutationsApplied.contains(.noUpdateSafe))
    // The breaking sequence: the first STE store makes qword 0 invalid.
    let first = t.writes.first { $0.target == .ste }
    #expect(first?.qword == 0 && first?.new == 0)
    #expect(d.ste(SID.a).configValue == .nested)
  }
}
