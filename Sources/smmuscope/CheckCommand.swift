import ArgumentParser
import Scenario

/// `smmuscope check FILE | --walkthrough NAME [--design D] [--compact] [--mutate M]... [--json]`,
/// and `smmuscope check --mutations [--json]` (the kill matrix).
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Judge every operation at every point under every cache state the architecture allows.",
    discussion: """
      Exit status: 0 no finding, 1 findings, 2 bad input. With --mutations: every walkthrough x \
      design x driver mutation; 0 when every mutation is caught under every design it applies to, \
      1 when one survives.
      """)

  @Argument(help: "Scenario file.") var file: String?
  @Option(help: "Built-in walkthrough to check instead of a file.") var walkthrough: String?
  @OptionGroup var options: DesignOptions
  @OptionGroup var mutate: MutationOptions
  @Flag(help: "Run the kill matrix: which walkthroughs catch each driver mutation.") var mutations = false
  @Flag(help: "Print one JSON object.") var json = false

  func run() throws {
    if mutations {
      guard file == nil, walkthrough == nil, mutate.mutations.isEmpty else {
        throw UsageFailure(
          "--mutations runs every walkthrough and mutation: give no FILE, --walkthrough or --mutate")
      }
      let matrix = MutationMatrix()
      print(json ? matrix.json.rendered() : matrix.text, terminator: json ? "\n" : "")
      if !matrix.survivors.isEmpty { throw ExitCode(1) }
      return
    }
    let scenario = try loadScenario(file: file, walkthrough: walkthrough).injecting(mutate.mutations)
    try options.check(scenario)
    let report = CheckReport(
      scenario, design: options.design, compact: options.forcedCompact, invs: options.forcedInvs)
    print(json ? report.json.rendered() : report.text, terminator: json ? "\n" : "")
    if !report.findings.isEmpty { throw ExitCode(1) }
  }
}
