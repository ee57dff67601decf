import ArgumentParser
import Foundation
import SMMUDriver
import Scenario

/// Reads and parses a scenario file or a built-in walkthrough; errors become exit status 2.
func loadScenario(file: String?, walkthrough: String?) throws -> Scenario {
  if let name = walkthrough {
    guard let w = Walkthrough.named(name) else {
      throw UsageFailure("no walkthrough '\(name)'; see 'smmuscope walkthroughs'")
    }
    return w.scenario
  }
  guard let file else { throw UsageFailure("give a scenario FILE or --walkthrough NAME") }
  let text: String
  do { text = try TextFile.read(file) } catch { throw UsageFailure(error.description + "\n") }
  do {
    return try ScenarioParser.parse(text, file: file)
  } catch {
    throw UsageFailure(error.description + "\n")
  }
}

extension DriverDesign: ExpressibleByArgument {}

/// `smmuscope run FILE [--design D] [--compact] [--json]`.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run a scenario headless: every write, command, sync, event and hazard.")

  @Argument(help: "Scenario file.") var file: String?
  @Option(help: "Built-in walkthrough to run instead of a file.") var walkthrough: String?
  @OptionGroup var options: DesignOptions
  @OptionGroup var mutate: MutationOptions
  @Flag(help: "Print one JSON object.") var json = false

  func run() throws {
    let scenario = try loadScenario(file: file, walkthrough: walkthrough).injecting(mutate.mutations)
    try options.check(scenario)
    // The report is printed as the lines run (the same text as RunReport.json/text of the
    // finished session), so nothing grows with the scenario but the model itself.
    let (design, forcedCompact) = (options.design, options.forcedCompact)
    let label = Session.finalOptions(
      scenario, design: design, compact: forcedCompact, invs: options.forcedInvs
    )
    .label
    var out = BufferedOutput()
    out.write(json ? RunReport.jsonHead(label: label) : RunReport.textHead(label: label))
    var first = true
    let session = Session.run(
      scenario, design: design, compact: forcedCompact, invs: options.forcedInvs, keepingResults: false
    ) { r in
      if json {
        if !first { out.write(",") }
        out.write(RunReport.step(r).rendered())
      } else {
        out.writeText(of: r)
      }
      first = false
    }
    precondition(session.options.label == label, "the design label changed while running")
    out.write(json ? RunReport.jsonTail(session) + "\n" : RunReport.textSummary(session))
    out.flush()
    if !session.failures.isEmpty {
      for f in session.failures {
        printError("\(scenario.name):\(f.line): expectation failed: \(f.expectation!.message)\n")
      }
      throw ExitCode(1)
    }
  }
}

/// `smmuscope compare FILE [--json]`.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Run a scenario under legacy, per-master, per-master+compact and per-master+invs; counters side by side."
  )

  @Argument(help: "Scenario file.") var file: String?
  @Option(help: "Built-in walkthrough to compare instead of a file.") var walkthrough: String?
  @OptionGroup var mutate: MutationOptions
  @Flag(help: "Print one JSON object.") var json = false

  func run() throws {
    let c = Comparison(try loadScenario(file: file, walkthrough: walkthrough).injecting(mutate.mutations))
    print(json ? c.json : c.text, terminator: json ? "\n" : "")
  }
}

/// `smmuscope walkthroughs`.
struct WalkthroughsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "walkthroughs", abstract: "List the built-in walkthroughs.")

  @Option(help: "Print one walkthrough's scenario source.") var show: String?

  func run() throws {
    if let show {
      guard let w = Walkthrough.named(show) else { throw UsageFailure("no walkthrough '\(show)'") }
      print(w.source)
      return
    }
    let width = max(22, (Walkthrough.all.map(\.name.count).max() ?? 0) + 2)
    for w in Walkthrough.all {
      print(w.name.padding(toLength: width, withPad: " ", startingAt: 0) + w.title)
    }
  }
}
