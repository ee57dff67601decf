import Checker
import SMMUDriver
import SMMUModel

/// A scenario being run, one line at a time: the driver and hardware model, what each line
/// did, and the expectations' outcomes. Used headless (`run`, `compare`) and by the explorer
/// (its `:` command line and walkthroughs).
package struct Session: Sendable {
  package private(set) var options: DriverOptions
  package private(set) var features = SMMUFeatures()
  package internal(set) var driver: Driver
  package private(set) var results: [StepResult] = []
  package private(set) var totals = RunTotals()
  /// A design forced from outside (`--design`), which `design` lines do not change.
  let forcedDesign: DriverDesign?
  let forcedCompact: Bool?
  /// The invalidation array forced on or off from outside (`--invs`, `compare`'s columns).
  let forcedInvs: Bool?
  /// Parser state for lines typed interactively.
  var parser: ScenarioParser
  package private(set) var lastTransition: Transition?
  /// The last line that changed the model (kept, not searched for).
  var lastActionResult: StepResult?
  /// The `begin`/`end` group being run, if any.
  var openGroup: OperationGroup?
  /// Invalidations pending when the previous operation (line or group) ended.
  var lastPendingInvalidations: Int?
  /// The translation of the last `dma` line (or what a RESUME or STALL_TERM made of it).
  var lastDMATranslation: TranslationResult?
  /// The SMMU's command counts when the current `step` began (`step.commands.NAME`); empty
  /// when a `design` or `smmu` line made a new driver since, whose reset commands then count.
  var stepCommandBase = CommandCounts()
  /// Lines whose expectation failed, in order.
  var failedResults: [StepResult] = []
  /// When true, every `dma` line records its walk (the explorer's log can show it); `explain`
  /// lines always do. Headless runs leave it off and pay for no walk they do not print.
  package var recordsWalks = false
  /// When false, `results` stays empty (a headless run that reports each line as it goes).
  package var keepsResults = true
  /// Masters and domains a whole scenario declares, reserved at its first declaration.
  var expectedObjects: (masters: Int, domains: Int)?
  /// Judges each operation when checking is on (`startChecking()`).
  package internal(set) var checker: DesignChecker?
  /// Every finding so far, in order.
  package internal(set) var findings: [CheckFinding] = []
  /// The findings of the previous operation (`expect check`).
  package internal(set) var lastFindings: [CheckFinding] = []
  /// The operation being observed for the checker.
  var observed: ObservedOperation?
  /// Mutations that changed what drivers replaced by a `design` or `smmu` line did.
  var earlierMutationsApplied: Set<DriverMutation> = []

  /// The mutations that changed what the driver did at some point of the run.
  package var mutationsApplied: Set<DriverMutation> { earlierMutationsApplied.union(driver.mutationsApplied) }

  /// A session on the defaults (per-master), or on a forced design.
  package init(
    design: DriverDesign? = nil, compact: Bool? = nil, invs: Bool? = nil, file: String = "<session>"
  ) {
    forcedDesign = design
    forcedCompact = compact
    forcedInvs = invs
    options = DriverOptions(
      design: design ?? .perMaster, compactCDTables: compact ?? false, invs: invs ?? false)
    driver = Driver(options: options, features: features)
    parser = ScenarioParser(file: file)
  }

  /// A read-only session over a driver built elsewhere (an imported run's tables).
  package init(observing driver: Driver) {
    forcedDesign = driver.options.design
    forcedCompact = false
    forcedInvs = driver.options.invs
    options = driver.options
    features = driver.smmu.features
    self.driver = driver
    parser = ScenarioParser(file: "<import>")
  }

  /// Runs a whole scenario.
  package static func run(
    _ scenario: Scenario, design: DriverDesign? = nil, compact: Bool? = nil, invs: Bool? = nil
  ) -> Session {
    var s = Session(design: design, compact: compact, invs: invs, file: scenario.name)
    s.expectObjects(of: scenario)
    s.checkIfAsked(by: scenario)
    s.results.reserveCapacity(scenario.lines.count)
    for line in scenario.lines { s.execute(line) }
    return s
  }

  /// Notes how many masters and domains a scenario declares (a capacity hint).
  mutating func expectObjects(of scenario: Scenario) {
    var m = 0
    var d = 0
    for line in scenario.lines {
      switch line.command {
      case .master: m += 1
      case .domain: d += 1
      default: break
      }
    }
    if m + d > 64 { expectedObjects = (m, d) }
  }

  /// Runs a whole scenario, handing each line's result to `each` as it is made; with
  /// `keepingResults` false the session does not keep them (memory stays flat).
  package static func run(
    _ scenario: Scenario, design: DriverDesign? = nil, compact: Bool? = nil, invs: Bool? = nil,
    keepingResults: Bool, each: (StepResult) -> Void
  ) -> Session {
    var s = Session(design: design, compact: compact, invs: invs, file: scenario.name)
    s.keepsResults = keepingResults
    s.expectObjects(of: scenario)
    s.checkIfAsked(by: scenario)
    for line in scenario.lines {
      if let r = s.step(line) { each(r) }
    }
    return s
  }

  /// The options a scenario ends with (forced ones, or its last `design` line that runs),
  /// known before it runs.
  package static func finalOptions(
    _ scenario: Scenario, design: DriverDesign?, compact: Bool?, invs: Bool? = nil
  ) -> DriverOptions {
    var o = DriverOptions(
      design: design ?? .perMaster, compactCDTables: compact ?? false, invs: invs ?? false)
    for line in scenario.lines {
      guard case .design(let d, let c, let i) = line.command else { continue }
      if let only = line.onlyFor, only != o.design { continue }
      if let oc = line.onlyCompact, oc != o.compactCDTables { continue }
      o = DriverOptions(design: design ?? d, compactCDTables: compact ?? c, invs: invs ?? i)
    }
    return o
  }

  /// Expectations that failed.
  package var failures: [StepResult] { failedResults }

  /// Parses and runs one line typed by a user; a parse error changes nothing.
  package mutating func execute(source: String) throws(ScenarioError) {
    var p = parser
    guard let line = try p.parseLine(source, number: (results.last?.line ?? 0) + 1) else { return }
    parser = p
    execute(line)
  }

  /// Runs one parsed line. With `learnNames`, the parser of `execute(source:)` also learns
  /// the names the line declares (masters, domains, mms, SIDs), so lines typed later can use
  /// them: the explorer replays walkthroughs and opened files this way.
  package mutating func execute(_ line: ScenarioLine, learnNames: Bool) {
    if learnNames {
      // In place (a copy would duplicate the parser's tables on every line). The line parsed
      // once already, in its scenario, so it parses again here.
      _ = try? parser.parseLine(line.text, number: line.line)
    }
    execute(line)
  }

  /// Runs one parsed line.
  package mutating func execute(_ line: ScenarioLine) { step(line) }

  /// Runs one parsed line; returns what it did (nil when the line is not for this design).
  @discardableResult
  mutating func step(_ line: ScenarioLine) -> StepResult? {
    if let only = line.onlyFor, only != options.design { return nil }
    if let compact = line.onlyCompact, compact != options.compactCDTables { return nil }
    let eventsBefore = driver.smmu.events.count
    let hazardsBefore = driver.smmu.hazards.count
    var trace: OperationTrace?
    var expectation: ExpectationOutcome?
    var transition: Transition?
    checkBefore(line)
    switch line.command {
    case .design(let d, let compact, let invs):
      options = DriverOptions(
        design: forcedDesign ?? d, compactCDTables: forcedCompact ?? compact, mutations: options.mutations,
        invs: forcedInvs ?? invs)
      earlierMutationsApplied.formUnion(driver.mutationsApplied)
      driver = Driver(options: options, features: features)
      stepCommandBase = CommandCounts()
    case .smmu(let s):
      s.apply(to: &features)
      earlierMutationsApplied.formUnion(driver.mutationsApplied)
      driver = Driver(options: options, features: features)
      stepCommandBase = CommandCounts()
    case .master(let name, let sids, let bits, let ats, let stall, let group, let rmr, let alwaysOn):
      reserveExpectedObjects()
      trace = driver.addMaster(
        name: name, sids: sids, ssidBits: bits, ats: ats, stall: stall, group: group, rmr: rmr,
        atsAlwaysOn: alwaysOn)
    case .domain(let name, let kind, let mm):
      reserveExpectedObjects()
      trace = driver.addDomain(name: name, kind: kind, mm: mm)
    case .nestParent(let name):
      trace = driver.addNestParent(name: name)
    case .nestedDomain(let name, let v, let q0, let q1):
      trace = driver.addNestedDomain(name: name, viommu: v, q0: q0, q1: q1)
    case .viommu(let name, let parent):
      trace = driver.addVIOMMU(name: name, parent: parent)
    case .vdevice(let v, let m, let vsid):
      trace = driver.addVDevice(viommu: v, master: m, vsid: vsid)
    case .guest(let v, let action):
      trace = action.run(on: &driver, viommu: v)
    case .attach(let d, let m, let pasid):
      trace = driver.attach(domain: d, master: m, pasid: pasid)
    case .detach(let m, let pasid):
      trace = driver.detach(master: m, pasid: pasid)
    case .map(let d, let iova, let size, let pa):
      trace = driver.map(domain: d, iova: iova, size: size, pa: pa)
    case .unmap(let d, let iova, let size):
      trace = driver.unmap(domain: d, iova: iova, size: size)
    case .dma(let m, let pasid, let iova, let write):
      trace = driver.dma(master: m, pasid: pasid, iova: iova, write: write, recordWalk: recordsWalks)
    case .explainDMA(let m, let pasid, let iova, let write):
      trace = driver.dma(master: m, pasid: pasid, iova: iova, write: write, recordWalk: true)
    case .asid(let d, let v):
      trace = driver.changeASID(domain: d, to: v)
    case .free(let d):
      trace = driver.free(domain: d)
    case .remove(let m):
      trace = driver.removeMaster(m)
    case .release(let mm):
      trace = driver.release(mm: mm)
    case .flush(let d):
      trace = driver.flushIOTLB(domain: d)
    case .writeSTE(let sid, let q, let v):
      trace = driver.rawWriteSTE(sid: sid, qword: q, value: v)
    case .writeCD(let owner, let ssid, let q, let v):
      trace = driver.rawWriteCD(owner: owner, ssid: ssid, qword: q, value: v)
    case .writeL1STD(let sid, let v):
      trace = driver.rawWriteL1STD(sid: sid, value: v)
    case .writeL1CD(let owner, let index, let v):
      trace = driver.rawWriteL1CD(owner: owner, index: index, value: v)
    case .writeMemory(let address, let v):
      trace = driver.rawWriteMemory(address: address, value: v)
    case .smmuEnable(let on):
      trace = driver.setSMMUEnabled(on)
    case .ack(let queue):
      switch queue {
      case .evtq: trace = driver.acknowledgeEvents()
      case .cmdq: trace = driver.acknowledgeCommandError()
      }
    case .command(let raw):
      trace = driver.rawCommands(raw.commands)
    case .transition(let kind, let from, let to):
      transition = try? Transition(kind: kind == "ste" ? .ste : .cd, from: from, to: to)
      lastTransition = transition
    case .expect(let e):
      expectation = evaluate(e)
    case .step:
      stepCommandBase = driver.smmu.counters.commandCounts
    case .begin(let name):
      openGroup = OperationGroup(name: name, line: line.line)
    case .end:
      break
    case .inject(let list):
      options.mutations = list.isEmpty ? [] : options.mutations.union(list)
      driver.inject(options.mutations)
    case .say:
      break
    }
    totals.add(trace)
    let events =
      driver.smmu.events.count == eventsBefore ? [] : Array(driver.smmu.events.dropFirst(eventsBefore))
    let hazards =
      driver.smmu.hazards.count == hazardsBefore ? [] : Array(driver.smmu.hazards.dropFirst(hazardsBefore))
    let passed = expectation?.passed
    // The trace, expectation and transition move into the result: copying them out of
    // their optionals would cost more than the rest of the line's bookkeeping.
    let r = StepResult(
      line: line.line, text: line.text, command: line.command, trace: consume trace, events: events,
      hazards: hazards, expectation: consume expectation, transition: consume transition)
    if line.command.isAction {
      lastActionResult = r
      if openGroup != nil {
        openGroup!.add(r)
        lastPendingInvalidations = driver.smmu.pendingInvalidationCount
      } else {
        lastPendingInvalidations = driver.endOperation()
      }
    } else if case .end = line.command, let group = openGroup {
      lastActionResult = group.result(endLine: line.line, text: line.text)
      lastPendingInvalidations = driver.endOperation()
      openGroup = nil
    }
    switch line.command {
    case .dma, .explainDMA: lastDMATranslation = r.trace?.translation
    case .command, .ack(.cmdq):
      // A RESUME of the last DMA's stall: the retried (or terminated) result replaces it.
      if let stalled = lastDMATranslation, case .stalled(let stag) = stalled.outcome,
        let done = driver.smmu.stallCompletions.last(where: { $0.stalled.stag == stag })
      {
        lastDMATranslation = done.result
      }
    default: break
    }
    checkAfter(line)
    if passed == false { failedResults.append(r) }
    if keepsResults { results.append(r) }
    return r
  }

  /// Reserves room for the objects the scenario declares, once.
  mutating func reserveExpectedObjects() {
    guard let e = expectedObjects else { return }
    driver.reserveCapacity(masters: e.masters, domains: e.domains)
    expectedObjects = nil
  }

  /// The last line that changed the model (the one `expect event/error/hazard` refer to).
  var lastAction: StepResult? { lastActionResult }
}
