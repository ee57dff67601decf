import SMMUDriver
import SMMUModel
import Scenario
import Testing

/// The hardware behaviours of smmuv3-hardware.md §10 that scenarios reach (items 1, 2, 3, 9, 20,
/// 21, 22), and the scenario syntax for them: `smmu` settings, `smmuen`, raw stores to L1
/// descriptors and memory, `ack evtq`, and the `events.last.*`, `evtq.*`, `mem.*` paths.
@Suite struct HardwareBehaviourTests {
  /// Runs lines one by one in a session (per-master unless given); every `expect` must pass.
  static func session(_ lines: [String], design: DriverDesign = .perMaster) -> Session {
    var s = Session(design: design)
    for l in lines { Self.run(&s, l) }
    return s
  }

  static func run(_ s: inout Session, _ line: String) {
    do { try s.execute(source: line) } catch { Issue.record("\(line): \(error)") }
    if let f = s.failures.last, f.text == line { Issue.record("\(line): \(f.expectation?.message ?? "")") }
  }

  /// A master on SID 0x105 (2-level stream table) translating 0x1000 through a paging domain.
  static let translating = [
    "master m sid 0x105", "domain d paging", "map d 0x1000", "attach d m", "dma m 0x1000",
    "expect dma == 0x80001000",
  ]

  // MARK: §10 item 1

  @Test func behaviour01SIDBeyondTheTableAbortsAndRECINVSIDGatesTheEvent() {
    for (setting, events) in [("on", 1), ("off", 0)] {
      var s = Self.session([
        "smmu sid-bits 8 recinvsid \(setting)", "master m sid 0x200", "expect error -ERANGE", "dma m 0x1000",
        "expect dma == abort", "expect events == \(events)", "expect ste-fetches == 0",
        "expect cfg-cache.entries == 0", "domain d paging", "attach d m", "expect error -ENODEV",
      ])
      if events == 1 {
        Self.run(&s, "expect events.last.type == C_BAD_STREAMID")
        Self.run(&s, "expect events.last.sid == 0x200")
      }
      #expect(s.driver.refusedEndpoints["m"] == [0x200])
      #expect(s.driver.masters["m"] == nil)
    }
  }

  // MARK: §10 item 2

  @Test(arguments: [(UInt64(0), UInt32(0x105)), (12, 0x105), (31, 0x105), (10, 0x105), (2, 0x105)])
  func behaviour02BadL1STDSpanIsCBadStreamIDNeverCBadSTE(span: UInt64, sid: UInt32) throws {
    var s = Self.session(Self.translating)
    let leaf = try #require(s.driver.streamTable.leaves[Int(sid >> 8)])
    for line in [
      "write l1std \(hex(UInt64(sid))) \(hex(leaf.base | span))", "cmd CFGI_STE sid 0x105 leaf 0", "cmd SYNC",
      "dma m 0x1000", "expect dma == abort", "expect event C_BAD_STREAMID", "expect events.C_BAD_STE == 0",
      // Span 9 (SPLIT + 1) again: the STE is reachable.
      "write l1std 0x105 \(hex(leaf.base | 9))", "cmd CFGI_STE sid 0x105 leaf 0", "cmd SYNC", "dma m 0x1000",
      "expect dma == 0x80001000",
    ] { Self.run(&s, line) }
  }

  @Test func behaviour02SmallSpanStillReachesTheFirstSTEs() throws {
    var s = Self.session(["master m sid 0x101", "domain d paging", "map d 0x1000", "attach d m"])
    let leaf = try #require(s.driver.streamTable.leaves[1])
    // Span 2: 2 STEs, SID[7:0] = 1 is in range.
    for line in [
      "write l1std 0x101 \(hex(leaf.base | 2))", "cmd CFGI_STE sid 0x101 leaf 0", "cmd SYNC", "dma m 0x1000",
      "expect dma == 0x80001000",
    ] { Self.run(&s, line) }
  }

  // MARK: §10 item 3

  @Test func behaviour03InvalidOrIllegalSTEIsCBadSTEAndReservedConfigAbortsSilently() throws {
    var s = Self.session(Self.translating)
    let q0 = try #require(s.driver.ste(sid: 0x105)).qwords[0]
    for line in [
      "write ste 0x105 0 \(hex(q0 & ~1))", "cmd CFGI_STE sid 0x105", "cmd SYNC", "dma m 0x1000",
      "expect event C_BAD_STE", "expect events.last.type == C_BAD_STE",
      // Config 0b001 (reserved) acts as abort: no event.
      "write ste 0x105 0 0x3", "cmd CFGI_STE sid 0x105", "cmd SYNC", "dma m 0x1000", "expect dma == abort",
      "expect last.commands == 0", "expect events == 1",
      // An ILLEGAL field (EATS split-stage on a stage-1 STE) is C_BAD_STE.
      "write ste 0x105 0 \(hex(q0))", "write ste 0x105 1 \(hex(0x2000_0000))", "cmd CFGI_STE sid 0x105",
      "cmd SYNC", "dma m 0x1000", "expect event C_BAD_STE",
    ] { Self.run(&s, line) }
  }

  @Test func behaviour03IllegalStage2FieldsAreCBadSTE() throws {
    var s = Self.session([
      "master m sid 0x105", "domain v s2", "map v 0x1000", "attach v m", "dma m 0x1000",
      "expect dma == 0x80001000",
    ])
    let q2 = try #require(s.driver.ste(sid: 0x105)).qwords[2]
    // S2T0SZ = 0 (out of range), then S2TG = 0b11 (reserved): both C_BAD_STE.
    for value in [q2 & ~(UInt64(0x3F) << 32), q2 | UInt64(3) << 46] {
      for line in [
        "write ste 0x105 2 \(hex(value))", "cmd CFGI_STE sid 0x105", "cmd SYNC", "dma m 0x1000",
        "expect event C_BAD_STE",
      ] { Self.run(&s, line) }
    }
  }

  // MARK: §10 item 9

  @Test(arguments: ["yes", "no"])
  func behaviour09InvalidEntryCachingIsAMode(mode: String) throws {
    var s = Self.session(["smmu cache-invalid \(mode)"] + Self.translating)
    let q0 = try #require(s.driver.ste(sid: 0x105)).qwords[0]
    let stillBad = mode == "yes"
    // A lookup sees the STE invalid; V=1 again without CFGI_STE.
    for line in [
      "write ste 0x105 0 \(hex(q0 & ~1))", "cmd CFGI_STE sid 0x105", "cmd SYNC", "dma m 0x1000",
      "expect event C_BAD_STE", "write ste 0x105 0 \(hex(q0))", "dma m 0x1000",
      stillBad ? "expect event C_BAD_STE" : "expect dma == 0x80001000",
      // The same through PREFETCH_CFG, which never records an event.
      "write ste 0x105 0 \(hex(q0 & ~1))", "cmd CFGI_STE sid 0x105", "cmd SYNC", "cmd PREFETCH_CFG sid 0x105",
      "expect last.commands == 1", "write ste 0x105 0 \(hex(q0))", "dma m 0x1000",
      stillBad ? "expect event C_BAD_STE" : "expect dma == 0x80001000",
    ] { Self.run(&s, line) }
  }

  // MARK: §10 item 20

  @Test func behaviour20OneEventPerTransactionInPriorityOrderAndPrefetchNeverRecords() throws {
    // The device has 4 PASID bits, the SMMU 2: S1CDMax is 2, so PASID 9 is out of range.
    var s = Self.session(
      ["smmu ssid-bits 2", "master m sid 0x105 ssid-bits 4"] + Self.translating.dropFirst())
    let q0 = try #require(s.driver.ste(sid: 0x105)).qwords[0]
    for line in [
      // An invalid STE and a PASID beyond S1CDMax: C_BAD_STE wins, one record.
      "write ste 0x105 0 \(hex(q0 & ~1))", "cmd CFGI_STE sid 0x105", "cmd SYNC", "dma m pasid 9 0x1000",
      "expect events == 1", "expect events.last.type == C_BAD_STE",
      // Prefetching a SID beyond the table, an invalid STE: no record.
      "cmd PREFETCH_CFG sid 0xffff", "cmd PREFETCH_CFG sid 0x105", "expect events == 1",
      // A valid STE, an unmapped page with an invalid PASID: C_BAD_SUBSTREAMID only.
      "write ste 0x105 0 \(hex(q0))", "cmd CFGI_STE sid 0x105", "cmd SYNC", "dma m pasid 9 0x5000",
      "expect events == 2", "expect events.last.type == C_BAD_SUBSTREAMID", "expect events.last.ssid == 9",
      "expect events.last.ssv == 1",
      // Only the translation fault: one record, CLASS IN, stage 1.
      "dma m 0x5000 write", "expect events == 3", "expect events.last.type == F_TRANSLATION",
      "expect events.last.class == IN", "expect events.last.s2 == 0", "expect events.last.stall == 0",
      "expect events.last.addr == 0x5000", "expect events.last.sid == 0x105",
    ] { Self.run(&s, line) }
  }

  // MARK: §10 item 21

  @Test func behaviour21FullEventQueueDropsRecordsAndTogglesOverflowOnce() {
    var lines = [
      "smmu evtq 4", "master m sid 0x105", "domain d paging", "attach d m", "expect evtq.size == 4",
    ]
    for i in 0..<6 { lines.append("dma m \(hex(UInt64(0x10000 + i * 0x1000)))") }
    lines += [
      "expect events == 6", "expect evtq.count == 4", "expect evtq.lost == 2", "expect evtq.overflow == 1",
      "dma m 0x20000", "expect evtq.overflow == 1", "expect evtq.lost == 3", "ack evtq",
      "expect evtq.count == 0",
      "expect evtq.overflow == 1",
    ]
    for i in 0..<5 { lines.append("dma m \(hex(UInt64(0x30000 + i * 0x1000)))") }
    // The next overflow toggles the flag back.
    lines += [
      "expect evtq.count == 4", "expect evtq.lost == 4", "expect evtq.overflow == 0", "expect events == 12",
    ]
    _ = Self.session(lines)
  }

  // MARK: §10 item 22

  @Test func behaviour22DisabledSMMUFollowsGBPAAndCachesNothing() {
    var s = Self.session(
      ["smmu gbpa abort"] + Self.translating + [
        "cmd CFGI_ALL", "cmd TLBI_NSNH_ALL", "cmd SYNC", "smmuen 0", "dma m 0x1000", "expect dma == abort",
        "expect dma.served == GBPA", "expect events == 0", "expect cfg-cache.entries == 0",
        "expect tlb.entries == 0",
        "expect ste-fetches == 1", "smmuen 1", "dma m 0x1000", "expect dma == 0x80001000",
        "expect ste-fetches == 2",
      ])
    #expect(s.driver.smmu.enabled)
    Self.run(&s, "smmuen 0")
    #expect(!s.driver.smmu.enabled)
    var b = Self.session(
      ["smmu gbpa bypass"] + Self.translating + [
        "smmuen 0", "dma m 0x1234", "expect dma == 0x1234", "expect dma.served == bypass",
        "expect events == 0",
      ])
    Self.run(&b, "smmuen 1")
  }

  // MARK: Settings

  @Test func smmuSettingsReachTheFeatures() throws {
    let s = Self.session([
      "smmu stage1 off ats off stall force recinvsid off cache-invalid no gbpa bypass evtq 8 hyp on",
      "expect evtq.size == 8",
    ])
    let f = s.driver.smmu.features
    #expect(!f.stage1 && f.stage2 && !f.ats && f.stallModel == .stallForced && !f.recordInvalidSID)
    #expect(!f.cachesInvalidEntries && !f.gbpaAbort && f.eventQueueEntries == 8 && f.hyp)
    // Linux's reset issues TLBI_EL2_ALL (+ sync) when the SMMU has Hyp.
    #expect(s.driver.smmu.counters.commands["TLBI_EL2_ALL"] == 1)
    #expect(Self.session([]).driver.smmu.counters.commands["TLBI_EL2_ALL"] == nil)
    // The stall settings map onto STALL_MODEL.
    for (word, model) in [("off", SMMUFeatures.StallModel.terminateOnly), ("on", .stallOrTerminate)] {
      #expect(Self.session(["smmu stall \(word)"]).driver.smmu.features.stallModel == model)
    }
  }

  /// With stalls forced, Linux enables stalls for every master, so its CDs have S=1 (S=0
  /// would be ILLEGAL) and translation works.
  @Test func forcedStallsApplyToEveryMaster() throws {
    let s = Self.session(["smmu stall force"] + Self.translating)
    let m = try #require(s.driver.masters["m"])
    #expect(m.stallEnabled)
    let table = try #require(m.cdTable)
    #expect(s.driver.cd(table: table, ssid: 0)?[ContextDescriptor.s] == 1)
  }

  @Test func smmuSettingErrors() {
    for (line, message) in [
      ("smmu evtq 6", "evtq must be a power of two"), ("smmu stall maybe", "stall is off or on or force"),
      ("smmu stage1 off stage2 off", "stage 1, stage 2 or both"), ("smmu hyp", "missing off or on"),
      ("smmu cache-invalid on", "cache-invalid is no or yes"),
    ] {
      do {
        _ = try ScenarioParser.parse(line)
        Issue.record("\(line) parsed")
      } catch {
        #expect(error.message.contains(message), "\(line): \(error.message)")
      }
    }
  }

  @Test func absentStagesRefuseTheDomainsThatNeedThem() {
    _ = Self.session([
      "smmu stage1 off", "master m sid 0x105", "domain d paging", "attach d m", "expect error -EOPNOTSUPP",
      "domain v s2", "map v 0x1000", "attach v m", "dma m 0x1000", "expect dma == 0x80001000",
    ])
    _ = Self.session([
      "smmu stage2 off", "master m sid 0x105", "domain v s2", "attach v m", "expect error -EOPNOTSUPP",
      "domain d paging", "attach d m", "map d 0x1000", "dma m 0x1000", "expect dma == 0x80001000",
    ])
  }

  // MARK: Substreams on an SMMU without them

  @Test func pasidOnAnSMMUWithoutSubstreamsIsCBadSubstreamID() {
    _ = Self.session([
      "smmu ssid-bits 0", "master m sid 0x105 ssid-bits 8", "domain d paging", "map d 0x1000", "attach d m",
      "dma m pasid 5 0x1000", "expect dma == abort", "expect event C_BAD_SUBSTREAMID",
      "expect events.last.ssid == 5",
      "expect events.last.ssv == 1", "attach d m pasid 5", "expect error -EINVAL", "dma m 0x1000",
      "expect dma == 0x80001000",
    ])
  }

  // MARK: Raw stores

  @Test func rawMemoryStoresAndReads() throws {
    var s = Self.session(Self.translating)
    let root = try #require(s.driver.domains["d"]?.pageTable?.root.base)
    let slot = root  // the level-0 descriptor covering IOVA 0
    let old = try s.driver.smmu.read(slot)
    for line in [
      "expect mem.\(hex(slot)) == \(hex(old))", "write mem \(hex(slot)) 0", "expect mem.\(hex(slot)) == 0",
      "cmd TLBI_NSNH_ALL", "cmd SYNC", "dma m 0x1000", "expect dma == abort", "expect event F_TRANSLATION",
      "write mem \(hex(slot)) \(hex(old))", "dma m 0x1000", "expect dma == 0x80001000",
      "write mem 0x10 1", "expect error -EINVAL", "write mem \(hex(slot + 4)) 1", "expect error -EINVAL",
      "expect mem.0x10 == 0",
    ] {
      if line == "expect mem.0x10 == 0" {
        #expect(s.value(of: "mem.0x10") == nil)
      } else {
        Self.run(&s, line)
      }
    }
  }

  @Test func rawL1CDStoreIsCBadSubstreamID() throws {
    var s = Self.session(["master m sid 0x105 ssid-bits 20"] + Self.translating.dropFirst())
    #expect(s.driver.masters["m"]?.cdTable?.format == .twoLevel)
    for line in [
      "write l1cd m 0 0", "cmd CFGI_CD sid 0x105 ssid 0 leaf 0", "cmd SYNC", "dma m 0x1000",
      "expect event C_BAD_SUBSTREAMID", "write l1cd m 1024 0", "expect error -EINVAL", "write l1std 0x105 0",
    ] { Self.run(&s, line) }
    var linear = Self.session(
      ["smmu strtab linear"] + Self.translating + ["write l1std 0x105 0", "expect error"])
    Self.run(&linear, "write l1cd m 0 0")
    Self.run(&linear, "expect error -EINVAL")
  }
}
