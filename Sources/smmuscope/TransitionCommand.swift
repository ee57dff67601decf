import ArgumentParser
import SMMUDriver

/// `smmuscope transition ste|cd FROM TO [--json | --kunit]`.
struct TransitionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "transition",
    abstract: "Run one STE or CD update through the hitless entry writer, step by step.",
    discussion: """
      STE specs: \(Transition.steForms)
      CD specs:  \(Transition.cdForms)
      Entries use the upstream KUnit fixtures (cdtab 0xF0F0F0F0F0F0, s1cdmax 0xFF, 64K_L2, ...).
      """
  )

  @Argument(help: "ste or cd") var kind: String
  @Argument(help: "The entry before the update.") var from: String
  @Argument(help: "The entry after the update.") var to: String
  @Flag(help: "Print one JSON object.") var json = false
  @Flag(help: "Print the transition as a KUnit case for upstream's arm-smmu-v3-test.c.") var kunit = false

  func run() throws {
    guard let k = EntryWriter.Kind(rawValue: kind) else {
      throw UsageFailure("the first argument must be 'ste' or 'cd', not '\(kind)'")
    }
    do {
      let t = try Transition(kind: k, from: from, to: to)
      if kunit {
        print(KUnitCase.file([KUnitCase(t, from: from, to: to)]), terminator: "")
        return
      }
      print(
        json ? t.json(fromSpec: from, toSpec: to) : t.text(fromSpec: from, toSpec: to),
        terminator: json ? "\n" : "")
    } catch {
      throw UsageFailure(error.description)
    }
  }
}
