/// A built-in teaching scenario: narration (`say`), steps and expectations that pass under
/// both designs (design-specific lines carry a `legacy:` or `per-master:` prefix).
public struct Walkthrough: Sendable, Hashable {
  public let name: String
  public let title: String
  public let source: String

  /// The parsed scenario (built-ins always parse; a test checks it).
  public var scenario: Scenario {
    // swift-format-ignore
    (try? ScenarioParser.parse(source, file: "walkthrough:\(name)")) ?? Scenario(name: name, lines: [])
  }

  /// All built-in walkthroughs, in teaching order.
  public static let all: [Walkthrough] = [
    sharedDomain, svaLeak, pasidPaging, s1dss, asidChange, memory, group, vfioS2, missingInvalidation,
    hitlessUpdate, anatomyOfADMA,
  ]

  /// The one the explorer opens on.
  public static let `default` = sharedDomain

  public static func named(_ name: String) -> Walkthrough? { all.first { $0.name == name } }
}
