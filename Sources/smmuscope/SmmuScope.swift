import ArgumentParser

/// The `smmuscope` command: the explorer by default, and headless subcommands.
@main
struct SmmuScope: ParsableCommand {
  /// Maps a `UsageFailure` to exit status 2 with a one-line message; everything else goes
  /// through ArgumentParser's own reporting.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let f as UsageFailure {
      Self.exit(withError: Self.failing(f))
    } catch {
      Self.exit(withError: error)
    }
  }

  static let configuration = CommandConfiguration(
    commandName: "smmuscope",
    abstract: "Explore the Arm SMMUv3 and the Linux arm-smmu-v3 driver's CD-table designs.",
    version: "0.1.0",
    subcommands: [
      ExploreCommand.self, RunCommand.self, CompareCommand.self, WalkthroughsCommand.self,
      TransitionCommand.self, KUnitCommand.self, SweepCommand.self,
      CheckCommand.self, BenchCommand.self, ImportCommand.self,
    ],
    defaultSubcommand: ExploreCommand.self
  )
}
