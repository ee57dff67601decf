import ArgumentParser
import SMMUDriver
import Scenario

/// `--design` / `--compact` / `--invs`: the design to model, forced over a scenario's `design`
/// line. Without them the file's `design ... [compact] [invs]` line (or per-master) applies.
struct DesignOptions: ParsableArguments {
  @Option(help: "legacy or per-master (overrides the file's 'design' line).") var design: DriverDesign?
  @Flag(help: "Allocate single-entry CD tables as 64 bytes (overrides the file's 'design' line).")
  var compact = false
  @Flag(help: "Keep Linux 7.1's per-domain invalidation array (per-master only).")
  var invs = false

  /// The compact setting to force: on with `--compact`, else nil (the file decides).
  var forcedCompact: Bool? { compact ? true : nil }

  /// The invalidation-array setting to force: on with `--invs`, else nil (the file decides).
  var forcedInvs: Bool? { invs ? true : nil }

  /// Refuses `--invs` where the design that runs is legacy (forced, or the scenario's).
  func check(_ scenario: Scenario?) throws {
    guard invs else { return }
    let d = design ?? scenario?.declaredDesign.0 ?? .perMaster
    if let refusal = DriverOptions.invsRefusal(d) { throw UsageFailure("--invs: " + refusal) }
  }
}

extension DriverMutation: ExpressibleByArgument {}

/// `--mutate NAME` (repeatable): driver mutations active from the scenario's first line.
struct MutationOptions: ParsableArguments {
  @Option(name: .customLong("mutate"), help: "A driver mutation to inject (repeatable).")
  var mutations: [DriverMutation] = []
}
