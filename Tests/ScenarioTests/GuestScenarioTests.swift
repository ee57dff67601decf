import SMMUDriver
import SMMUModel
import Testing

@testable import Scenario

/// The guest behind a vSMMU (upstream-2026.md §1.6-§1.10): its stores through stage 2, its
/// commands rewritten by the vSMMU, and its driver building CD tables and page tables in its
/// RAM, with vSTEs forwarded as nested domains.
struct GuestScenarioTests {
  /// A VM: gpu (ATS, 4 SSID bits) as vSID 3, nic as vSID 4, guest RAM IPA 0x100000-0x1fffff
  /// at PA 0x200000000; then `tail`.
  static func vm(_ tail: String, ram: UInt64 = 0x10_0000) throws -> Session {
    let text = """
      design per-master
      master gpu sid 0x10 ats ssid-bits 4
      master nic sid 0x11
      domain s2p s2 nest-parent
      map s2p 0x100000 size \(hex(ram)) pa 0x200000000
      viommu vm parent s2p
      vdevice vm gpu vsid 3
      vdevice vm nic vsid 4

      """
    return Session.run(try ScenarioParser.parse(text + tail, file: "vm"))
  }

  /// The commands of the last line's trace.
  static func commands(_ s: Session) -> [Command] { s.results.last?.trace?.commands ?? [] }

  /// The error code of the last line.
  static func error(_ s: Session) -> String? { s.results.last?.trace?.error?.code.rawValue }

  // upstream-2026.md §1.6: the guest's store lands at the PA its IPA maps to.
  @Test func guestWriteGoesThroughStage2() throws {
    let s = try Self.vm("guest vm write 0x100008 0x1234")
    #expect(Self.error(s) == nil)
    #expect(s.value(of: "mem.0x200000008") == "0x1234")
  }

  @Test func guestWriteToAnUnmappedIPAIsAnErrorNamingIt() throws {
    let s = try Self.vm("guest vm write 0x300000 1")
    #expect(Self.error(s) == "-EFAULT")
    #expect(s.results.last?.trace?.error?.message.contains("0x300000") == true)
  }

  // upstream-2026.md §1.7, N5: CFGI_CD on vSID 3 becomes CFGI_CD on gpu's SID, same SSID and Leaf.
  @Test func cfgiCDTakesThePhysicalSID() throws {
    let s = try Self.vm("guest vm cmd CFGI_CD sid 3 ssid 2 leaf 0 ; CFGI_CD_ALL sid 4 ; ATC_INV sid 3")
    #expect(
      Self.commands(s) == [
        .cfgiCD(sid: 0x10, ssid: 2, leaf: false), .cfgiCDAll(sid: 0x11),
        .atcInv(sid: 0x10, ssid: nil, address: 0, size: 52),
        .sync,
      ])
  }

  // upstream-2026.md §1.7, N5: an unbound vSID is -EIO and nothing is issued.
  @Test func unknownVSIDIsEIO() throws {
    let s = try Self.vm("guest vm cmd CFGI_CD sid 9")
    #expect(Self.error(s) == "-EIO")
    #expect(Self.commands(s).isEmpty)
  }

  // upstream-2026.md §1.7, N6: the vSMMU's VMID whatever the guest wrote; NSNH_ALL -> NH_ALL, q1 = 0.
  @Test func nhTLBIsCarryTheVMID() throws {
    let s = try Self.vm(
      "guest vm cmd TLBI_NH_VA vmid 7 asid 2 addr 0x1000 ; TLBI_NH_ASID vmid 9 asid 3 ; TLBI_NH_VAA addr 0x2000 ; "
        + "TLBI_NH_ALL vmid 5 ; TLBI_NSNH_ALL")
    let cmds = Self.commands(s)
    #expect(
      cmds == [
        .tlbiNHVA(vmid: 1, asid: 2, address: 0x1000, leaf: true, range: nil), .tlbiNHASID(vmid: 1, asid: 3),
        .tlbiNHVAA(vmid: 1, address: 0x2000, leaf: true, range: nil), .tlbiNHAll(vmid: 1),
        .tlbiNHAll(vmid: 1),
        .sync,
      ])
    #expect(CommandEncoding.encode(cmds[4]) == [0x10 | 1 << 32, 0])
  }

  // upstream-2026.md §1.7, N7: CFGI_STE, TLBI_S2_IPA, TLBI_S12_VMALL (and the rest) are -EIO.
  @Test(arguments: [
    "CFGI_STE sid 3", "TLBI_S2_IPA addr 0x1000", "TLBI_S12_VMALL", "CFGI_ALL", "CMD_SYNC",
    "PREFETCH_CFG sid 3", "TLBI_EL2_ALL",
  ])
  func otherCommandsAreEIO(command: String) throws {
    let s = try Self.vm("guest vm cmd \(command)")
    #expect(Self.error(s) == "-EIO")
    #expect(Self.commands(s).isEmpty)
  }

  // upstream-2026.md §1.7, N7: chunks of at most 63, each followed by one CMD_SYNC.
  @Test(arguments: [(63, 1), (64, 2), (126, 2), (127, 3)])
  func chunksOf63EachWithOneSync(count: Int, syncs: Int) throws {
    let line =
      "guest vm cmd " + Array(repeating: "TLBI_NH_ASID asid 1", count: count).joined(separator: " ; ")
    let s = try Self.vm(line)
    #expect(s.value(of: "last.commands.TLBI_NH_ASID") == String(count))
    #expect(s.value(of: "last.commands.CMD_SYNC") == String(syncs))
    #expect(Self.commands(s).last == .sync)
  }

  // upstream-2026.md §1.7: a bad entry stops its chunk (earlier chunks were issued).
  @Test func aBadEntryStopsItsChunk() throws {
    let line =
      "guest vm cmd " + Array(repeating: "TLBI_NH_ASID asid 1", count: 63).joined(separator: " ; ")
      + " ; TLBI_NH_ALL ; CFGI_STE sid 3"
    let s = try Self.vm(line)
    #expect(Self.error(s) == "-EIO")
    #expect(s.value(of: "last.commands.TLBI_NH_ASID") == "63")
    #expect(s.value(of: "last.commands.TLBI_NH_ALL") == "0")
    #expect(s.value(of: "last.commands.CMD_SYNC") == "1")
  }

  static let attached = """
    guest vm domain gdom paging
    guest vm map gdom 0x400000 pa 0x180000
    guest vm attach gdom 3
    """

  // upstream-2026.md §1.4, §1.6, N3: the guest's attach gives Config 7 with S1ContextPtr = the
  // guest CD table's IPA, EATS 01 (ATS master), and a DMA through both stages.
  @Test func guestAttachBuildsTheNestedSTEAndDMAWalksBothStages() throws {
    typealias S = StreamTableEntry
    let s = try Self.vm(Self.attached)
    #expect(Self.error(s) == nil)
    let table = try #require(s.driver.guests["vm"]?.cdTables[3])
    let ste = try #require(s.driver.ste(sid: 0x10))
    #expect(ste.configValue == .nested)
    #expect(ste.qwords[0] & S.s1ContextPtr.mask == table.ipa)
    #expect(ste[S.s1cdmax] == 4)
    #expect(ste[S.eats] == S.eatsTrans)
    #expect(ste[S.mev] == 1)
    #expect(ste[S.s2vmid] == 1)
    // The guest's CFGI_CDs reached the queue as CFGI_CD on SID 0x10.
    #expect(Self.commands(s).contains(.cfgiCD(sid: 0x10, ssid: 0, leaf: true)))
    #expect(s.value(of: "guest.vm.domain.gdom.asid") == "1")
    #expect(s.value(of: "guest.vm.vste.3.config") == "s1")
    #expect(s.value(of: "guest.vm.cd-table.3") == hex(table.ipa))
    let dma = try Self.vm(Self.attached + "\ndma gpu 0x400010")
    #expect(dma.value(of: "dma") == "0x200080010")
  }

  // upstream-2026.md §1.7, N6: the guest's unmap invalidates with TLBI_NH_VA by its ASID,
  // VMID forced; then ATC_INV on the physical SID (the vSTE enabled ATS).
  @Test func guestUnmapIssuesARewrittenTLBI() throws {
    let s = try Self.vm(Self.attached + "\nguest vm unmap gdom 0x400000")
    #expect(
      Self.commands(s) == [
        .tlbiNHVA(vmid: 1, asid: 1, address: 0x400000, leaf: true, range: nil), .sync,
        .atcInv(sid: 0x10, ssid: nil, address: 0x400000, size: 0), .sync,
      ])
  }

  // The fuzzer's find: a guest unmap whose range ran past 2^64 trapped (the end address
  // overflowed). Like the host's unmap, it is an error now, and the mapping stays.
  @Test func guestUnmapOutsideTheInputRangeIsAnError() throws {
    for line in [
      "guest vm unmap gdom 0xffffffffffffffff", "guest vm unmap gdom 0x1000 size 0xfffffffffffff000",
    ] {
      let s = try Self.vm(Self.attached + "\n" + line + "\ndma gpu 0x400010")
      let unmap = try #require(s.results.dropLast().last)
      #expect(unmap.trace?.error?.code == .einval, "\(line)")
      #expect(s.value(of: "dma") == "0x200080010")
    }
  }

  // upstream-2026.md §1.8, N9: after the unmap a DMA faults at stage 1: the vEVENTQ gets vSID 3.
  @Test func guestFaultReachesTheVSMMUWithTheVSID() throws {
    let s = try Self.vm(Self.attached + "\nguest vm unmap gdom 0x400000\ndma nic 0x1000\ndma gpu 0x400000")
    #expect(s.value(of: "viommu.vm.events.last.sid") == "3")
  }

  // upstream-2026.md §1.4: the guest's blocked RID is an abort vSTE: the host installs abort,
  // and the previous nested domain is destroyed.
  @Test func guestDetachAborts() throws {
    let s = try Self.vm(Self.attached + "\nguest vm detach 3")
    #expect(Self.error(s) == nil)
    #expect(s.value(of: "guest.vm.vste.3.config") == "abort")
    #expect(s.value(of: "ste.0x10.config") == "abort")
    #expect(s.driver.domains["vm-vsid3-1"] == nil)
    #expect(s.driver.guests["vm"]?.cdTables[3]?.domains.isEmpty == true)
  }

  // A PASID of the guest keeps the vSTE stage 1 with S1DSS terminate once the RID is blocked.
  @Test func guestPASIDKeepsTheCDTable() throws {
    typealias S = StreamTableEntry
    let s = try Self.vm(
      Self.attached + "\nguest vm domain g2 paging\nguest vm attach g2 3 pasid 5\nguest vm detach 3")
    let ste = try #require(s.driver.ste(sid: 0x10))
    #expect(ste.configValue == .nested)
    #expect(ste[S.s1dss] == S.S1DSS.terminate.rawValue)
    #expect(s.value(of: "guest.vm.domain.g2.asid") == "2")
  }

  // The guest's allocator only hands out IPAs the parent maps; running out is -ENOMEM.
  @Test func guestRAMExhaustedIsENOMEM() throws {
    let s = try Self.vm("guest vm domain a paging\nguest vm domain b paging", ram: 0x1000)
    #expect(Self.error(s) == "-ENOMEM")
    #expect(s.value(of: "guest.vm.ram") == "4096")
  }

  // upstream-2026.md §1.10, S1: a real guest attach over the parent's S2 STE is hitless,
  // never V=0 (q1 pre-written, then q0).
  @Test func guestAttachOverTheS2STEIsHitless() throws {
    let s = try Self.vm("attach s2p gpu\n" + Self.attached)
    let stores = (s.results.last?.trace?.items ?? []).compactMap { item -> UInt64? in
      // The host STE of SID 0x10 (the guest's own vSTE stores name vSID 3 and its table).
      if case .write(let w) = item, w.target == .ste, w.sid == 0x10, w.table == nil, w.qword == 0 {
        return w.new
      }
      return nil
    }
    #expect(stores.count == 1)
    #expect(stores.allSatisfy { $0 & 1 == 1 })
    #expect(s.value(of: "last.commands.CFGI_STE") == "2")
  }

  // §1.7: the guest's driver writes its vSTE into its own stream table (guest RAM); the guest
  // CFGI_STE never reaches the SMMU: the VMM reads the vSTE back from guest memory.
  @Test func theVSTELivesInGuestMemory() throws {
    let s = try Self.vm(Self.attached)
    let d = s.driver
    let e = try #require(d.guestStreamTableEntry(viommu: "vm", vsid: 3))
    let forwarded = try #require(d.guests["vm"]?.vstes[3])
    #expect(e.q0 == forwarded.q0 && e.q1 == forwarded.q1)
    #expect(StreamTableEntry(qwords: [e.q0, e.q1, 0, 0, 0, 0, 0, 0]).configValue == .s1Translate)
    let trace = s.results.flatMap { $0.trace?.items ?? [] }
    #expect(!trace.contains { if case .command(.cfgiSTE(sid: 3, leaf: _)) = $0 { true } else { false } })
    // A guest store that corrupts its own vSTE changes nothing on the host until the guest
    // syncs it (and its sync is trapped, never a physical CFGI_STE).
    let before = try #require(d.ste(sid: 0x10))
    let s2 = try Self.vm(Self.attached + "\nguest vm write \(hex(e.ipa)) 0")
    #expect(s2.driver.ste(sid: 0x10) == before)
  }

  @Test func parseErrorsNameTheColumn() {
    #expect(throws: ScenarioError.self) { try ScenarioParser.parse("viommu v parent p\n") }
    let bad = [
      ("guest vm frob", 10), ("guest vm map nosuch 0x1000", 14), ("guest vm cmd NOPE", 14),
      ("guest vm cmd TLBI_NH_ALL ;", 27),
    ]
    for (line, column) in bad {
      let text = "master gpu sid 0x10\ndomain s2p s2 nest-parent\nviommu vm parent s2p\n" + line
      do {
        _ = try ScenarioParser.parse(text, file: "f.scn")
        Issue.record("\(line) parsed")
      } catch {
        #expect(error.line == 4 && error.column == column, "\(line): \(error)")
        #expect(error.description.hasPrefix("f.scn:4:\(column): error:"), "\(error)")
      }
    }
  }
}
