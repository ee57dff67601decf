import Checker
import SMMUDriver
import Scenario
import Testing

/// Each driver mutation on a minimal scenario: injected before one operation, the checker
/// finds what it breaks there; `inject none` before the same operation gives a clean run.
struct MutationTests {
  /// A mutation, the setup before it and the operation(s) it breaks, and the finding kind.
  struct Case: Sendable, CustomStringConvertible {
    let mutation: DriverMutation
    let setup: String
    let operation: String
    let kind: CheckFinding.Kind
    var description: String { mutation.rawValue }
  }

  /// `dev` translating through paging domain `d` (one mapping, one DMA done), on an SMMU
  /// that caches no invalid structure (no baseline L1STD finding).
  static func attached(_ options: String = "") -> String {
    """
    smmu cache-invalid no
    master dev sid 0x8\(options)
    master dev2 sid 0x10
    domain d paging
    map d 0x1000
    attach d dev
    dma dev 0x1000
    """
  }

  /// `dev` blocked, paging domain `d` with one mapping (legacy's 6.1 STE writer tears a
  /// detach, so the operations judged here attach).
  static let unattached = "smmu cache-invalid no\nmaster dev sid 0x8\ndomain d paging\nmap d 0x1000"

  /// A freed ASID handed to domain e, attached to dev2.
  static let reuse = """
    asid d 9
    domain e paging
    map e 0x1000 pa 0x90001000
    attach e dev2
    """

  /// `dev` (ATS) on a nest parent `p`, with a nested domain `g` from a stage-1 vSTE
  /// (S1DSS=bypass, EATS 0b01) ready to attach: the S2 -> nested switch needs MEV safe.
  static let nestParent = """
    smmu cache-invalid no
    master dev sid 0x8 ats
    domain p s2 nest-parent
    viommu v parent p
    vdevice v dev vsid 1
    domain g nested v ste 0x080000000010000B 0x100000D5
    map p 0x1000
    attach p dev
    """

  static let cases: [Case] = [
    Case(mutation: .skipCFGISTE, setup: unattached, operation: "attach d dev", kind: .stale),
    Case(mutation: .skipCFGICD, setup: attached(), operation: "asid d 9", kind: .stale),
    Case(mutation: .skipSync, setup: unattached, operation: "attach d dev", kind: .unsynced),
    Case(mutation: .skipTLBIASID, setup: attached(), operation: reuse, kind: .asidReuse),
    Case(mutation: .skipTLBIVA, setup: attached(), operation: "unmap d 0x1000", kind: .stale),
    Case(mutation: .skipATCInv, setup: attached(" ats"), operation: "unmap d 0x1000", kind: .stale),
    Case(
      mutation: .noBreak, setup: attached() + "\ndomain e paging\nmap e 0x1000", operation: "attach e dev",
      kind: .torn),
    Case(mutation: .noUpdateSafe, setup: nestParent, operation: "attach g dev", kind: .torn),
    Case(
      mutation: .steBeforeCD, setup: unattached,
      operation: "attach d dev", kind: .torn),
    Case(mutation: .l1BeforeL2, setup: "smmu cache-invalid no", operation: "master dev sid 0x8", kind: .torn),
    Case(mutation: .noBarrier, setup: "smmu cache-invalid no", operation: "master dev sid 0x8", kind: .torn),
    Case(
      mutation: .earlyFree,
      setup: """
        smmu cache-invalid no
        master dev sid 0x8
        domain d paging
        map d 0x200000 size 0x2000
        attach d dev
        unmap d 0x200000 size 0x2000
        """,
      operation: "map d 0x200000 size 0x200000", kind: .useAfterFree),
    Case(mutation: .earlyASIDReuse, setup: attached(), operation: reuse, kind: .asidReuse),
    Case(mutation: .atcBeforeTLBI, setup: attached(" ats"), operation: "unmap d 0x1000", kind: .stale),
  ]

  /// The findings from the line after the setup on.
  static func findings(_ setup: String, _ rest: String, design: DriverDesign) throws -> [CheckFinding] {
    let s = try checked(setup + "\n" + rest, design: design)
    let first = setup.split(separator: "\n", omittingEmptySubsequences: false).count + 1
    return s.findings.filter { $0.line >= first }
  }

  @Test(arguments: cases)
  func mutationIsCaughtAndInjectNoneIsClean(c: Case) throws {
    for design in c.mutation.designs {
      let inject = "inject \(c.mutation.rawValue)"
      let mutated = try Self.findings(c.setup, inject + "\n" + c.operation, design: design)
      #expect(mutated.contains { $0.kind == c.kind }, "\(design): \(mutated.map(\.kind))")
      let clean = try Self.findings(c.setup, inject + "\ninject none\n" + c.operation, design: design)
      #expect(clean.isEmpty, "\(design): \(clean.map { "\($0.kind) \($0.cache)" })")
    }
  }

  @Test func everyMutationHasACaseAndARow() {
    #expect(Set(Self.cases.map(\.mutation)) == Set(DriverMutation.allCases))
    for m in DriverMutation.allCases {
      #expect(!m.summary.isEmpty && !m.designs.isEmpty, "\(m.rawValue)")
    }
  }

  @Test func aMutationThatNeverAppliesChangesNothing() throws {
    // No ATS master: skip-atc-inv has no ATC_INV to drop, and the run says so.
    let text = Self.attached() + "\ninject skip-atc-inv\nunmap d 0x1000"
    let s = try checked(text, design: .perMaster)
    #expect(!s.mutationsApplied.contains(.skipATCInv))
    #expect(s.options.mutations == [.skipATCInv])
  }

  @Test func theMatrixHasNoSurvivor() {
    let m = MutationMatrix(exhaustive: false)
    #expect(m.survivors.isEmpty, "\(m.survivors.map { "\($0.mutation.rawValue) (\($0.design.rawValue))" })")
    for mutation in DriverMutation.allCases {
      #expect(Set(m.catches[mutation]?.keys.map { $0 } ?? []) == Set(mutation.designs))
    }
  }
}
