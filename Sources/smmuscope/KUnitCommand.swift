import ArgumentParser
import SMMUDriver
import Scenario

/// `smmuscope kunit FILE|--walkthrough NAME`: every `transition` line as a KUnit case.
struct KUnitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kunit",
    abstract: "Print every 'transition' line of a scenario as a KUnit case for arm-smmu-v3-test.c.")

  @Argument(help: "Scenario file.") var file: String?
  @Option(help: "Built-in walkthrough to read instead of a file.") var walkthrough: String?

  func run() throws {
    let scenario = try loadScenario(file: file, walkthrough: walkthrough)
    var cases: [KUnitCase] = []
    for line in scenario.lines {
      guard case .transition(let kind, let from, let to) = line.command else { continue }
      do {
        let t = try Transition(kind: kind == "ste" ? .ste : .cd, from: from, to: to)
        cases.append(KUnitCase(t, from: from, to: to))
      } catch {
        throw UsageFailure("\(scenario.name):\(line.line): \(error.description)")
      }
    }
    guard !cases.isEmpty else { throw UsageFailure("\(scenario.name) has no 'transition' lines") }
    print(KUnitCase.file(cases), terminator: "")
  }
}
