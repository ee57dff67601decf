import SMMUDriver

/// A built-in teaching scenario: narration (`say`), steps and expectations that pass under
/// the designs it is for (design-specific lines carry a `legacy:` or `per-master:` prefix).
package struct Walkthrough: Sendable, Hashable {
  package let name: String
  package let title: String
  /// The designs it runs under (both, unless it shows what only one driver has); the first
  /// is the one it opens in when the current design is not among them.
  package var designs: [DriverDesign] = DriverDesign.allCases
  package let source: String

  /// The parsed scenario (built-ins always parse; a test checks it).
  package var scenario: Scenario {
    // swift-format-ignore
    (try? ScenarioParser.parse(source, file: "walkthrough:\(name)")) ?? Scenario(name: name, lines: [])
  }

  /// All built-in walkthroughs, in teaching order.
  package static let all: [Walkthrough] = [
    sharedDomain, svaLeak, pasidPaging, s1dss, asidChange, memory, group, vfioS2, missingInvalidation,
    hitlessUpdate, anatomyOfADMA, asidReuse, freeingTables, atsInvalidationOrder, l2Visibility, nesting,
    nestedUpdateSafe,
  ]

  /// The one the explorer opens on.
  package static let `default` = sharedDomain

  package static func named(_ name: String) -> Walkthrough? { all.first { $0.name == name } }
}
