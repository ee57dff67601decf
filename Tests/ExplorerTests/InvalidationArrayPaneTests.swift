import Testing

@testable import Explorer

/// The CD table pane lists the invalidation arrays of the selected master's domains when the
/// design has `invs`, and nothing more without it.
struct InvalidationArrayPaneTests {
  static let source = """
    master a sid 0x10 ssid-bits 4 ats
    domain d paging
    domain s sva mm p
    attach d a
    attach s a pasid 1
    """

  @Test func shownWithInvs() {
    let s = Fixture.scenario("design per-master invs\n" + Self.source)
    #expect(
      s.invalidationArrayLines == [
        "invs of d: S1_ASID 1 x1, ATS 0x10/0 x1", "invs of s: S1_ASID 2 x1, ATS 0x10/1 x1",
      ])
    let header = CDTablePane(state: s).header.map { $0.map(\.text).joined() }
    #expect(header.contains("invs of d: S1_ASID 1 x1, ATS 0x10/0 x1"))
  }

  @Test func absentWithout() {
    let s = Fixture.scenario(Self.source)
    #expect(s.invalidationArrayLines.isEmpty)
    #expect(!CDTablePane(state: s).header.flatMap { $0 }.contains { $0.text.hasPrefix("invs of") })
  }
}
