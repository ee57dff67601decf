import Testing

@testable import SMMUModel

/// `EntryHistory`: first and newest states inline, the ones between in a reused list, and
/// emptying by a count.
@Suite struct EntryHistoryTests {
  static func state(_ n: UInt64) -> EntryQwords { EntryQwords(repeating: n) }

  @Test func statesInOrder() {
    var h = EntryHistory()
    #expect(h.isEmpty)
    let i = h.add(0x1000, Self.state(1))
    #expect(h.position(of: 0x1000) == i)
    #expect(h.position(of: 0x1040) == nil)
    #expect(h.stateCount(at: i) == 1)
    #expect(h.first(at: i) == Self.state(1) && h.last(at: i) == Self.state(1))
    #expect(h.middle(at: i).isEmpty && h.middleQword0(at: i) == 0)
    h.append(Self.state(2), at: i)
    #expect(h.states(at: i) == [Self.state(1), Self.state(2)])
    #expect(h.middle(at: i).isEmpty)
    h.append(Self.state(4), at: i)
    h.append(Self.state(8), at: i)
    #expect(h.stateCount(at: i) == 4)
    #expect(Array(h.middle(at: i)) == [Self.state(2), Self.state(4)])
    #expect(h.middleQword0(at: i) == 6)
    #expect(h.last(at: i) == Self.state(8))
  }

  /// After `removeAll()` a slot is reused: nothing of its earlier states shows through.
  @Test func emptyingKeepsNoStaleState() {
    var h = EntryHistory()
    let i = h.add(0x1000, Self.state(1))
    for n in 2...5 { h.append(Self.state(UInt64(n)), at: i) }
    h.removeAll()
    #expect(h.isEmpty && h.position(of: 0x1000) == nil)
    let j = h.add(0x2000, Self.state(9))
    #expect(j == 0)
    #expect(h.states(at: j) == [Self.state(9)])
    #expect(h.middleQword0(at: j) == 0)
    h.append(Self.state(10), at: j)
    h.append(Self.state(16), at: j)
    #expect(h.states(at: j) == [Self.state(9), Self.state(10), Self.state(16)])
    #expect(h.middleQword0(at: j) == 10)
  }

  /// Past eight entries lookups go through the index, also after a removal and a refill.
  @Test func manyEntries() {
    var h = EntryHistory()
    for k in 0..<20 { h.add(UInt64(k) * 64, Self.state(UInt64(k))) }
    for k in 0..<20 { #expect(h.position(of: UInt64(k) * 64) == k) }
    h.removeAll { $0 % 128 == 0 }
    #expect(h.count == 10)
    for k in 0..<20 {
      #expect(h.position(of: UInt64(k) * 64).map { h.address(at: $0) } == (k % 2 == 1 ? UInt64(k) * 64 : nil))
    }
    h.removeAll()
    for k in 0..<12 { h.add(UInt64(100 + k) * 64, Self.state(0)) }
    #expect(h.position(of: 64) == nil)
    #expect(h.position(of: 111 * 64) == 11)
  }

  /// A store appended as one qword of the newest state: from the first state while it is the
  /// only one, then from the newest (a reused slot's stale newest state never shows).
  @Test func storesBuildOnTheNewestState() {
    var h = EntryHistory()
    let a = h.add(0x1000, Self.state(7))
    h.append(Self.state(3), at: a)
    h.append(Self.state(5), at: a)
    h.removeAll()
    let i = h.add(0x2000, Self.state(1))
    #expect(h.last(at: i) == Self.state(1))
    h.append(9, toQword: 2, at: i)
    var second = Self.state(1)
    second[2] = 9
    #expect(h.states(at: i) == [Self.state(1), second])
    #expect(h.middleQword0 == 0)
    h.append(0x80, toQword: 0, at: i)
    var third = second
    third[0] = 0x80
    #expect(h.states(at: i) == [Self.state(1), second, third])
    #expect(h.middleQword0(at: i) == 1 && h.middleQword0 == 1)
  }

  /// The index survives growth, emptying (a small history after a large one finds none of
  /// the large one's entries) and a second large history.
  @Test func indexAcrossLargeAndSmallHistories() {
    var h = EntryHistory()
    for k in 0..<300 { h.add(0x10_0000 + UInt64(k) * 64, Self.state(0)) }
    for k in stride(from: 0, to: 300, by: 7) { #expect(h.position(of: 0x10_0000 + UInt64(k) * 64) == k) }
    #expect(h.position(of: 0x10_0000 + 300 * 64) == nil)
    h.removeAll()
    for k in 0..<10 { h.add(0x20_0000 + UInt64(k) * 4096, Self.state(0)) }
    for k in 0..<300 { #expect(h.position(of: 0x10_0000 + UInt64(k) * 64) == nil) }
    for k in 0..<10 { #expect(h.position(of: 0x20_0000 + UInt64(k) * 4096) == k) }
    h.removeAll()
    for k in 0..<600 { h.add(0x30_0000 + UInt64(599 - k) * 64, Self.state(0)) }
    for k in 0..<10 { #expect(h.position(of: 0x20_0000 + UInt64(k) * 4096) == nil) }
    #expect((0..<600).allSatisfy { h.position(of: 0x30_0000 + UInt64(599 - $0) * 64) == $0 })
  }

  /// The histories' ORed qword 0 of middle states, also after removing the entry holding it.
  @Test func middleQword0OfAllEntries() {
    var h = EntryHistory()
    for (a, q): (UInt64, UInt64) in [(0x1000, 2), (0x2000, 4)] {
      let i = h.add(a, Self.state(0))
      h.append(Self.state(q), at: i)
      h.append(Self.state(0), at: i)
    }
    #expect(h.middleQword0 == 6)
    h.removeAll { $0 == 0x2000 }
    #expect(h.middleQword0 == 2)
    #expect(h.positionsByAddress(withMiddleQword0Bits: 4).isEmpty)
    h.removeAll()
    #expect(h.middleQword0 == 0)
  }

  @Test func positionsByAddressWithValidMiddleStates() {
    var h = EntryHistory()
    for a: UInt64 in [0x3000, 0x1000, 0x2000, 0x4000] {
      let i = h.add(a, Self.state(0))
      h.append(Self.state(a == 0x4000 ? 0 : 1), at: i)
      h.append(Self.state(0), at: i)
    }
    #expect(
      h.positionsByAddress(withMiddleQword0Bits: 1).map { h.address(at: $0) } == [0x1000, 0x2000, 0x3000])
    #expect(h.positionsByAddress(withMiddleQword0Bits: 2).isEmpty)
  }

  /// An observation point's state leaves the entry histories out (sharing them would make
  /// each later tracked store copy them whole), while the live SMMU keeps them and still
  /// finds a torn update made with observations on.
  @Test func observationPointsLeaveTheHistoriesOut() {
    var (rig, _, _) = Rig.standard()
    let (_, target) = HazardTests.retarget(&rig)
    rig.smmu.startObserving()
    rig.store(rig.steAddress(1), target.qwords[0])
    rig.store(rig.steAddress(1) + 8, target.qwords[1])
    #expect(
      rig.smmu.updateWindow.position(of: rig.steAddress(1)).map { rig.smmu.updateWindow.stateCount(at: $0) }
        == 3)
    #expect(!rig.smmu.operationStates.isEmpty)
    rig.smmu.submit([.sync])
    let points = rig.smmu.takeObservations()
    #expect(points.count == 3)
    #expect(points.allSatisfy { $0.state.updateWindow.isEmpty && $0.state.operationStates.isEmpty })
    #expect((try? points[1].state.read(rig.steAddress(1) + 8)) == target.qwords[1])
    #expect(rig.smmu.hazards.filter { $0.kind == .tornUpdate }.map(\.entry) == ["STE sid 0x1"])
  }

  /// The constant the torn-update checks screen states with: the STE's and the CD's V bits.
  @Test func entryValidBitsAreTheVBits() {
    #expect(SMMU.entryValidBits == StreamTableEntry.v.mask | ContextDescriptor.v.mask)
  }
}
