import Checker
import SMMUDriver
import SMMUModel

/// Values `expect PATH OP VALUE` can read. Numbers are returned in decimal; names and
/// states as words. The paths are listed in docs/scenario-language.md.
extension Session {
  /// Every CD table in the model: (owner, table).
  package var cdTables: [(owner: String, table: CDTable)] {
    switch options.design {
    case .perMaster:
      driver.masterOrder.compactMap { n in driver.masters[n]?.cdTable.map { (n, $0) } }
    case .legacy:
      driver.domainOrder.compactMap { n in driver.domains[n]?.legacyCDTable.map { (n, $0) } }
    }
  }

  /// CD tables by root address (the value an STE's S1ContextPtr holds).
  package var cdTablesByRoot: [UInt64: (owner: String, table: CDTable)] {
    var out: [UInt64: (owner: String, table: CDTable)] = [:]
    for t in cdTables where out[t.table.root.base] == nil { out[t.table.root.base] = t }
    return out
  }

  /// Bytes of all CD tables (what they occupy in memory).
  package var cdTableBytes: UInt64 {
    let m = driver.smmu.memory
    return m.occupiedBytes(.cdTable) + m.occupiedBytes(.cdTableL1) + m.occupiedBytes(.cdTableLeaf)
  }

  /// Reads one path, or nil when it names nothing.
  package func value(of path: String) -> String? {
    let smmu = driver.smmu
    let parts = path.split(separator: ".").map(String.init)
    func n(_ v: some BinaryInteger) -> String { String(v) }
    switch path {
    case "cd-tables": return n(cdTables.count)
    case "cd-table-bytes", "memory.cd-table-bytes": return n(cdTableBytes)
    case "memory.stream-table-bytes":
      return n(smmu.memory.occupiedBytes(.streamTable) + smmu.memory.occupiedBytes(.streamTableL1))
    case "memory.page-table-bytes": return n(smmu.memory.occupiedBytes(.pageTable))
    case "ste-writes": return n(totals.steWrites)
    case "cd-writes": return n(totals.cdWrites)
    case "syncs": return n(totals.syncs)
    case "commands": return n(totals.commands.values.reduce(0, +))
    case "errors": return n(totals.errors)
    case "cfg-cache.hits": return n(smmu.configCache.stats.hits)
    case "cfg-cache.misses": return n(smmu.configCache.stats.misses)
    case "cfg-cache.entries": return n(smmu.configCache.count)
    case "tlb.hits": return n(smmu.tlb.stats.hits)
    case "tlb.misses": return n(smmu.tlb.stats.misses)
    case "tlb.entries": return n(smmu.tlb.count)
    case "atc.hits": return n(smmu.atcs.values.reduce(0) { $0 + $1.stats.hits })
    case "atc.misses": return n(smmu.atcs.values.reduce(0) { $0 + $1.stats.misses })
    case "atc.entries": return n(smmu.atcs.values.reduce(0) { $0 + $1.count })
    case "cd-fetches": return n(smmu.counters.cdFetches)
    case "ste-fetches": return n(smmu.counters.steFetches)
    case "walk-reads": return n(smmu.counters.walkReads.reduce(0, +))
    case "hazards": return n(smmu.hazards.count)
    case "events": return n(smmu.events.count)
    case "dma":
      return lastDMA.map { $0.outputAddress.map { hex($0) } ?? ($0.isStalled ? "stalled" : "abort") }
    case "dma.stag": return lastDMA.flatMap { if case .stalled(let t) = $0.outcome { n(t) } else { nil } }
    case "stalled": return n(smmu.stalledTransactions.count)
    case "cmdq.error": return smmu.commandQueue.error.name
    case "cmdq.held": return n(smmu.heldCommands.count)
    case "cmdq.cons": return n(smmu.commandQueue.cons)
    case "cmdq.msi":
      return smmu.commandQueue.msiWrites.last.map {
        "\(hex($0.address))=\(hex(UInt64($0.data)))" + ($0.aborted ? ",aborted" : "")
      } ?? "none"
    case "dma.served": return lastDMA?.servedBy
    case "pending-invalidations": return n(smmu.pendingInvalidations.count)
    case "last.pending-invalidations": return lastPendingInvalidations.map(n)
    case "transition.syncs": return lastTransition.map { n($0.outcome.syncs) }
    case "transition.hitless": return lastTransition.map { $0.outcome.hitless ? "yes" : "no" }
    default: break
    }
    guard parts.count >= 2 else { return nil }
    switch parts[0] {
    case "commands" where parts.count == 2: return n(totals.commands[parts[1].uppercased(), default: 0])
    case "events" where parts.count == 3 && parts[1] == "last": return lastEventValue(parts[2])
    case "evtq" where parts.count == 2: return eventQueueValue(parts[1])
    case "mem" where parts.count == 2: return memoryValue(parts[1])
    case "events" where parts.count == 2: return n(smmu.counters.events[parts[1].uppercased(), default: 0])
    case "hazards" where parts.count == 2:
      return n(smmu.hazards.filter { $0.kind.rawValue == parts[1] }.count)
    case "last": return lastValue(Array(parts.dropFirst()))
    case "step" where parts[1] == "commands": return stepCommandsValue(parts.count == 3 ? parts[2] : nil)
    case "walk" where parts.count == 2: return walkValue(parts[1])
    case "ste": return steValue(parts)
    case "cd": return cdValue(parts)
    case "master": return masterValue(parts)
    case "domain": return domainValue(parts)
    case "viommu": return viommuValue(parts)
    case "guest": return guestValue(parts)
    default: return nil
    }
  }

  var lastDMA: TranslationResult? {
    lastDMATranslation
  }

  func lastValue(_ p: [String]) -> String? {
    guard let t = lastAction?.trace else { return nil }
    switch p.joined(separator: ".") {
    case "syncs": return String(t.syncs)
    case "ste-writes": return String(t.steWrites)
    case "cd-writes": return String(t.cdWrites)
    case "commands": return String(t.commands.count)
    default:
      if p.count == 2, p[0] == "commands" { return String(t.commandCounts[p[1].uppercased(), default: 0]) }
      if p.count == 3, p[0] == "commands" {
        let c = t.commands.last { $0.name == p[1].uppercased() }
        return c.flatMap { CommandEncoding.operand(p[2], of: $0) }.map { String($0) }
      }
      return nil
    }
  }

  /// `step.commands[.NAME]`: commands the SMMU consumed since the current `step` began (all
  /// of them, the driver's reset included), or those of one name.
  func stepCommandsValue(_ name: String?) -> String? {
    let now = driver.smmu.counters.commandCounts
    guard let name else {
      return String(Command.names.indices.reduce(0) { $0 + now[$1] - stepCommandBase[$1] })
    }
    guard let i = Command.names.firstIndex(of: name.uppercased()) else { return nil }
    return String(now[i] - stepCommandBase[i])
  }

  /// `qN` (N = 0-7) of an entry's path: the raw qword, in hex.
  static func rawQword(_ field: String, _ qwords: EntryQwords) -> String? {
    guard field.count == 2, field.first == "q", let n = Int(field.dropFirst()), (0..<8).contains(n) else {
      return nil
    }
    return hex(qwords[n], digits: 16)
  }

  /// `ste.SID.FIELD`: config, s1dss, s1cdmax, s1fmt, eats, vmid, valid, table, q0-q7.
  func steValue(_ p: [String]) -> String? {
    guard p.count == 3, let n = parseNumber(p[1]), let sid = UInt32(exactly: n),
      let ste = driver.ste(sid: sid)
    else { return nil }
    typealias S = StreamTableEntry
    if let q = Self.rawQword(p[2], ste.qwords) { return q }
    switch p[2] {
    case "config": return ste.isValid ? ste.configValue.name.lowercased() : "invalid"
    case "s1dss": return ste.s1dssValue.name
    case "s1cdmax": return String(ste[S.s1cdmax])
    case "s1fmt": return String(ste[S.s1fmt])
    case "eats": return String(ste[S.eats])
    case "vmid": return String(ste[S.s2vmid])
    case "valid": return ste.isValid ? "1" : "0"
    case "table": return cdTables.first { $0.table.root.base == ste.contextPointer }?.owner ?? "none"
    default: return nil
    }
  }

  /// `cd.OWNER.SSID.FIELD`: valid, asid, epd0, domain, q0-q7.
  func cdValue(_ p: [String]) -> String? {
    guard p.count == 4, let n = parseNumber(p[2]), let ssid = UInt32(exactly: n),
      let table = cdTables.first(where: { $0.owner == p[1] })?.table
    else { return nil }
    guard let cd = driver.cd(table: table, ssid: ssid) else { return p[3] == "valid" ? "0" : nil }
    if let q = Self.rawQword(p[3], cd.qwords) { return q }
    switch p[3] {
    case "valid": return cd.isValid ? "1" : "0"
    case "asid": return String(cd.asidValue)
    case "epd0": return String(cd[ContextDescriptor.epd0])
    case "domain": return cd.isValid ? domainName(forTable: cd.tableAddress) : "none"
    default: return nil
    }
  }

  /// The domain (or mm) whose page table starts at `root`.
  package func domainName(forTable root: UInt64) -> String {
    if let d = driver.domains.values.first(where: { $0.pageTable?.root.base == root }) { return d.name }
    if let mm = driver.addressSpaces.values.first(where: { $0.pageTable.root.base == root }) {
      return "mm:\(mm.name)"
    }
    return "none"
  }

  /// `master.NAME.FIELD`: domain, ats, used-ssids, cd-table (format or none), cd-table-bytes, pasids,
  /// vsid, rmr, ats-always-on.
  func masterValue(_ p: [String]) -> String? {
    guard p.count == 3, let m = driver.masters[p[1]] else { return nil }
    switch p[2] {
    case "domain": return m.ridDomain ?? "blocked"
    case "ats": return m.atsEnabled ? "1" : "0"
    case "used-ssids": return String(m.usedSSIDs)
    case "cd-table": return m.cdTable?.format.rawValue ?? "none"
    case "cd-table-bytes": return String(m.cdTable?.occupiedBytes ?? 0)
    case "pasids": return String(m.pasidDomains.count)
    case "vsid": return vsidValue(p[1])
    case "rmr": return m.rmr ? "1" : "0"
    case "ats-always-on": return m.atsAlwaysOn ? "1" : "0"
    default: return nil
    }
  }

  /// `domain.NAME.FIELD`: asid, vmid, devices, cd-table-bytes, invs (.count, .trash).
  func domainValue(_ p: [String]) -> String? {
    guard p.count == 3 || (p.count == 4 && p[2] == "invs"), let d = driver.domains[p[1]] else { return nil }
    if p.count == 4 {
      switch p[3] {
      case "count": return String(d.invs.live.count)
      case "trash": return String(d.invs.trashCount)
      default: return nil
      }
    }
    switch p[2] {
    case "asid": return d.asid.map { String($0) } ?? "none"
    case "vmid": return d.vmid.map { String($0) } ?? "none"
    case "devices": return String(d.devices.count)
    case "cd-table-bytes": return String(d.legacyCDTable?.occupiedBytes ?? 0)
    case "invs": return d.invs.description
    default: return nil
    }
  }

  /// Evaluates an `expect`.
  func evaluate(_ e: Expectation) -> ExpectationOutcome {
    let last = lastAction
    switch e {
    case .event(let name):
      let seen = last?.events.map(\.type.name) ?? []
      return ExpectationOutcome(
        passed: seen.contains(name),
        message:
          "event \(name); the previous command recorded \(seen.isEmpty ? "none" : seen.joined(separator: ", "))"
      )
    case .error(let code):
      let err = last?.trace?.error
      let ok =
        err != nil && (code == nil || err!.code.rawValue == code || "-" + (code ?? "") == err!.code.rawValue)
      return ExpectationOutcome(
        passed: ok, message: "error\(code.map { " \($0)" } ?? ""); found \(err?.description ?? "no error")")
    case .hazard(let kind):
      let found = last?.hazards ?? []
      let ok = kind == nil ? !found.isEmpty : found.contains { $0.kind.rawValue == kind }
      return ExpectationOutcome(
        passed: ok,
        message:
          "hazard\(kind.map { " \($0)" } ?? ""); found \(found.isEmpty ? "none" : found.map(\.kind.rawValue).joined(separator: ", "))"
      )
    case .check(let kind):
      let found = lastFindings.map(\.kind.rawValue)
      let ok = checker != nil && (kind == nil ? found.isEmpty : found.contains(kind!))
      let seen =
        checker == nil
        ? "the session is not checking" : found.isEmpty ? "clean" : found.joined(separator: ", ")
      return ExpectationOutcome(passed: ok, message: "check \(kind ?? "clean"); found \(seen)")
    case .compare(let path, let op, let expected):
      guard let actual = value(of: path) else {
        return ExpectationOutcome(passed: false, message: "\(path): no such value")
      }
      let ok: Bool
      if let a = parseNumber(actual), let b = parseNumber(expected) {
        switch op {
        case .eq: ok = a == b
        case .ne: ok = a != b
        case .lt: ok = a < b
        case .le: ok = a <= b
        case .gt: ok = a > b
        case .ge: ok = a >= b
        }
      } else {
        switch op {
        case .eq: ok = actual == expected
        case .ne: ok = actual != expected
        default: ok = false
        }
      }
      return ExpectationOutcome(passed: ok, message: "\(path) \(op.rawValue) \(expected); found \(actual)")
    }
  }
}
