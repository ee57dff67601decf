import SMMUModel
import Testing

@testable import SMMUDriver

/// A DMA address the scenarios map, and where it goes in each domain.
enum Addr {
  static let iova: UInt64 = 0x10_0000
  static let paD: UInt64 = 0x8000_0000
  static let paE: UInt64 = 0x8100_0000
  static let paD2: UInt64 = 0x8200_0000
  static let paS2: UInt64 = 0x8300_0000
  static let paMM: UInt64 = 0x8400_0000
}

/// The four SIDs the scenarios give their masters (one SID each unless stated).
enum SID {
  static let a: UInt32 = 0x10
  static let b: UInt32 = 0x20
  static let c: UInt32 = 0x30
  static let p: UInt32 = 0x40
  static let b2: UInt32 = 0x21
}

extension OperationTrace {
  /// How many commands of a kind (by Linux name) the operation issued.
  func count(_ name: String) -> Int { commandCounts[name, default: 0] }

  /// The CFGI_CD commands, as (sid, ssid, leaf).
  var cfgiCDs: [(sid: UInt32, ssid: UInt32, leaf: Bool)] {
    commands.compactMap { if case .cfgiCD(let s, let ss, let l) = $0 { (s, ss, l) } else { nil } }
  }

  /// The SIDs CFGI_CD went to, sorted.
  var cfgiCDSIDs: [UInt32] { cfgiCDs.map(\.sid).sorted() }

  /// STE stores that made qword 0 hold a given Config.
  func steQ0Writes(config: StreamTableEntry.Config) -> Int {
    writes.filter {
      $0.target == .ste && $0.qword == 0 && StreamTableEntry.config.get($0.new) == config.rawValue
        && $0.new & 1 == 1
    }.count
  }

  /// CD stores of qword 0 that made the CD invalid (a breaking or clearing write).
  var cdInvalidations: Int {
    writes.filter { $0.target == .cd && $0.qword == 0 && $0.new & ContextDescriptor.v.mask == 0 }.count
  }
}

extension Driver {
  /// The STE of a SID as memory holds it.
  func ste(_ sid: UInt32) -> StreamTableEntry { StreamTableEntry(qwords: steQwords(sid)) }

  /// The CD at `ssid` of a table, as memory holds it (nil if its slot is not backed).
  func cd(in table: CDTable?, ssid: UInt32) -> ContextDescriptor? {
    table.flatMap { cd(table: $0, ssid: ssid) }
  }

  /// A fresh driver for a design with the scenario's default SMMU (2-level stream and CD
  /// tables, SSIDSIZE 20, ATS, stalls, ATTR_TYPES_OVR).
  static func make(_ design: DriverDesign, bugs: Set<DriverMutation> = []) -> Driver {
    Driver(options: DriverOptions(design: design, mutations: bugs), features: SMMUFeatures())
  }

  /// Adds a master and expects success.
  mutating func probe(
    _ name: String, sid: UInt32, ssidBits: Int = 0, ats: Bool = false, stall: Bool = false,
    group: String? = nil, extraSIDs: [UInt32] = []
  ) {
    let t = addMaster(
      name: name, sids: [sid] + extraSIDs, ssidBits: ssidBits, ats: ats, stall: stall, group: group)
    #expect(t.error == nil, "addMaster \(name): \(String(describing: t.error))")
  }

  /// Adds a domain and expects success.
  mutating func newDomain(_ name: String, _ kind: DomainKind, mm: String? = nil) {
    let t = addDomain(name: name, kind: kind, mm: mm)
    #expect(t.error == nil, "addDomain \(name): \(String(describing: t.error))")
  }

  /// Runs an operation that must succeed and returns its trace.
  @discardableResult
  mutating func ok(
    _ body: (inout Driver) -> OperationTrace, sourceLocation: SourceLocation = #_sourceLocation
  ) -> OperationTrace {
    let t = body(&self)
    #expect(t.error == nil, "unexpected \(String(describing: t.error))", sourceLocation: sourceLocation)
    #expect(
      smmu.hazards.isEmpty, "hazards: \(smmu.hazards.map(\.description))", sourceLocation: sourceLocation)
    return t
  }

  /// The outcome of one DMA read.
  mutating func read(_ master: String, pasid: UInt32? = nil, iova: UInt64 = Addr.iova) -> TranslationResult? {
    dma(master: master, pasid: pasid, iova: iova).translation
  }
}
