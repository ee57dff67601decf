import Checker
import SMMUDriver
import SMMUModel
import Scenario
import Testing

/// Each finding kind provoked on purpose, and its absence on the correct sequence.
@Suite struct FindingKindTests {
  /// CD 0 of `dev` as the driver wrote it, with R (bit 13? no: the record-faults bit) flipped
  /// in qword 0: a change in a used bit that needs CFGI_CD.
  static func cd0(_ s: Session) -> UInt64 { UInt64(s.value(of: "cd.dev.0.q0")!.dropFirst(2), radix: 16)! }

  static func rawCDChange(_ s: Session, cfgi: Bool, sync: Bool) -> String {
    let q0 = cd0(s) ^ (1 << 13)  // CD.R: record faults
    return """
      begin "flip CD 0's R bit"
      write cd dev 0 0 \(hex(q0))
      \(cfgi ? "cmd CFGI_CD sid 0x8 ssid 0" : "")
      \(sync ? "cmd CMD_SYNC" : "")
      end
      expect check \(cfgi && sync ? "clean" : cfgi ? "unsynced" : "stale")
      """
  }

  @Test(arguments: [(true, true), (false, true), (true, false)])
  func rawCDStoreNeedsItsInvalidationAndSync(cfgi: Bool, sync: Bool) throws {
    let base = try checked(attachedDevice)
    #expect(base.findings.isEmpty, "\(base.findings)")
    let s = try checked(attachedDevice + "\n" + Self.rawCDChange(base, cfgi: cfgi, sync: sync))
    #expect(s.failures.isEmpty, "\(s.failures.map { $0.expectation!.message })")
    let expected = cfgi && sync ? [] : cfgi ? ["unsynced"] : ["stale"]
    #expect(kinds(s) == expected)
  }

  @Test func staleNamesTheStructureAndTheCommandsThatDropIt() throws {
    let base = try checked(attachedDevice)
    let s = try checked(attachedDevice + "\n" + Self.rawCDChange(base, cfgi: false, sync: true))
    let f = try #require(s.findings.first)
    #expect(f.kind == .stale && f.sid == 0x8 && f.ssid == nil && f.master == "dev")
    #expect(f.cache.hasPrefix("CD sid 0x8 ssid 0 cached with q0="))
    #expect(f.missing?.hasPrefix("CFGI_CD sid 0x8 ssid 0") == true)
    #expect(f.seen != f.allowed.first)
  }

  /// The writer's S1 -> bypass change (two qwords change in used bits: a breaking update
  /// through V=0) is clean at every point; the same qwords stored raw, qword 0 first, with a
  /// CFGI_STE and CMD_SYNC after each, are torn.
  @Test func entryWriterIsCleanAndRawStoresInTheWrongOrderAreTorn() throws {
    let setup = """
      smmu cache-invalid no
      master gpu sid 0x20
      domain id identity
      domain ctx paging
      map ctx 0x1000
      attach ctx gpu
      """
    let before = try checked(setup)
    #expect(before.findings.isEmpty, "\(before.findings)")
    let after = try checked(setup + "\nattach id gpu\n")
    #expect(after.findings.isEmpty, "\(after.findings)")
    func q(_ s: Session, _ i: Int) -> UInt64 {
      UInt64(s.value(of: "ste.0x20.q\(i)")!.dropFirst(2), radix: 16)!
    }
    let changed = (0..<8).filter { q(before, $0) != q(after, $0) }
    #expect(changed.count >= 2, "the change touches \(changed)")
    var raw = "begin \"raw stores, qword 0 first\"\n"
    for i in changed {
      raw += "write ste 0x20 \(i) \(hex(q(after, i)))\ncmd CFGI_STE sid 0x20\ncmd CMD_SYNC\n"
    }
    raw += "end\nexpect check torn\n"
    let torn = try checked(setup + "\n" + raw)
    #expect(torn.failures.isEmpty, "\(torn.findings)")
    #expect(torn.findings.contains { $0.kind == .torn && $0.point.contains("after the store of q") })
  }

  @Test(arguments: [DriverDesign.legacy, .perMaster])
  func svaLeakIsIsolationUnderLegacyOnly(design: DriverDesign) throws {
    let w = try #require(Walkthrough.named("sva-leak"))
    let text = "smmu cache-invalid no\n" + w.source
    let s = try checked(text, design: design)
    #expect(kinds(s) == (design == .legacy ? ["isolation"] : []))
    if design == .legacy {
      let f = try #require(s.findings.first)
      #expect(f.master == "acc" && f.ssid == 5 && f.allowed == ["no domain attached at this SSID"])
    }
  }

  /// A CD pointed at a page table that was freed: a DMA would walk freed memory.
  @Test func cdPointingIntoFreedTableIsUseAfterFree() throws {
    let base = try checked(attachedDevice + "\ndomain old paging\nmap old 0x1000\n")
    let root = try #require(base.driver.domains["old"]?.pageTable?.root.base)
    let q1 = UInt64(base.value(of: "cd.dev.0.q1")!.dropFirst(2), radix: 16)!
    let ttb = (q1 & ~ContextDescriptor.ttb0.mask) | root
    let s = try checked(
      attachedDevice + """

        domain old paging
        map old 0x1000
        free old
        begin "point CD 0 at the freed table"
        write cd dev 0 1 \(hex(ttb))
        cmd CFGI_CD sid 0x8 ssid 0
        cmd CMD_SYNC
        end
        expect check use-after-free
        """)
    #expect(s.failures.isEmpty, "\(s.failures.map { $0.expectation!.message })")
    #expect(
      s.findings.first { $0.kind == .useAfterFree }?.missing?.contains(
        "lies in freed memory (page table of old)") == true, "\(s.findings)")
  }

  /// CD 0 switched to another domain's table under the same ASID, with its CFGI but no TLBI:
  /// the TLB entry walked from the old table can serve the new owner.
  @Test func sameASIDNewTableWithoutTLBIIsASIDReuse() throws {
    let setup = attachedDevice + "\ndomain other paging\nmap other 0x1000\ndma dev 0x1000\n"
    let base = try checked(setup)
    let root = try #require(base.driver.domains["other"]?.pageTable?.root.base)
    let q1 = UInt64(base.value(of: "cd.dev.0.q1")!.dropFirst(2), radix: 16)!
    let ttb = (q1 & ~ContextDescriptor.ttb0.mask) | root
    func change(tlbi: Bool) -> String {
      """
      begin "CD 0 to other's table, same ASID"
      write cd dev 0 1 \(hex(ttb))
      cmd CFGI_CD sid 0x8 ssid 0
      \(tlbi ? "cmd TLBI_NH_ASID asid 1" : "")
      cmd CMD_SYNC
      end
      """
    }
    let s = try checked(setup + change(tlbi: false) + "\nexpect check asid-reuse\n")
    #expect(s.failures.isEmpty, "\(s.findings)")
    let fixed = try checked(setup + change(tlbi: true))
    #expect(!fixed.findings.contains { $0.kind == .asidReuse }, "\(fixed.findings)")
  }

  /// Linux never issues CFGI_STE Leaf=0 for a new L1 stream-table descriptor: where the SMMU
  /// may cache an invalid one (the default), that is a `stale` finding at the first probe.
  @Test func newL1DescriptorWithoutCFGIIsStaleWhenInvalidEntriesAreCached() throws {
    let s = try checked("master dev sid 0x8\nexpect check stale\n")
    #expect(s.failures.isEmpty, "\(s.failures.map { $0.expectation!.message })")
    let f = try #require(s.findings.first)
    #expect(f.cache.hasPrefix("L1STD [0] cached with q0=0x0") && f.seen == "abort (C_BAD_STREAMID)")
    #expect(f.missing?.hasPrefix("CFGI_STE leaf 0") == true)
    let qemu = try checked("smmu cache-invalid no\nmaster dev sid 0x8\nexpect check clean\n")
    #expect(qemu.findings.isEmpty)
  }

  @Test func expectCheckNeedsACheckingSessionAndAKnownKind() throws {
    #expect(throws: ScenarioError.self) { try ScenarioParser.parse("expect check bogus\n", file: "t.scn") }
    let s = Session.run(try ScenarioParser.parse("master dev sid 0x8\nexpect check stale\n", file: "t.scn"))
    #expect(s.failures.isEmpty, "a file with expect check runs checked")
  }
}
