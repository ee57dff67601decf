import SMMUDriver
import SMMUModel
import Testing

/// The worked examples of linux-driver.md §5, run through `Transition` (the KUnit fixtures),
/// each with the reason for its sync count derived from the §4 algorithm: which qwords still
/// differ in target-used bits after the free update (`analyse`'s diff mask), and so which path
/// the writer takes.
struct EntryWriterTests {
  /// One §5 example: the qwords §4 says must change in used bits, syncs, hitless.
  struct Example: Sendable, CustomTestStringConvertible {
    let kind: EntryWriter.Kind
    let from: String
    let to: String
    /// Qwords that still differ in target-used bits after the unused-bit update.
    let diff: [Int]
    let syncs: Int
    let hitless: Bool
    var testDescription: String { "\(kind.rawValue) \(from) -> \(to)" }
  }

  static let examples: [Example] = [
    // bypass uses V, CFG and q1 SHCFG; abort uses V and CFG. Only CFG (q0) differs in a bit
    // abort uses; q1's SHCFG is still used by bypass so it is cleared after the flip:
    // q0 (sync 1), then q1 leftovers (sync 2).
    Example(kind: .ste, from: "bypass", to: "abort", diff: [0], syncs: 2, hitless: true),
    // cdtable uses the S1 fields of q1, not SHCFG; bypass uses SHCFG only. SHCFG can be set
    // first (sync 1), CFG flips in q0 (sync 2), the S1 leftovers in q1 are cleared (sync 3).
    Example(kind: .ste, from: "cdtable:ats", to: "bypass", diff: [0], syncs: 3, hitless: true),
    // Same q0; q1 changes S1DSS (used by both) and SHCFG (used only with S1DSS=BYPASS), so
    // SHCFG rides along in the one q1 store: 1 sync each way.
    Example(
      kind: .ste, from: "cdtable:ats", to: "cdtable:ats,s1dss=bypass", diff: [1], syncs: 1, hitless: true),
    Example(
      kind: .ste, from: "cdtable:ats,s1dss=bypass", to: "cdtable:ats", diff: [1], syncs: 1, hitless: true),
    // S2 uses q1-q3; abort needs only the CFG flip in q0 (sync 1), then q1-q3 are cleared
    // (sync 2). Nothing can be written before the flip: S2 uses every bit that differs.
    Example(kind: .ste, from: "s2:ats", to: "abort", diff: [0], syncs: 2, hitless: true),
    // cdtable -> S2 (both ATS, fixture VMID 0): EATS is update-safe and used by both; S2's
    // q2 VTCR and q3 S2TTB are unused by the S1 STE and its used S2VMID stays 0; SHCFG is
    // unused by cdtable(SSID0). So only CFG in q0 is critical: pre-write q1-q3 (sync 1),
    // flip q0 (sync 2), clear the S1 leftovers in q1 (sync 3).
    Example(kind: .ste, from: "cdtable:ats", to: "s2:ats", diff: [0], syncs: 3, hitless: true),
    // An empty CD uses only V, so TTB0 and MAIR go in first (sync 1, q0 still 0, hence not
    // hitless by the harness's rule), then q0 with V (sync 2). Back: q0 = 0 (sync 1, again
    // q0 == 0), then q1 and q3 cleared (sync 2).
    Example(kind: .cd, from: "empty", to: "s1:asid=1997", diff: [0], syncs: 2, hitless: false),
    Example(kind: .cd, from: "s1:asid=1997", to: "empty", diff: [0], syncs: 2, hitless: false),
    // Only the ASID in q0 differs: one store, one sync.
    Example(kind: .cd, from: "s1:asid=778", to: "s1:asid=1997", diff: [0], syncs: 1, hitless: true),
    Example(kind: .cd, from: "s1:asid=1997", to: "s1:asid=778", diff: [0], syncs: 1, hitless: true),
    // Both S1ContextPtr (q0) and S1DSS (q1) are used by both entries and differ: two
    // critical qwords, so the breaking path: q0 = 0, q1, q0 (3 syncs).
    Example(
      kind: .ste, from: "cdtable", to: "cdtable:cdtab=4B4B4B4B4B,s1dss=bypass", diff: [0, 1], syncs: 3,
      hitless: false),
    // The released SVA CD sets EPD0 and clears R in q0, and no longer uses TTB0 (EPD0=1), so
    // q1 is not critical: flip q0 (sync 1), clear TTB0 (sync 2), never invalid.
    Example(
      kind: .cd, from: "sva:asid=1997", to: "sva-release:asid=1997", diff: [0], syncs: 2, hitless: true),
  ]

  @Test(arguments: examples)
  func workedExample(_ e: Example) throws {
    let t = try Transition(kind: e.kind, from: e.from, to: e.to)
    let diff = EntryWriter(kind: e.kind).analyse(current: t.from, target: t.to).diff
    #expect((0..<8).filter { diff & (1 << UInt8($0)) != 0 } == e.diff)
    #expect(t.outcome.syncs == e.syncs)
    #expect(t.outcome.hitless == e.hitless)
    #expect(t.outcome.path == (e.diff.count == 1 ? .hitless : .breaking))
    #expect(t.outcome.criticalQword == (e.diff.count == 1 ? e.diff[0] : nil))
    #expect(t.outcome.steps.last?.entry == t.to)
  }

  /// Why cdtable -> S2 is hitless: EATS (ATS on both sides) is update-safe, so q1 is not
  /// critical even though both entries use EATS.
  @Test func eatsIsUpdateSafeBetweenCDTableAndS2() throws {
    let t = try Transition(kind: .ste, from: "cdtable:ats", to: "s2:ats")
    let safe = EntryWriter(kind: .ste).updateSafe(current: t.from, target: t.to)
    #expect(safe[1] & StreamTableEntry.eats.set(0, StreamTableEntry.eatsTrans) != 0)
    #expect(safe[1] & StreamTableEntry.mev.mask != 0)
    // With a stalling master S2S is set in the S2 STE, and EATS is no longer safe.
    let stalled = try Transition(kind: .ste, from: "cdtable:ats,stall", to: "s2:ats,stall")
    let unsafe = EntryWriter(kind: .ste).updateSafe(current: stalled.from, target: stalled.to)
    #expect(unsafe[1] & StreamTableEntry.eats.mask == 0)
  }

  /// Why the empty -> S1 CD install writes q1/q3 before q0: the first step's stores.
  @Test func cdInstallStoresTheTableBeforeV() throws {
    let t = try Transition(kind: .cd, from: "empty", to: "s1:asid=1997")
    #expect(t.outcome.steps.map { $0.stores.map(\.qword) } == [[1, 3], [0]])
    let b = try Transition(kind: .cd, from: "s1:asid=1997", to: "empty")
    #expect(b.outcome.steps.map { $0.stores.map(\.qword) } == [[0], [1, 3]])
  }

  // MARK: The KUnit harness's check over a matrix of specs

  static let steSpecs: [String] = {
    var specs = ["abort", "bypass"]
    let flags = ["", "ats", "stall", "ats,stall"]
    for s1dss in ["ssid0", "bypass", "terminate"] {
      for f in flags {
        specs.append("cdtable:" + (["s1dss=\(s1dss)"] + (f.isEmpty ? [] : [f])).joined(separator: ","))
        specs.append(
          "cdtable:" + (["s1dss=\(s1dss)", "nested"] + (f.isEmpty ? [] : [f])).joined(separator: ","))
      }
    }
    specs.append("cdtable:cdtab=4B4B4B4B4B,s1dss=bypass")
    specs.append("cdtable:cdtab=4B4B4B4B4B,ats")
    for f in flags { specs.append(f.isEmpty ? "s2" : "s2:\(f)") }
    return specs
  }()

  static let cdSpecs = [
    "empty", "s1:asid=778", "s1:asid=1997", "sva:asid=1997", "sva:asid=778", "sva-release:asid=1997",
  ]

  /// At every sync the entry either has V=0 in qword 0, or equals the initial or the target
  /// entry in the bits it uses (update-safe bits excepted); the final entry is the target.
  static func checkHarnessRule(_ kind: EntryWriter.Kind, _ from: String, _ to: String) throws {
    let t = try Transition(kind: kind, from: from, to: to)
    let writer = EntryWriter(kind: kind)
    let validBit = kind == .ste ? StreamTableEntry.v.mask : ContextDescriptor.v.mask
    let safe = writer.updateSafe(current: t.from, target: t.to)
    for (i, step) in t.outcome.steps.enumerated() {
      let e = step.entry
      if e[0] & validBit == 0 { continue }
      let used = writer.used(e).enumerated().map { $1 & ~safe[$0] }
      let isInitial = (0..<8).allSatisfy { e[$0] & used[$0] == t.from[$0] & used[$0] }
      let isTarget = (0..<8).allSatisfy { e[$0] & used[$0] == t.to[$0] & used[$0] }
      #expect(isInitial || isTarget, "\(kind.rawValue) \(from) -> \(to): step \(i + 1) is torn")
    }
    #expect(t.outcome.steps.last?.entry ?? t.from == t.to, "\(from) -> \(to) did not reach the target")
    // A breaking update always goes through V=0; a hitless one never does unless an end
    // is itself V=0 or all-zero.
    if t.outcome.path == .breaking {
      #expect(t.outcome.steps.first?.entry[0] == 0)
    }
    #expect(t.outcome.syncs <= 3)
  }

  @Test(arguments: steSpecs)
  func steMatrixFrom(_ from: String) throws {
    for to in Self.steSpecs { try Self.checkHarnessRule(.ste, from, to) }
  }

  @Test func cdMatrix() throws {
    for from in Self.cdSpecs {
      for to in Self.cdSpecs { try Self.checkHarnessRule(.cd, from, to) }
    }
  }

  /// Writing an entry onto itself changes nothing and needs no sync.
  @Test func identicalEntriesNeedNoSync() throws {
    for spec in Self.steSpecs {
      let t = try Transition(kind: .ste, from: spec, to: spec)
      #expect(t.outcome.syncs == 0 && t.outcome.path == .unchanged)
    }
  }
}
