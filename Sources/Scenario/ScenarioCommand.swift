import SMMUDriver
import SMMUModel

/// One line of a scenario, parsed. The rare cases with large payloads are `indirect` (kept in a
/// box) so that the common ones (attach, map, dma ...) copy as a few words.
package enum ScenarioCommand: Sendable, Hashable {
  case design(DriverDesign, compact: Bool, invs: Bool = false)
  indirect case smmu(SMMUSettings)
  indirect case master(
    name: String, sids: [UInt32], ssidBits: Int, ats: Bool, stall: Bool, group: String?, rmr: Bool = false,
    atsAlwaysOn: Bool = false)
  case domain(name: String, kind: DomainKind, mm: String?)
  /// `domain NAME s2 nest-parent`: an S2 domain allocated with IOMMU_HWPT_ALLOC_NEST_PARENT.
  case nestParent(name: String)
  /// `domain NAME nested VIOMMU ste Q0 Q1`: a nested domain from a guest vSTE.
  indirect case nestedDomain(name: String, viommu: String, q0: UInt64, q1: UInt64)
  /// `viommu NAME parent DOMAIN`: a vSMMU on a nest parent.
  case viommu(name: String, parent: String)
  /// `vdevice VIOMMU MASTER vsid N`: the guest's stream ID for a master.
  indirect case vdevice(viommu: String, master: String, vsid: UInt32)
  /// `guest VIOMMU ACTION ...`: the guest behind a vSMMU acts.
  indirect case guest(viommu: String, GuestAction)
  case attach(domain: String, master: String, pasid: UInt32)
  case detach(master: String, pasid: UInt32)
  case map(domain: String, iova: UInt64, size: UInt64, pa: UInt64?)
  case unmap(domain: String, iova: UInt64, size: UInt64)
  case dma(master: String, pasid: UInt32?, iova: UInt64, write: Bool)
  /// `explain dma ...`: a DMA like `dma` whose walk is recorded and reported.
  case explainDMA(master: String, pasid: UInt32?, iova: UInt64, write: Bool)
  case asid(domain: String, value: UInt16)
  case free(domain: String)
  /// Releases a master (the device goes away): `remove MASTER`.
  case remove(master: String)
  case release(mm: String)
  /// `flush DOMAIN`: the core's iommu_flush_iotlb_all.
  case flush(domain: String)
  case say(String)
  case step(String)
  indirect case expect(Expectation)
  /// Raw qword store into an STE (by SID) or a CD (by table owner and SSID), bypassing the
  /// driver: for showing what goes wrong without the right invalidation.
  case writeSTE(sid: UInt32, qword: Int, value: UInt64)
  case writeCD(owner: String, ssid: UInt32, qword: Int, value: UInt64)
  /// Raw stores into the L1 stream-table descriptor covering a SID, an L1 CD descriptor of a
  /// 2-level CD table, and any 64-bit word of allocated memory.
  case writeL1STD(sid: UInt32, value: UInt64)
  case writeL1CD(owner: String, index: Int, value: UInt64)
  case writeMemory(address: UInt64, value: UInt64)
  /// `smmuen 0|1`: CR0.SMMUEN.
  case smmuEnable(Bool)
  /// `ack QUEUE`: software consumes a queue.
  case ack(AckQueue)
  /// A raw command on the command queue.
  indirect case command(RawCommand)
  /// Runs the entry writer on two specs (no state change), for teaching.
  indirect case transition(kind: String, from: String, to: String)
  /// `begin "NAME"`: the lines up to the matching `end` form one operation.
  case begin(String)
  /// `end`: closes the operation `begin` opened.
  case end
  /// `inject NAME...`: these driver mutations are active from this line on, besides those
  /// already active; `inject none` (an empty list) clears them all.
  case inject([DriverMutation])

  /// Commands that change the model (as opposed to narration, assertions and setup): the
  /// verb table's `isAction`, answered without a lookup (asked once per line run;
  /// `VerbTableTests` checks that the two agree).
  package var isAction: Bool {
    switch self {
    case .design, .smmu, .begin, .end, .inject, .step, .say, .expect: false
    default: true
    }
  }

  /// The verb the line starts with (its entry in `Verb.all`).
  package var verbName: String {
    switch self {
    case .design: "design"
    case .smmu: "smmu"
    case .master: "master"
    case .domain, .nestParent, .nestedDomain: "domain"
    case .viommu: "viommu"
    case .vdevice: "vdevice"
    case .guest: "guest"
    case .attach: "attach"
    case .detach: "detach"
    case .map: "map"
    case .unmap: "unmap"
    case .dma: "dma"
    case .explainDMA: "explain"
    case .asid: "asid"
    case .free: "free"
    case .remove: "remove"
    case .release: "release"
    case .flush: "flush"
    case .say: "say"
    case .step: "step"
    case .expect: "expect"
    case .writeSTE, .writeCD, .writeL1STD, .writeL1CD, .writeMemory: "write"
    case .smmuEnable: "smmuen"
    case .ack: "ack"
    case .command: "cmd"
    case .transition: "transition"
    case .begin: "begin"
    case .end: "end"
    case .inject: "inject"
    }
  }
}

/// The queues `ack` consumes.
package enum AckQueue: String, Sendable, Hashable, CaseIterable {
  /// The event queue: every record is consumed and an overflow acknowledged.
  case evtq
  /// The command queue: a command error acknowledged as Linux's GERROR handler does.
  case cmdq
}

/// `expect ...`: an assertion on the state or on the previous command.
package enum Expectation: Sendable, Hashable {
  /// `expect PATH OP VALUE`.
  case compare(path: String, op: CompareOp, value: String)
  /// `expect event NAME`: the previous command recorded this event.
  case event(String)
  /// `expect error [CODE]`: the previous command failed.
  case error(String?)
  /// `expect hazard [KIND]`: the previous command exposed a hazard.
  case hazard(String?)
  /// `expect check clean|KIND`: the checker judged the previous operation clean, or found
  /// this kind of finding in it (nil: clean).
  case check(String?)

  package var text: String {
    switch self {
    case .compare(let p, let op, let v): "\(p) \(op.rawValue) \(v)"
    case .event(let e): "event \(e)"
    case .error(let c): "error" + (c.map { " \($0)" } ?? "")
    case .hazard(let k): "hazard" + (k.map { " \($0)" } ?? "")
    case .check(let k): "check " + (k ?? "clean")
    }
  }
}

/// Comparison operators of `expect`.
package enum CompareOp: String, Sendable, Hashable, CaseIterable {
  case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
}

/// A command with where it came from.
package struct ScenarioLine: Sendable, Hashable {
  package let line: Int
  package let text: String
  package let command: ScenarioCommand
  /// Runs only under this design (`legacy:` / `per-master:` prefix), or always when nil.
  package let onlyFor: DriverDesign?
  /// Runs only with compact CD tables (`compact:`) or only without (`paged:`), or always.
  package let onlyCompact: Bool?

  package init(
    line: Int, text: String, command: ScenarioCommand, onlyFor: DriverDesign?, onlyCompact: Bool? = nil
  ) {
    self.line = line
    self.text = text
    self.command = command
    self.onlyFor = onlyFor
    self.onlyCompact = onlyCompact
  }
}

/// A parsed scenario.
package struct Scenario: Sendable, Hashable {
  package let name: String
  package let lines: [ScenarioLine]

  package init(name: String, lines: [ScenarioLine]) {
    self.name = name
    self.lines = lines
  }

  /// The design the file asks for (default per-master) and whether compact tables are on.
  package var declaredDesign: (DriverDesign, Bool) {
    for l in lines { if case .design(let d, let c, _) = l.command { return (d, c) } }
    return (.perMaster, false)
  }

  /// Step titles in order.
  package var stepTitles: [String] {
    lines.compactMap { if case .step(let t) = $0.command { t } else { nil } }
  }
}
