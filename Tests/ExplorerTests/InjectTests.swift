import SMMUDriver
import Scenario
import Testing

@testable import Explorer

/// `:inject` in the explorer: completion from the mutation table, the title bar, and the
/// kill matrix overlay (`M`).
struct InjectTests {
  @Test func injectCompletesMutationNames() {
    var s = Fixture.walkthrough()
    #expect(s.complete("inject skip-cfgi-s") == "inject skip-cfgi-ste ")
    #expect(s.complete("inject no") == "inject no")
    #expect(s.status == "completions: none no-break no-update-safe no-barrier")
  }

  @Test func theTitleBarShowsActiveMutations() {
    var s = Fixture.walkthrough(width: 160, height: 48)
    #expect(!s.render().lines[0].contains("inject:"))
    s.run(line: "inject skip-sync skip-cfgi-cd")
    #expect(s.render().lines[0].contains("inject: skip-cfgi-cd,skip-sync"))
    s.run(line: "inject none")
    #expect(!s.render().lines[0].contains("inject:"))
    s.run(line: "inject skip-everything")
    #expect(s.statusIsError)
    #expect(s.status?.contains("unknown mutation 'skip-everything'") == true)
  }

  @Test func capitalMOpensTheKillMatrixAndEscClosesIt() {
    var s = Fixture.walkthrough(width: 160, height: 48)
    s.press(.char("M"))
    #expect(s.overlay == .mutationMatrix)
    let screen = s.render().lines.joined(separator: "\n")
    #expect(screen.contains("Kill matrix"))
    for m in DriverMutation.allCases { #expect(screen.contains(m.rawValue), "\(m.rawValue)") }
    #expect(screen.contains("no survivor") == (s.mutationMatrix?.survivors.isEmpty == true))
    s.press(.escape)
    #expect(s.overlay == nil)
  }
}
