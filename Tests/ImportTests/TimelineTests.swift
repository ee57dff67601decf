import SMMUModel
import Testing

@testable import Scenario
@testable import TraceImport

/// The explorer's timeline over an imported run: stepping forward and back reaches the same
/// model state as a straight replay.
@Suite struct TimelineTests {
  @Test func endOfTimelineEqualsTheFullReplay() throws {
    let r = try Sample.get()
    var t = ReplayTimeline(r)
    t.seek(t.count)
    // Every step is a command, a translation, or a CR0.SMMUEN write by the guest.
    let enables = t.lines.filter { $0.contains("SMMUEN=") }.count
    #expect(enables >= 1)
    #expect(t.count == r.commands.count + r.translations.count + enables)
    #expect(t.smmu.tlb.stats == r.caches.modelTLB)
    #expect(t.smmu.configCache.stats == r.caches.modelConfigCache)
    #expect(t.smmu.counters.transactions == r.translations.count)
    #expect(t.lines.count == t.count)
  }

  @Test func seekingBackRebuildsTheSameState() throws {
    let r = try Sample.get()
    var forward = ReplayTimeline(r)
    forward.seek(700)
    var wandering = ReplayTimeline(r)
    wandering.seek(1500)
    wandering.seek(700)
    #expect(wandering.index == 700)
    #expect(wandering.smmu.tlb.stats == forward.smmu.tlb.stats)
    #expect(wandering.smmu.counters.commands == forward.smmu.counters.commands)
    #expect(wandering.lines == forward.lines)
  }

  @Test func jumpsLandOnCommandsAndPhaseBoundaries() throws {
    let r = try Sample.get()
    var t = ReplayTimeline(r)
    let next = try #require(t.nextCommand(after: 0))
    t.seek(next)
    #expect(t.lines.last?.contains(" cmd ") == true)
    let phaseStart = try #require(t.nextPhase(after: t.index))
    #expect(t.phaseOf(step: phaseStart) != t.phaseOf(step: phaseStart - 1))
  }
}
