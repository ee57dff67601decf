import SMMUDriver
import SMMUModel
import Scenario

/// The guest's side of a master assigned to a VM (iommufd nesting): the vSMMU and vSID,
/// the vSTE the VMM passed, and the guest's CD table read from guest memory through the
/// STE's stage 2. The host never writes these CDs; this is what the SMMU would read.
struct GuestView: Sendable {
  let viommu: String
  let vmid: UInt16
  let vsid: UInt32?
  /// The vSTE of the nested domain attached (nil when the master's STE is not nested).
  let vste: NestedSTE?
  /// S1ContextPtr (an IPA) and where stage 2 maps it.
  let tableIPA: UInt64?
  let tablePA: UInt64?
  let cds: [GuestContextDescriptor]
  /// The vSTE in the guest's stream table, read from guest memory (the guest driver's table).
  let inMemory: (ipa: UInt64, q0: UInt64, q1: UInt64)?

  /// The guest view of a master, if it has a vDEVICE or a nested STE.
  init?(master name: String, driver d: Driver) {
    guard let m = d.masters[name] else { return nil }
    let attached = d.attachedNestedSTE(of: name)
    let bound = d.viommus.values.sorted { $0.name < $1.name }.first { $0.vsid(of: name) != nil }
    guard let v = attached.flatMap({ d.viommus[$0.viommu] }) ?? bound else { return nil }
    viommu = v.name
    vmid = v.vmid
    vsid = v.vsid(of: name)
    vste = attached
    inMemory = vsid.flatMap { d.guestStreamTableEntry(viommu: v.name, vsid: $0) }
    if let sid = m.sids.first, let ste = d.ste(sid: sid), ste.isValid, ste.configValue == .nested {
      tableIPA = ste.contextPointer
      tablePA = d.smmu.peekStage2(ste.contextPointer, ste: ste)
      cds = d.smmu.guestContextDescriptors(ste: ste)
    } else {
      (tableIPA, tablePA, cds) = (nil, nil, [])
    }
  }

  /// The guest driver's name for the domain whose page table is at `ttb0` (an IPA); nil when
  /// the guest's CDs were stored by hand (`guest V write`, raw stores).
  static func domainName(viommu: String, ttb0: UInt64, driver d: Driver) -> String? {
    d.guests[viommu]?.domains.values.first { $0.pageTable.root.base == ttb0 }?.name
  }

  /// "vm vSID 3" (or "vm" before a vDEVICE).
  var label: String { viommu + (vsid.map { " vSID \($0)" } ?? "") }

  /// The vSTE: its qwords (from the guest's stream table in guest memory when its driver
  /// made one, else as the VMM passed them), then what they ask for (short lines, for a
  /// narrow pane).
  var vsteLines: [String] {
    typealias S = StreamTableEntry
    let q: (q0: UInt64, q1: UInt64)
    let place: String
    if let m = inMemory {
      (q, place) = ((m.q0, m.q1), " at IPA \(hex(m.ipa))")
    } else if let v = vste {
      (q, place) = ((v.q0, v.guestQ1), "")
    } else {
      return []
    }
    let ste = StreamTableEntry(qwords: [q.q0, q.q1, 0, 0, 0, 0, 0, 0])
    var meaning = "  " + (ste.isValid ? ste.configValue.name : "invalid")
    if ste.isValid && ste.configValue == .s1Translate {
      meaning += ", ctx IPA \(hex(ste.contextPointer)), S1CDMax \(ste[S.s1cdmax]), EATS \(ste[S.eats])"
    }
    return ["vSTE\(place) q0 \(hex(q.q0)) q1 \(hex(q.q1))", meaning]
  }
}

extension ExplorerState {
  /// The guest view of the selected master, if it is assigned to a VM.
  var selectedGuest: GuestView? {
    selectedMaster.flatMap { GuestView(master: $0, driver: session.driver) }
  }
}
