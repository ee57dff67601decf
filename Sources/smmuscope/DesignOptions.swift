import ArgumentParser
import SMMUDriver

/// `--design` / `--compact`: the design to model, forced over a scenario's `design` line.
/// Without them the file's `design ... [compact]` line (or per-master) applies.
struct DesignOptions: ParsableArguments {
  @Option(help: "legacy or per-master (overrides the file's 'design' line).") var design: DriverDesign?
  @Flag(help: "Allocate single-entry CD tables as 64 bytes (overrides the file's 'design' line).")
  var compact = false

  /// The compact setting to force: on with `--compact`, else nil (the file decides).
  var forcedCompact: Bool? { compact ? true : nil }
}

extension DriverMutation: ExpressibleByArgument {}

/// `--mutate NAME` (repeatable): driver mutations active from the scenario's first line.
struct MutationOptions: ParsableArguments {
  @Option(name: .customLong("mutate"), help: "A driver mutation to inject (repeatable).")
  var mutations: [DriverMutation] = []
}
