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

/// Event CLASS (IHI 0070 §7.3, q1[41:40]): what the faulting access was for.
package enum EventClass: String, Sendable, Hashable {
  /// A CD fetch (a stage-2 fault on it, in nested mode).
  case cd = "CD"
  /// A translation-table walk access.
  case tt = "TT"
  /// The input address itself.
  case input = "IN"
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
  /// CLASS, for the translation faults and F_WALK_EABT; nil for records without the field.
  package let eventClass: EventClass?
  /// Stall=1: the transaction is held until RESUME or STALL_TERM.
  package let stall: Bool
  /// STAG of a stall record.
  package let stag: UInt16?

  /// A record; `eventClass` defaults to IN for the four translation faults (an input-address
  /// fault) and to nil for the records that have no CLASS.
  package init(
    type: EventType, sid: UInt32, ssid: UInt32? = nil, address: UInt64? = nil,
    fetchAddress: UInt64? = nil, stage2: Bool = false, read: Bool = true, eventClass: EventClass? = nil,
    stall: Bool = false, stag: UInt16? = nil
  ) {
    self.type = type
    self.sid = sid
    self.ssid = ssid
    self.address = address
    self.fetchAddress = fetchAddress
    self.stage2 = stage2
    self.read = read
    self.eventClass = eventClass ?? (type.isTranslationFault ? .input : type == .fWalkEABT ? .tt : nil)
    self.stall = stall
    self.stag = stag
  }

  package var description: String {
    var s = "\(type.name) sid=\(hex(UInt64(sid)))"
    if let ssid { s += " ssid=\(ssid)" }
    if let address { s += " addr=\(hex(address))" }
    if let fetchAddress { s += " fetch=\(hex(fetchAddress))" }
    if stage2 { s += " S2" }
    if stall { s += " stall stag=\(stag ?? 0)" }
    return s
  }
}
