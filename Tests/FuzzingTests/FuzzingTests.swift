import Foundation
import Testing

@testable import Fuzzing

/// The fuzzer itself: determinism (a finding replays from its seed), bounds, and that its
/// slow-input check can fire.
struct FuzzingTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("ImportTests/Fixtures").path

  @Test func sameSeedSameInputs() {
    let corpus = FuzzSeeds.scenarios()
    var a = Mutator(seed: 42, corpus: corpus)
    var b = Mutator(seed: 42, corpus: corpus)
    var c = Mutator(seed: 43, corpus: corpus)
    var differs = false
    for i in 0..<200 {
      let x = a.mutate(corpus[i % corpus.count], other: corpus[(i + 1) % corpus.count])
      #expect(x == b.mutate(corpus[i % corpus.count], other: corpus[(i + 1) % corpus.count]))
      differs = differs || x != c.mutate(corpus[i % corpus.count], other: corpus[(i + 1) % corpus.count])
    }
    #expect(differs)
  }

  @Test func mutantsStayWithinTheLengthBound() {
    let corpus = FuzzSeeds.scenarios()
    var m = Mutator(seed: 1, corpus: corpus, maxLength: 300)
    for i in 0..<500 {
      #expect(m.mutate(corpus[i % corpus.count], other: corpus[0]).count <= 300)
    }
  }

  @Test func boundaryNumbersReplaceNumbers() {
    var m = Mutator(seed: 5, corpus: [])
    let out = String(
      decoding: m.replaceToken(Array("map d 0x1000".utf8), with: "0xffffffffffffffff", numbersOnly: true),
      as: UTF8.self)
    #expect(out == "map d 0xffffffffffffffff")
  }

  @Test func seedsOfEveryTargetRunAndTheSlowCheckFires() {
    let traces = FuzzSeeds.traces(under: Self.fixtures)
    #expect(!traces.isEmpty)
    let context = FuzzContext.forDumps(under: [Self.fixtures])
    #expect(context.dumpDirectory != nil)
    var campaign = FuzzCampaign(target: .trace, seeds: traces, seed: 3, context: context)
    campaign.slowSecondsPerKiB = 0
    let outcome = campaign.run(count: traces.count + 5)
    #expect(outcome.inputs == traces.count + 5)
    #expect(outcome.slow.count == outcome.inputs)
    var dump = FuzzCampaign(
      target: .dump, seeds: FuzzSeeds.dumpReadmes(under: Self.fixtures), seed: 3, context: context)
    #expect(dump.run(count: 20).inputs == 20)
  }

  /// Every input the fuzzer crashed on before the fixes, named TARGET-what (a trap would end
  /// the test process): the SID 2^40 in an STE path, a trace operand out of range, and
  /// the dump README's STRTAB_BASE_CFG=0x1003f; and a guest unmap whose range wrapped past
  /// 2^64 (the 1 000 000-input run of 2026-11-27, in the typed-lines path).
  @Test func inputsThatOnceCrashedRunCleanly() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "Regressions")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(names.count == 4)
    let context = FuzzContext.forDumps(under: [Self.fixtures])
    for name in names {
      let target = try #require(FuzzTarget(rawValue: String(name.prefix { $0 != "-" })), "\(name)")
      let bytes = try #require(FileManager.default.contents(atPath: dir.appendingPathComponent(name).path))
      target.run(Array(bytes), context: context)
    }
  }
}
