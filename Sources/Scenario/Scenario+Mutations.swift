import SMMUDriver

extension Scenario {
  /// This scenario with `mutations` active from before its first line (`--mutate`): an
  /// `inject` line numbered 0 in front.
  package func injecting(_ mutations: [DriverMutation]) -> Scenario {
    guard !mutations.isEmpty else { return self }
    let text = "inject " + mutations.map(\.rawValue).joined(separator: " ")
    let line = ScenarioLine(line: 0, text: text, command: .inject(mutations), onlyFor: nil)
    return Scenario(name: name, lines: [line] + lines)
  }
}
