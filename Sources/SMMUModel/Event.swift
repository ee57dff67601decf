/// Event record types the model raises (IHI 0070 §7.3), with their IDs.
package enum EventType: UInt8, Sendable, Hashable, CaseIterable {
  case cBadStreamID = 0x02
  case fSTEFetch = 0x03
  case cBadSTE = 0x04
  case fBadATSTReq = 0x05
  case fStreamDisabled = 0x06
  case cBadSubstreamID = 0x08
  case fCDFetch = 0x09
  case cBadCD = 0x0A
  case fWalkEABT = 0x0B
  case fTranslation = 0x10
  case fAddrSize = 0x11
  case fAccess = 0x12
  case fPermission = 0x13

  /// The architecture's name, e.g. "C_BAD_STE".
  package var name: String {
    switch self {
    case .cBadStreamID: "C_BAD_STREAMID"
    case .fSTEFetch: "F_STE_FETCH"
    case .cBadSTE: "C_BAD_STE"
    case .fBadATSTReq: "F_BAD_ATS_TREQ"
    case .fStreamDisabled: "F_STREAM_DISABLED"
    case .cBadSubstreamID: "C_BAD_SUBSTREAMID"
    case .fCDFetch: "F_CD_FETCH"
    case .cBadCD: "C_BAD_CD"
    case .fWalkEABT: "F_WALK_EABT"
    case .fTranslation: "F_TRANSLATION"
    case .fAddrSize: "F_ADDR_SIZE"
    case .fAccess: "F_ACCESS"
    case .fPermission: "F_PERMISSION"
    }
  }

  /// Looks a type up by its name.
  package init?(name: String) {
    guard let t = Self.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
    self = t
  }

  /// Translation faults, whose recording the CD's R/S bits (or STE S2R/S2S) gate.
  package var isTranslationFault: Bool {
    switch self {
    case .fTranslation, .fAddrSize, .fAccess, .fPermission: true
    default: false
    }
  }
}

/// An event record's CLASS (q1 bits 41:40): what the SMMU was translating when a
/// translation fault hit. With S2=1 in nested mode: CD for the stage-2 translation of an
/// L1CD/CD fetch address, TT for that of a stage-1 table address, IN for the input (or the
/// final IPA).
package enum EventClass: UInt8, Sendable, Hashable, CaseIterable {
  case cd = 0
  case tt = 1
  case input = 2

  /// "CD", "TT", "IN".
  package var name: String { ["CD", "TT", "IN"][Int(rawValue)] }
}

/// One event record as the event queue holds it.
package struct Event: Sendable, Hashable {
  package let type: EventType
  package let sid: UInt32
  /// The substream, when the transaction had one (SSV=1).
  package let ssid: UInt32?
  /// Input address of the transaction (translation faults), if relevant.
  package let address: UInt64?
  /// FetchAddr for fetch aborts.
  package let fetchAddress: UInt64?
  /// True for a stage-2 fault.
  package let stage2: Bool
  package let read: Bool
  /// CLASS, for translation faults and F_WALK_EABT (nil for other records).
  package let eventClass: EventClass?
  /// The IPA whose stage-2 translation faulted (S2=1): the CD or table address for CLASS=CD
  /// or TT, the final IPA for CLASS=IN.
  package let ipa: UInt64?
  /// Stall=1: the transaction is held until RESUME or STALL_TERM (never dropped by a full
  /// event queue: the SMMU retries recording it).
  package internal(set) var stall = false
  /// STAG: the stalled transaction's tag (0 when Stall=0).
  package internal(set) var stag: UInt16 = 0

  /// A record; `eventClass` defaults to IN for the four translation faults (an input-address
  /// fault) and to nil for the records that have no CLASS.
  package init(
    type: EventType, sid: UInt32, ssid: UInt32? = nil, address: UInt64? = nil,
    fetchAddress: UInt64? = nil, stage2: Bool = false, read: Bool = true, eventClass: EventClass? = nil,
    ipa: UInt64? = nil, stall: Bool = false, stag: UInt16 = 0
  ) {
    self.ipa = ipa
    self.type = type
    self.sid = sid
    self.ssid = ssid
    self.address = address
    self.fetchAddress = fetchAddress
    self.stage2 = stage2
    self.read = read
    self.eventClass = eventClass ?? (type.isTranslationFault ? .input : type == .fWalkEABT ? .tt : nil)
    self.stall = stall
    self.stag = stall ? stag : 0
  }

  package var description: String {
    var s = "\(type.name) sid=\(hex(UInt64(sid)))"
    if let ssid { s += " ssid=\(ssid)" }
    if let address { s += " addr=\(hex(address))" }
    if let fetchAddress { s += " fetch=\(hex(fetchAddress))" }
    if stage2 { s += " S2" }
    if let eventClass, eventClass != .input, let ipa { s += " CLASS=\(eventClass.name) ipa=\(hex(ipa))" }
    if stall { s += " stall stag=\(stag)" }
    return s
  }
}
