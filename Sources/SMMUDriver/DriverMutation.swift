/// A deliberate change to one step of the driver model (`inject NAME`): a dropped, reordered
/// or delayed step, for showing what the checker catches. With no mutation active the
/// driver does what Linux does. Each case is checked at the one place the driver takes the
/// step it changes; `DriverMutation.table` holds what each one means and where it applies.
package enum DriverMutation: String, Sendable, Hashable, CaseIterable, Comparable {
  case skipCFGISTE = "skip-cfgi-ste"
  case skipCFGICD = "skip-cfgi-cd"
  case skipSync = "skip-sync"
  case skipTLBIASID = "skip-tlbi-asid"
  case skipTLBIVA = "skip-tlbi-va"
  case skipATCInv = "skip-atc-inv"
  case noBreak = "no-break"
  case noUpdateSafe = "no-update-safe"
  case steBeforeCD = "ste-before-cd"
  case l1BeforeL2 = "l1-before-l2"
  case earlyFree = "early-free"
  case earlyASIDReuse = "early-asid-reuse"
  case atcBeforeTLBI = "atc-before-tlbi"
  case noBarrier = "no-barrier"

  /// What a mutation does and the designs whose driver has the step it changes.
  package struct Info: Sendable {
    package let summary: String
    package let designs: [DriverDesign]
  }

  /// Every mutation's meaning, in `allCases` order (one row each; a test checks it is whole).
  package static let table: [DriverMutation: Info] = [
    .skipCFGISTE: Info(
      summary: "no CFGI_STE after an STE store (the CMD_SYNC is still sent)", designs: both),
    .skipCFGICD: Info(
      summary: "no CFGI_CD after a CD or L1 CD descriptor store (the CMD_SYNC is still sent)", designs: both),
    .skipSync: Info(
      summary: "no CMD_SYNC after entry stores and their CFGI: the next sync anywhere completes them",
      designs: both),
    .skipTLBIASID: Info(
      summary: "no TLBI_NH_ASID on an ASID change, a domain free, an SVA release or a flush", designs: both),
    .skipTLBIVA: Info(summary: "no TLBI by address (TLBI_NH_VA, TLBI_S2_IPA) on unmap", designs: both),
    .skipATCInv: Info(summary: "no ATC_INV where the driver sends one", designs: both),
    .noBreak: Info(
      summary: "an entry update that needs the breaking V=0 sequence is written in place, qword by qword",
      designs: [.perMaster]),
    .noUpdateSafe: Info(
      summary:
        "the STE writer treats no bit as update-safe (before Linux 2781f2a930ab): a change of MEV or EATS with another qword breaks (V=0)",
      designs: [.perMaster]),
    .steBeforeCD: Info(
      summary: "the STE pointing at a CD table is installed before CD 0 is written", designs: both),
    .l1BeforeL2: Info(
      summary: "an L1 stream-table descriptor is published before its L2 table's STEs are initialised",
      designs: both),
    .earlyFree: Info(
      summary: "a CD table or page table is freed while an STE or a table descriptor still points at it",
      designs: both),
    .earlyASIDReuse: Info(
      summary:
        "a freed ASID is handed out again before its TLBI_NH_ASID completes (sent only after a later CD write)",
      designs: both),
    .atcBeforeTLBI: Info(
      summary: "unmap sends ATC_INV before the TLBI by address (the device refetches from a stale TLB)",
      designs: both),
    .noBarrier: Info(
      summary:
        "no dma_wmb() before publishing an L1 descriptor or writing an entry: the SMMU may see the new pointer before what it points at",
      designs: both),
  ]

  private static let both: [DriverDesign] = [.legacy, .perMaster]

  package var summary: String { Self.table[self]?.summary ?? "" }
  package var designs: [DriverDesign] { Self.table[self]?.designs ?? [] }

  /// The mutations' names, in order.
  package static let names: [String] = allCases.map(\.rawValue)

  package static func < (a: DriverMutation, b: DriverMutation) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}
