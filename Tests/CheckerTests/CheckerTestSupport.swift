import Checker
import SMMUDriver
import SMMUModel
import Scenario

/// Runs scenario text with checking on; returns the session.
func checked(_ text: String, design: DriverDesign? = nil, compact: Bool? = nil) throws -> Session {
  let scenario = try ScenarioParser.parse(text, file: "test.scn")
  var s = Session(design: design, compact: compact, file: "test.scn")
  s.startChecking()
  for line in scenario.lines { s.execute(line) }
  return s
}

/// The kinds of a session's findings, in order, without repeats.
func kinds(_ s: Session) -> [String] {
  var out: [String] = []
  for f in s.findings where !out.contains(f.kind.rawValue) { out.append(f.kind.rawValue) }
  return out
}

/// A device with substreams attached to a paging domain with one mapping, on an SMMU that
/// caches no invalid structure (QEMU's choice; see docs/checker.md for why the default
/// reports Linux's L1 stream-table descriptor).
let attachedDevice = """
  smmu cache-invalid no
  master dev sid 0x8 ssid-bits 4
  domain d paging
  map d 0x1000
  attach d dev
  """
