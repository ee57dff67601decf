import SMMUModel
import Testing

@testable import SMMUDriver

/// The invalidation array's merge, unref and purge (upstream-2026 §2.3) and its unmap batches
/// (§2.7), without a driver.
struct InvalidationArrayTests {
  typealias I = Invalidation

  /// One row of §2.8's table: ids, users, ssids and trash count after the step.
  struct Row {
    let ids: [UInt32]
    let users: [Int]
    let ssids: [UInt32]?
    let trashes: Int
  }

  /// upstream-2026 §2.8: the KUnit `arm_smmu_v3_invs_test` steps, through the model's own
  /// merge / unref / purge. Each row is the state the KUnit test asserts after its step.
  @Test func kunitInvsTestSteps() {
    let invs1 = [I(.s2VMID, id: 1), I(.s2VMIDS1Clear, id: 1), I(.ats, id: 3)]
    let invs2 = [I(.s2VMID, id: 1), I(.ats, id: 4), I(.ats, id: 5)]
    let invs3 = [I(.s2VMID, id: 1), I(.ats, id: 5), I(.ats, id: 6)]
    let invs4 = [I(.ats, id: 10, ssid: 1), I(.ats, id: 10, ssid: 3), I(.ats, id: 12, ssid: 1)]
    let invs5 = [I(.ats, id: 10, ssid: 2), I(.ats, id: 10, ssid: 3), I(.ats, id: 12, ssid: 2)]
    var a = InvalidationArray()  // step 0: alloc(0)
    #expect(a.entries.isEmpty && a.purged() == nil)
    func check(_ r: Row, _ step: Int) {
      #expect(a.entries.map(\.id) == r.ids, "step \(step)")
      #expect(a.entries.map(\.users) == r.users, "step \(step)")
      if let s = r.ssids { #expect(a.entries.map(\.ssid) == s, "step \(step)") }
      #expect(a.trashCount == r.trashes, "step \(step)")
    }
    a = a.merging(invs1)
    check(Row(ids: [1, 1, 3], users: [1, 1, 1], ssids: [0, 0, 0], trashes: 0), 1)
    a = a.merging(invs2)
    check(Row(ids: [1, 1, 3, 4, 5], users: [2, 1, 1, 1, 1], ssids: nil, trashes: 0), 2)
    a.unref(invs2)
    check(Row(ids: [1, 1, 3], users: [1, 1, 1], ssids: nil, trashes: 0), 3)
    a = a.merging(invs3)
    check(Row(ids: [1, 1, 3, 5, 6], users: [2, 1, 1, 1, 1], ssids: nil, trashes: 0), 4)
    a.unref(invs1)
    check(Row(ids: [1, 1, 3, 5, 6], users: [1, 0, 0, 1, 1], ssids: nil, trashes: 2), 5)
    a = a.purged() ?? a
    check(Row(ids: [1, 5, 6], users: [1, 1, 1], ssids: nil, trashes: 0), 6)
    a.unref(invs3)
    check(Row(ids: [], users: [], ssids: nil, trashes: 0), 7)
    a = a.merging(invs4)
    check(Row(ids: [10, 10, 12], users: [1, 1, 1], ssids: [1, 3, 1], trashes: 0), 8)
    a = a.merging(invs5)
    check(Row(ids: [10, 10, 10, 12, 12], users: [1, 1, 2, 1, 1], ssids: [1, 2, 3, 1, 2], trashes: 0), 9)
    a.unref(invs5)
    check(Row(ids: [10, 10, 10, 12], users: [1, 0, 1, 1], ssids: [1, 2, 3, 1], trashes: 1), 10)
    a = a.purged() ?? a
    check(Row(ids: [10, 10, 12], users: [1, 1, 1], ssids: [1, 3, 1], trashes: 0), 11)
  }

  /// upstream-2026.md §2.3, I3: unref works in place, reports each entry's users left (nil for
  /// an entry not in the array: the WARN), and cuts trailing trash at once.
  @Test func unrefReportsUsersLeftAndMissingEntries() {
    var a = InvalidationArray().merging([I(.s1ASID, id: 4)]).merging([I(.s1ASID, id: 4)])
    #expect(a.unref([I(.s1ASID, id: 4), I(.s1ASID, id: 9)]) == [1, nil])
    #expect(a.unref([I(.s1ASID, id: 4)]) == [0])
    #expect(a.entries.isEmpty && a.trashCount == 0)
  }

  /// upstream-2026.md §2.2, I2: entries sort by type in command order, whatever the merge order.
  @Test func sortOrderIsTheCommandOrder() {
    let shuffled: [I] = [
      I(.atsFull, id: 1), I(.ats, id: 2), I(.s2VMIDS1Clear, id: 3), I(.s2VMID, id: 4), I(.s1ASID, id: 5),
    ]
    var a = InvalidationArray()
    for e in shuffled { a = a.merging([e]) }
    #expect(a.entries.map(\.kind) == Invalidation.Kind.order)
  }

  /// §2.4: a nesting parent's attachment adds S2_VMID and S2_VMID_S1_CLEAR, and ATS_FULL per
  /// SID; a plain S2 or S1 one adds its tag and ATS with the attachment's SSID.
  @Test func contributionPerDomainType() {
    let nest = InvalidationArray.contribution(
      kind: .s2, asid: nil, vmid: 7, nestParent: true, sids: [0x21, 0x20], ats: true, ssid: 0)
    #expect(nest.map(\.kind) == [.s2VMID, .s2VMIDS1Clear, .atsFull, .atsFull])
    #expect(nest.map(\.id) == [7, 7, 0x20, 0x21])
    let sva = InvalidationArray.contribution(
      kind: .sva, asid: 3, vmid: nil, sids: [0x10], ats: true, ssid: 5)
    #expect(sva.map(\.description) == ["S1_ASID 3 x1", "ATS 0x10/5 x1"])
    #expect(
      InvalidationArray.contribution(kind: .identity, asid: nil, vmid: nil, sids: [1], ats: true, ssid: 0)
        .isEmpty)
  }

  /// §2.7's table: a nesting parent with two ATS SIDs takes 3 syncs (S2_IPA; NH_ALL; ATC x2),
  /// 2 when the S2 step falls back to S12_VMALL, which also skips NH_ALL.
  @Test func nestParentBatchSyncs() {
    let a = InvalidationArray().merging(
      InvalidationArray.contribution(
        kind: .s2, asid: nil, vmid: 2, nestParent: true, sids: [0x20, 0x21], ats: true, ssid: 0))
    let small = a.commands(
      for: InvalidationRequest(addresses: [0x1000], granule: 4096, leaf: true, atcAddress: 0x1000, atcSize: 0)
    )
    #expect(
      small.map(\.name) == [
        "TLBI_S2_IPA", "CMD_SYNC", "TLBI_NH_ALL", "CMD_SYNC", "ATC_INV", "ATC_INV", "CMD_SYNC",
      ])
    #expect(small.contains(.atcInv(sid: 0x21, ssid: nil, address: 0, size: 52)))
    let pages = stride(from: UInt64(0), to: 512 * 4096, by: 4096).map { $0 }
    let big = a.commands(
      for: InvalidationRequest(addresses: pages, granule: 4096, leaf: true, atcAddress: 0, atcSize: 9))
    #expect(big.map(\.name) == ["TLBI_S12_VMALL", "CMD_SYNC", "ATC_INV", "ATC_INV", "CMD_SYNC"])
  }

  /// §2.7: 511 pages are sent one TLBI each; 512 (2 MiB) are "too big": one nsize opcode. An
  /// S1 domain with ATS masters: TLBIs + SYNC, ATC_INV per SID with its SSID + SYNC; trash is
  /// skipped.
  @Test func s1BatchTooBigAndATS() {
    var a = InvalidationArray()
      .merging([I(.s1ASID, id: 1), I(.ats, id: 0x10, ssid: 0)])
      .merging([I(.s1ASID, id: 1), I(.ats, id: 0x20, ssid: 3)])
      .merging([I(.ats, id: 0x30)])
    a.unref([I(.ats, id: 0x30)])
    a.unref([I(.ats, id: 0x10)])
    #expect(a.trashCount == 1)
    func request(_ n: Int) -> InvalidationRequest {
      InvalidationRequest(
        addresses: (0..<n).map { UInt64($0) * 4096 }, granule: 4096, leaf: true, atcAddress: 0, atcSize: 9)
    }
    let c511 = a.commands(for: request(511))
    #expect(c511.filter { $0.name == "TLBI_NH_VA" }.count == 511)
    #expect(c511.map(\.name).suffix(3) == ["CMD_SYNC", "ATC_INV", "CMD_SYNC"])
    #expect(c511.last(where: { $0.name == "ATC_INV" }) == .atcInv(sid: 0x20, ssid: 3, address: 0, size: 9))
    let c512 = a.commands(for: request(512))
    #expect(
      c512 == [.tlbiNHASID(vmid: 0, asid: 1), .sync, .atcInv(sid: 0x20, ssid: 3, address: 0, size: 9), .sync])
    #expect(InvalidationArray().commands(for: .everything).isEmpty)
  }
}
