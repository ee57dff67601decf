import ArgumentParser
import Explorer
import Foundation
import SMMUDriver
import Scenario
import Terminal
import TraceImport

/// The explorer: `smmuscope` with no subcommand (or `smmuscope explore`).
struct ExploreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore", abstract: "Open the interactive explorer (the default).")

  @Option(help: "Open this built-in walkthrough (default: \(Walkthrough.default.name)).") var walkthrough:
    String?
  @Option(help: "Open a scenario file instead of a walkthrough (its lines become your session).") var file:
    String?
  @OptionGroup var options: DesignOptions
  @Option(name: .customLong("import"), help: "Open a QEMU SMMUv3 trace (plain or .gz) as a timeline.")
  var importTrace: String?
  @Option(help: "With --import: the directory of memory dumps (README.txt, tables, command ring).")
  var mem: String?
  @Flag(help: "Draw without colour (also: NO_COLOR set).") var noColor = false
  @Flag(help: "Draw lines with ASCII only.") var ascii = false

  /// Builds the initial state, then runs the explorer in the terminal.
  func run() throws {
    var imported: ImportResult?
    if let importTrace {
      do {
        imported = try ImportReplay.run(tracePath: importTrace, memoryDirectory: mem)
      } catch {
        throw UsageFailure(error.description)
      }
    }
    var scenario: Scenario?
    if let file { scenario = try loadScenario(file: file, walkthrough: nil) }
    let w: Walkthrough?
    if let name = walkthrough {
      guard let found = Walkthrough.named(name) else {
        throw UsageFailure("no walkthrough '\(name)'; see 'smmuscope walkthroughs'")
      }
      w = found
    } else {
      w = scenario == nil && imported == nil ? Walkthrough.default : nil
    }
    let screen: CursesScreen
    do {
      screen = try CursesScreen.open(
        noColor: noColor || ProcessInfo.processInfo.environment["NO_COLOR"] != nil)
    } catch {
      throw UsageFailure(
        "\(error.description)\nfor a headless run use: smmuscope run FILE (or smmuscope run --walkthrough NAME)"
      )
    }
    let size = screen.size
    var state = ExplorerState(
      width: size.width, height: size.height, glyphs: (screen.isUTF8 && !ascii) ? .unicode : .ascii,
      design: options.design ?? scenario?.declaredDesign.0 ?? .perMaster)
    try options.check(scenario)
    state.forcedInvs = options.forcedInvs
    if let w { state.open(walkthrough: w) }
    if let imported { state.open(import: imported) }
    if let scenario {
      state.load(scenario, design: options.design, compact: options.forcedCompact)
      state.status =
        "opened \(scenario.name)"
        + (state.session.checker == nil ? " (too large to check live: ! checks it)" : "")
    }
    let status = ExplorerLoop.run(state, screen: screen)
    screen.close()
    if status != 0 { throw ExitCode(status) }
  }
}
