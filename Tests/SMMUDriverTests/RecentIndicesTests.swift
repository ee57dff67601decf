import SMMUModel
import Testing

@testable import SMMUDriver

/// The driver remembers where the names it resolved last are in its tables. Adding or
/// removing a master or domain must make it look again: a remembered index would then be
/// stale (a trap, or another object).
struct RecentIndicesTests {
  /// True when `body` throws.
  func throwsError(_ body: () throws(DriverError) -> Void) -> Bool {
    do { try body() } catch { return true }
    return false
  }

  @Test func mastersAddedOrRemovedAreLookedUpAgain() throws {
    var d = Driver()
    _ = d.addMaster(name: "a", sids: [1])
    _ = d.addMaster(name: "b", sids: [2])
    _ = try d.masterIndex("a")
    _ = try d.masterIndex("b")
    // Enough masters to grow the table: every index moves.
    for n in 0..<64 { _ = d.addMaster(name: "m\(n)", sids: [UInt32(16 + n)]) }
    #expect(d.masters[try d.masterIndex("a")].value.sids == [1])
    #expect(d.masters[try d.masterIndex("b")].value.sids == [2])
    // Room made for more moves every index too.
    d.reserveCapacity(masters: 1000, domains: 1000)
    #expect(d.masters[try d.masterIndex("a")].value.sids == [1])
    _ = d.removeMaster("a")
    #expect(throwsError { () throws(DriverError) in _ = try d.masterIndex("a") })
    _ = d.addMaster(name: "a", sids: [3])
    #expect(d.masters[try d.masterIndex("a")].value.sids == [3])
    #expect(d.masters[try d.masterIndex("b")].value.sids == [2])
  }

  @Test func domainsAddedOrRemovedAreLookedUpAgain() throws {
    var d = Driver()
    _ = d.addDomain(name: "x", kind: .paging)
    _ = d.addDomain(name: "y", kind: .identity)
    _ = try d.domainIndex("x")
    _ = try d.domainIndex("y")
    for n in 0..<64 { _ = d.addDomain(name: "d\(n)", kind: .identity) }
    #expect(d.domains[try d.domainIndex("x")].value.kind == .paging)
    #expect(d.domains[try d.domainIndex("y")].value.kind == .identity)
    d.reserveCapacity(masters: 1000, domains: 1000)
    #expect(d.domains[try d.domainIndex("x")].value.kind == .paging)
    _ = d.free(domain: "x")
    #expect(throwsError { () throws(DriverError) in _ = try d.domainIndex("x") })
    _ = d.addDomain(name: "x", kind: .s2)
    #expect(d.domains[try d.domainIndex("x")].value.kind == .s2)
    #expect(d.domains[try d.domainIndex("y")].value.kind == .identity)
  }

  @Test func theLastFewNamesAreKeptAndTheOldestGoesFirst() {
    let table = ["a": 1, "b": 2, "c": 3, "d": 4, "e": 5]
    var recent = RecentIndices<Int>()
    let names = ["a", "b", "c", "d"]
    #expect(names.count == RecentIndices<Int>.capacity)
    for name in names { recent.remember(name, at: table.index(forKey: name)!) }
    for name in names { #expect(recent.index(of: name).map { table[$0].value } == table[name]) }
    recent.remember("e", at: table.index(forKey: "e")!)
    #expect(recent.index(of: "a") == nil)
    #expect(recent.index(of: "e").map { table[$0].value } == 5)
    #expect(recent.index(of: "b").map { table[$0].value } == 2)
    recent.forget()
    #expect(recent.index(of: "b") == nil)
    #expect(recent.index(of: "e") == nil)
  }
}
