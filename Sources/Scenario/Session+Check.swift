import Checker
import SMMUDriver
import SMMUModel

/// The operation being observed for the checker: the driver before it, and the line of each
/// observation point recorded so far.
struct ObservedOperation: Sendable {
  let line: Int
  let before: Driver
  var pointLines: [Int] = []
  var pages: [UInt64] = []
  /// The attach the operation performs, if it is one.
  var attaching: (domain: String, master: String, pasid: UInt32)?
}

extension Session {
  /// Turns checking on (`smmuscope check`, `expect check`, the explorer): from the next line
  /// on, every operation is judged by a `DesignChecker`.
  /// With `everyStream`, every stream is judged at every operation (tests: the same
  /// findings as judging only the streams an operation can change).
  package mutating func startChecking(everyStream: Bool = false) {
    if checker == nil { checker = DesignChecker() }
    checker!.skipsUnaffectedStreams = !everyStream
  }

  /// Turns checking on when the scenario has an `expect check` line.
  mutating func checkIfAsked(by scenario: Scenario) {
    if scenario.lines.contains(where: { if case .expect(.check) = $0.command { true } else { false } }) {
      startChecking()
    }
  }

  /// True when `command` is an operation the checker judges (a model-changing line other
  /// than a DMA, or a whole `begin`/`end` group).
  package static func isCheckedOperation(_ command: ScenarioCommand) -> Bool {
    switch command {
    case .dma, .explainDMA, .design, .smmu: false
    default: command.isAction
    }
  }

  /// Before a line runs: starts observing an operation (a line, or a group at `begin`), and
  /// notes the pages and SSIDs the line names.
  mutating func checkBefore(_ line: ScenarioLine) {
    guard checker != nil else { return }
    switch line.command {
    case .map(_, let iova, let size, _), .unmap(_, let iova, let size):
      checker!.track(page: iova)
      if size > 4096 { checker!.track(page: iova &+ size &- 4096) }
    case .dma(_, _, let iova, _), .explainDMA(_, _, let iova, _): checker!.track(page: iova)
    case .writeCD(_, let ssid, _, _): checker!.track(ssid: ssid)
    case .attach(_, _, let pasid) where pasid != 0: checker!.track(ssid: pasid)
    default: break
    }
    let starts: Bool
    if case .begin = line.command {
      starts = true
    } else {
      starts = openGroup == nil && Self.isCheckedOperation(line.command)
    }
    if starts, observed == nil {
      observed = ObservedOperation(line: line.line, before: driver)
      driver.startObserving()
    }
    if case .attach(let d, let m, let pasid) = line.command { observed?.attaching = (d, m, pasid) }
    if case .map(_, let iova, let size, _) = line.command { observed?.pages += Self.pages(iova, size) }
    if case .unmap(_, let iova, let size) = line.command { observed?.pages += Self.pages(iova, size) }
  }

  /// After a line ran: notes its points' line; at the end of an operation, judges it.
  mutating func checkAfter(_ line: ScenarioLine) {
    guard checker != nil else { return }
    switch line.command {
    case .design, .smmu:
      checker = DesignChecker()
      observed = nil
      lastFindings = []
      return
    default: break
    }
    guard var op = observed else { return }
    let count = driver.smmu.observedPointCount
    op.pointLines += Array(repeating: line.line, count: count - op.pointLines.count)
    observed = op
    let ends: Bool
    if case .end = line.command {
      ends = true
    } else {
      ends = openGroup == nil && Self.isCheckedOperation(line.command)
    }
    guard ends else { return }
    let points = driver.takeObservations()
    observed = nil
    lastFindings = checker!.check(
      DesignChecker.Operation(
        line: op.line, before: op.before, after: driver, points: points, pointLines: op.pointLines,
        pages: op.pages, attaching: op.attaching))
    findings += lastFindings
  }

  /// This session with the driver over another SMMU: a read-only view of a finding's point
  /// (its memory and caches), keeping the lines run, the findings and the names.
  package func viewing(_ smmu: SMMU) -> Session {
    var s = self
    s.driver = driver.viewing(smmu)
    return s
  }

  /// The first and last page of a range (what the checker probes of it).
  static func pages(_ iova: UInt64, _ size: UInt64) -> [UInt64] {
    size > 4096 ? [iova, iova &+ size &- 4096] : [iova]
  }
}
