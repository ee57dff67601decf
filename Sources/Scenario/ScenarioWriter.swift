import SMMUDriver
import SMMUModel

/// Prints the state a session reached as a scenario that rebuilds it: the design, the
/// `smmu` settings, masters, domains, every mapping, attachments, ASIDs and released mms.
///
/// What is reproduced is the *logical* state: masters' RID and PASID domains, the valid CDs
/// of every CD table, the STEs, each domain's mappings and ASID, and which mms have exited.
/// Not reproduced: counters and cache contents, memory addresses and allocation history
/// (a per-master CD table kept after its last user, CD-table leaves), VMIDs after frees,
/// an mm's PASID when nothing is bound to it any more, and raw `write` stores.
package enum ScenarioWriter {
  /// The scenario text.
  package static func reproduce(_ session: Session) -> String {
    let w = Writer(session)
    let body = w.header + w.objects + w.mappings + w.finalisers + w.attachments
    // ASIDs: replay the body and move every domain whose ASID came out different.
    let trial = (try? ScenarioParser.parse(body.joined(separator: "\n"), file: "reproduce")).map {
      Session.run($0)
    }
    let asids = trial.map { w.asidFixes(after: $0.driver) } ?? []
    return (body + asids + w.tail).joined(separator: "\n") + "\n"
  }
}

/// Builds the sections of the reproduced scenario.
private struct Writer {
  let session: Session
  let driver: Driver
  let design: DriverDesign
  /// mm name -> a domain name that reaches it (a live SVA domain or a temporary one).
  var mmDomain: [String: String] = [:]
  /// Temporary SVA domains declared to create mms in their original order.
  var temporaries: [String] = []
  var objects: [String] = []

  init(_ session: Session) {
    self.session = session
    driver = session.driver
    design = session.options.design
    objects = ["", "# masters"]
    for name in driver.masterOrder {
      guard let m = driver.masters[name] else { continue }
      var line = "master \(name) sid " + m.sids.map { hex(UInt64($0)) }.joined(separator: ",")
      if m.ssidBits > 0 { line += " ssid-bits \(m.ssidBits)" }
      if m.atsSupported { line += " ats" }
      if m.atsAlwaysOn { line += " ats-always-on" }
      if m.stallEnabled { line += " stall" }
      if let g = m.group { line += " group \(g)" }
      if m.rmr { line += " rmr" }
      objects.append(line)
    }
    objects += ["", "# domains"]
    // mms are created by the first SVA domain naming them; their CPU ASIDs (0x8000 + n)
    // record the order, which temporary domains restore when the creating domain is gone.
    let mms = driver.addressSpaces.values.sorted { $0.cpuASID < $1.cpuASID }.map(\.name)
    var created = Set<String>()
    func create(upTo mm: String?) {
      for x in mms where !created.contains(x) {
        if x == mm { break }
        var temp = "_mm.\(x)"
        while driver.domains[temp] != nil { temp += "_" }
        objects.append("domain \(temp) sva mm \(x)")
        temporaries.append(temp)
        mmDomain[x] = temp
        created.insert(x)
      }
    }
    for name in driver.domainOrder {
      guard let d = driver.domains[name] else { continue }
      if let mm = d.mm, !created.contains(mm) {
        create(upTo: mm)
        created.insert(mm)
        mmDomain[mm] = name
      }
      if let ns = d.nested {
        objects.append("domain \(name) nested \(ns.viommu) ste \(hex(ns.q0)) \(hex(ns.guestQ1))")
        continue
      }
      objects.append(
        "domain \(name) \(d.kind.rawValue)" + (d.nestParent ? " nest-parent" : "")
          + (d.mm.map { " mm \($0)" } ?? ""))
      for v in driver.viommus.values.filter({ $0.parent == name }).sorted(by: { $0.name < $1.name }) {
        objects.append("viommu \(v.name) parent \(name)")
        for (vsid, m) in v.vdevices.sorted(by: { $0.key < $1.key }) {
          objects.append("vdevice \(v.name) \(m) vsid \(vsid)")
        }
      }
    }
    create(upTo: nil)
  }

  var header: [String] {
    let f = session.features
    return [
      "# state reproduced by smmuscope (\(session.options.label))",
      "design \(design.rawValue)" + (session.options.compactCDTables ? " compact" : "")
        + (session.options.invs ? " invs" : ""),
      "smmu sid-bits \(f.sidBits) ssid-bits \(f.ssidBits) strtab \(f.twoLevelStreamTable ? "2lvl" : "linear")"
        + " cd2l \(f.twoLevelCDTable ? "on" : "off") cfg-cache \(f.configCacheEntries)"
        + " tlb \(f.tlbEntries) atc \(f.atcEntries)",
    ]
  }

  /// `map` lines, contiguous pages merged into one `size`; `pa` left out when it is the default.
  var mappings: [String] {
    var out: [String] = []
    func emit(_ domain: String, _ table: IOPageTable?) {
      guard let table else { return }
      var runs: [(iova: UInt64, pa: UInt64, size: UInt64)] = []
      for iova in table.mappings.keys.sorted() {
        let m = table.mappings[iova]!
        if let last = runs.last, last.iova &+ last.size == iova, last.pa &+ last.size == m.pa {
          runs[runs.count - 1].size += m.size
        } else {
          runs.append((iova, m.pa, m.size))
        }
      }
      for r in runs {
        var line = "map \(domain) \(hex(r.iova))"
        if r.size != PageTableFormat.granule { line += " size \(hex(r.size))" }
        if r.pa != 0x8000_0000 &+ r.iova { line += " pa \(hex(r.pa))" }
        out.append(line)
      }
    }
    for name in driver.domainOrder where driver.domains[name]?.kind != .sva {
      emit(name, driver.domains[name]?.pageTable)
    }
    for mm in driver.addressSpaces.values.sorted(by: { $0.cpuASID < $1.cpuASID }) {
      if let d = mmDomain[mm.name] { emit(d, mm.pageTable) }
    }
    return out.isEmpty ? [] : ["", "# mappings"] + out
  }

  /// Domains that were finalised (ASID/VMID, legacy CD table) but that no attachment below
  /// reaches: attach and detach once.
  var finalisers: [String] {
    let ridUsers = Set(driver.masters.values.compactMap(\.ridDomain))
    let pasidUsers = Set(driver.masters.values.flatMap { $0.pasidDomains.values })
    var out: [String] = []
    for name in driver.domainOrder {
      guard let d = driver.domains[name], d.finalised, !ridUsers.contains(name) else { continue }
      switch (d.kind, design) {
      case (.paging, .perMaster) where pasidUsers.contains(name): continue
      case (.paging, .legacy):
        // The first master fixes s1cdmax and stall: find one (a group attaches in order).
        let leader = driver.masterOrder.compactMap { driver.masters[$0] }.first { m in
          let first = m.group.flatMap { g in driver.masterOrder.first { driver.masters[$0]?.group == g } }
          let f = first.flatMap { driver.masters[$0] } ?? m
          return f.ssidBits == d.legacyS1CDMax && f.stallEnabled == d.legacyStall
        }
        if let m = leader { out += attachDetach(name, m) }
      case (.paging, .perMaster), (.s2, _):
        if let m = driver.masterOrder.first.flatMap({ driver.masters[$0] }) { out += attachDetach(name, m) }
      case (.sva, .perMaster) where !pasidUsers.contains(name):
        guard let p = d.mm.flatMap({ driver.addressSpaces[$0]?.pasid }) else { continue }
        if let m = driver.masterOrder.compactMap({ driver.masters[$0] }).first(where: { p < 1 << $0.ssidBits }
        ) {
          out += ["attach \(name) \(m.name) pasid \(p)", "detach \(m.name) pasid \(p)"]
        }
      default: continue
      }
    }
    return out.isEmpty ? [] : ["", "# finalise domains that are no longer attached"] + out
  }

  func attachDetach(_ domain: String, _ m: Master) -> [String] {
    let members =
      m.group.map { g in driver.masterOrder.filter { driver.masters[$0]?.group == g } } ?? [m.name]
    return ["attach \(domain) \(m.name)"] + members.map { "detach \($0)" }
  }

  /// RID attachments (a group attaches as a whole: members left blocked are detached after),
  /// then PASID attachments.
  var attachments: [String] {
    var out: [String] = []
    var doneGroups = Set<String>()
    for name in driver.masterOrder {
      guard let m = driver.masters[name] else { continue }
      guard let g = m.group else {
        if let d = m.ridDomain { out.append("attach \(d) \(name)") }
        continue
      }
      guard doneGroups.insert(g).inserted else { continue }
      let members = driver.masterOrder.compactMap { driver.masters[$0] }.filter { $0.group == g }
      var seen = Set<String>()
      for x in members {
        if let d = x.ridDomain, seen.insert(d).inserted { out.append("attach \(d) \(x.name)") }
      }
      if !seen.isEmpty {
        for x in members where x.ridDomain == nil { out.append("detach \(x.name)") }
      }
    }
    for name in driver.masterOrder {
      guard let m = driver.masters[name] else { continue }
      for p in m.pasidDomains.keys.sorted() { out.append("attach \(m.pasidDomains[p]!) \(name) pasid \(p)") }
    }
    return out.isEmpty ? [] : ["", "# attachments"] + out
  }

  /// `asid` lines that take every domain from the ASID the replay gave it to the original's,
  /// through a free ASID when two domains swap.
  func asidFixes(after replay: Driver) -> [String] {
    var holder = replay.asids
    var current: [String: UInt16] = [:]
    var target: [String: UInt16] = [:]
    for (name, d) in driver.domains {
      guard let want = d.asid, let have = replay.domains[name]?.asid, want != have else { continue }
      target[name] = want
      current[name] = have
    }
    let wanted = Set(driver.domains.values.compactMap(\.asid))
    var pending = driver.domainOrder.filter { target[$0] != nil }
    var out: [String] = []
    func move(_ d: String, _ to: UInt16) {
      out.append("asid \(d) \(to)")
      holder[current[d]!] = nil
      holder[to] = d
      current[d] = to
    }
    while !pending.isEmpty {
      if let i = pending.firstIndex(where: { holder[target[$0]!] == nil }) {
        move(pending[i], target[pending[i]]!)
        pending.remove(at: i)
      } else if let i = pending.firstIndex(where: { d in pending.contains { target[$0] == current[d] } }),
        let free = (1..<(1 << replay.asidBits)).reversed().lazy.map({ UInt16($0) }).first(where: {
          holder[$0] == nil && !wanted.contains($0)
        })
      {
        move(pending[i], free)
      } else {
        break  // held by something that is not a domain (a legacy mm's CPU ASID)
      }
    }
    return out.isEmpty ? [] : ["", "# ASIDs"] + out
  }

  /// Released mms, then the temporary domains go.
  var tail: [String] {
    let released = driver.addressSpaces.values.filter(\.released).sorted { $0.cpuASID < $1.cpuASID }
    var out = released.map { "release \($0.name)" }
    out += temporaries.map { "free \($0)" }
    return out.isEmpty ? [] : ["", "# exited processes"] + out
  }
}
