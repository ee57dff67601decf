import Checker
import SMMUDriver
import SMMUModel
import Scenario
import TestSupport
import Testing

/// Random operation sequences: the driver model (as Linux does it) is clean under the
/// per-master design; a raw store that changes a stream's outcome, with no invalidation, is
/// always found; and judging only the streams an operation can change finds what judging
/// every stream finds.
@Suite struct CheckerPropertyTests {
  static let setup = """
    smmu cache-invalid no
    master m0 sid 0x8 ssid-bits 4
    master m1 sid 0x10
    master m2 sid 0x18 ssid-bits 4
    domain d0 paging
    domain d1 paging
    domain id identity
    map d0 0x1000
    map d1 0x2000 size 0x2000
    """

  /// A random sequence of driver operations (some fail, as they may).
  static func operations(seed: UInt64, count: Int) -> [String] {
    var r = SplitMix64(state: seed)
    var lines: [String] = []
    for _ in 0..<count {
      let m = r.pick(["m0", "m1", "m2"])
      let pasid = m == "m1" || r.chance(50) ? "" : " pasid \(1 + r.below(3))"
      switch r.below(7) {
      case 0, 1: lines.append("attach \(r.pick(["d0", "d1", "id"])) \(m)\(pasid)")
      case 2: lines.append("detach \(m)\(pasid)")
      case 3: lines.append("map \(r.pick(["d0", "d1"])) \(hex(UInt64(0x10 + r.below(8)) << 12))")
      case 4: lines.append("unmap \(r.pick(["d0", "d1"])) \(hex(UInt64(r.pick([1, 2, 0x10, 0x11])) << 12))")
      case 5: lines.append("dma \(m)\(pasid) 0x1000")
      default: lines.append("asid \(r.pick(["d0", "d1"])) \(1 + r.below(6))")
      }
    }
    return lines
  }

  static func session(_ lines: [String], design: DriverDesign, everyStream: Bool = false) throws -> Session {
    let scenario = try ScenarioParser.parse(
      setup + "\n" + lines.joined(separator: "\n") + "\n", file: "prop.scn")
    var s = Session(design: design, file: "prop.scn")
    s.startChecking(everyStream: everyStream)
    for line in scenario.lines { s.execute(line) }
    return s
  }

  @Test(arguments: [DriverDesign.perMaster])
  func randomDriverSequencesAreClean(design: DriverDesign) throws {
    for seed in 0..<UInt64(200) {
      let s = try Self.session(Self.operations(seed: seed, count: 8), design: design)
      #expect(
        s.findings.isEmpty, "seed \(seed): \(s.findings.map { "\($0.kind) line \($0.line) \($0.seen)" })")
    }
  }

  /// Legacy is Linux 6.1: its STE writer stores qword 0 and qwords 1-2 in one sync window, so
  /// the only findings random sequences give it are `torn` STE updates (docs/checker.md).
  @Test func randomLegacySequencesAreTornOnlyInSTEUpdates() throws {
    for seed in 0..<UInt64(200) {
      let s = try Self.session(Self.operations(seed: seed, count: 8), design: .legacy)
      let other = s.findings.filter {
        !($0.kind == .torn && $0.point.contains("STE sid")) && !$0.cache.hasPrefix("STE sid")
      }
      #expect(
        other.isEmpty, "seed \(seed): \(other.map { "\($0.kind) line \($0.line) \($0.point) \($0.cache)" })")
    }
  }

  @Test(arguments: [DriverDesign.legacy, .perMaster])
  func aRawStoreThatChangesAnOutcomeIsFound(design: DriverDesign) throws {
    var r = SplitMix64(state: 99)
    var changed = 0
    for seed in 0..<UInt64(200) {
      let ops = Self.operations(seed: seed, count: 6)
      let base = try Self.session(ops, design: design)
      let sid = r.pick([UInt64(0x8), 0x10, 0x18])
      let q = r.below(4)
      guard let old = base.value(of: "ste.\(hex(sid)).q\(q)").flatMap({ UInt64($0.dropFirst(2), radix: 16) }),
        base.value(of: "ste.\(hex(sid)).valid") == "1"
      else { continue }
      // A bit the SMMU uses in this STE (a store to an unused bit changes nothing).
      var entry = EntryQwords()
      for i in 0..<8 {
        entry[i] = base.value(of: "ste.\(hex(sid)).q\(i)").flatMap { UInt64($0.dropFirst(2), radix: 16) } ?? 0
      }
      let used = UsedBits.ste(entry)[q]
      guard used != 0 else { continue }
      let bits = (0..<64).filter { used & (UInt64(1) << UInt64($0)) != 0 }
      let value = old ^ (UInt64(1) << UInt64(r.pick(bits)))
      let store = ["begin \"raw store\"", "write ste \(hex(sid)) \(q) \(hex(value))", "end"]
      let s = try Self.session(ops + store, design: design)
      let before = DesignChecker.memoryOutcomes(of: base.driver)
      let after = DesignChecker.memoryOutcomes(of: s.driver)
      let moved = before.filter { after[$0.key] != $0.value }
      guard !moved.isEmpty else { continue }
      changed += 1
      #expect(
        !s.lastFindings.isEmpty,
        "seed \(seed): q\(q) of STE \(hex(sid)) -> \(hex(value)) changed \(moved.keys)")
    }
    #expect(changed > 20, "too few stores changed an outcome (\(changed)) for the property to mean much")
  }

  @Test func judgingOnlyAffectedStreamsFindsWhatJudgingEveryStreamFinds() throws {
    for seed in 0..<UInt64(12) {
      for design in [DriverDesign.legacy, .perMaster] {
        let ops = Self.operations(seed: seed, count: 8)
        let fast = try Self.session(ops, design: design).findings
        let all = try Self.session(ops, design: design, everyStream: true).findings
        func key(_ f: CheckFinding) -> String {
          "\(f.kind) \(f.line) \(f.master ?? "") \(f.ssid ?? 0) \(f.seen)"
        }
        #expect(fast.map(key) == all.map(key), "seed \(seed) \(design)")
      }
    }
  }
}
