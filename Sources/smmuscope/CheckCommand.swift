import ArgumentParser
import Scenario

/// `smmuscope check FILE | --walkthrough NAME [--design D] [--compact] [--json]`.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Judge every operation at every point under every cache state the architecture allows.",
    discussion: "Exit status: 0 no finding, 1 findings, 2 bad input.")

  @Argument(help: "Scenario file.") var file: String?
  @Option(help: "Built-in walkthrough to check instead of a file.") var walkthrough: String?
  @OptionGroup var options: DesignOptions
  @Flag(help: "Print one JSON object.") var json = false

  func run() throws {
    let scenario = try loadScenario(file: file, walkthrough: walkthrough)
    try options.check(scenario)
    let report = CheckReport(
      scenario, design: options.design, compact: options.forcedCompact, invs: options.forcedInvs)
    print(json ? report.json.rendered() : report.text, terminator: json ? "\n" : "")
    if !report.findings.isEmpty { throw ExitCode(1) }
  }
}
