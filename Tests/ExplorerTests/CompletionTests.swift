import Scenario
import Testing

@testable import Explorer

/// The `:` line's Tab completion takes its verbs from the scenario language's verb table.
struct CompletionTests {
  @Test func everyVerbCompletesFromItsName() {
    var s = Fixture.walkthrough()
    for v in Verb.all {
      let completed = s.complete(v.name)
      #expect(
        completed == v.name + " " || (s.status ?? "").contains(v.name),
        "\(v.name): '\(completed)', \(s.status ?? "")")
    }
  }

  @Test func smmuSettingsCompleteFromTheSettingsTable() {
    var s = Fixture.walkthrough()
    #expect(s.complete("smmu cache-i") == "smmu cache-invalid ")
    #expect(s.complete("smmu evt") == "smmu evtq ")
    #expect(s.complete("smmu gbpa ab") == "smmu gbpa abort ")
    #expect(s.complete("smmu st") == "smmu st")
    #expect(s.status == "completions: strtab stage1 stage2 stall")
    for setting in SMMUSetting.all {
      #expect(Verb.named["smmu"]?.usage.contains("[\(setting.name) ") == true)
    }
  }

  @Test func removeAndReleaseShareAPrefix() {
    var s = Fixture.walkthrough()
    #expect(s.complete("rem") == "remove ")
    #expect(s.status == "remove MASTER: the device goes away")
    #expect(s.complete("re") == "re")
    #expect(s.status == "completions: remove release")
  }
}
