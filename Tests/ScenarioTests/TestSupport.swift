import Foundation
import SMMUDriver
import SMMUModel
import Scenario
import TestSupport

/// Parses a scenario that must parse.
func parsed(_ source: String, file: String = "test.scn") throws -> Scenario {
  try ScenarioParser.parse(source, file: file)
}

/// Runs a scenario source (parsing it first).
func run(_ source: String, design: DriverDesign? = nil, compact: Bool? = nil) throws -> Session {
  Session.run(try parsed(source), design: design, compact: compact)
}
