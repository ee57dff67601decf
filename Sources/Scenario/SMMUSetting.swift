import SMMUModel

/// One setting of the `smmu` line: its name, the values it takes and how it changes the SMMU's
/// features. The table (`SMMUSetting.all`) drives the parser, the verb's usage line, the
/// explorer's completion and the session; adding a setting is one entry here.
package struct SMMUSetting: Sendable {
  /// What the value is: a number up to a maximum (optionally a power of two), or one of
  /// some words (stored as the word's index).
  package enum Values: Sendable {
    case number(max: UInt64, powerOfTwo: Bool = false)
    case words([String])
  }

  package let name: String
  package let values: Values
  /// One line of help (the default, and what the setting is).
  package let help: String
  /// Applies a parsed value (a number, or a word's index) to the features.
  let apply: @Sendable (inout SMMUFeatures, UInt64) -> Void

  init(
    _ name: String, _ values: Values, _ help: String,
    _ apply: @escaping @Sendable (inout SMMUFeatures, UInt64) -> Void
  ) {
    self.name = name
    self.values = values
    self.help = help
    self.apply = apply
  }

  static let onOff = Values.words(["off", "on"])

  /// Every setting, in the order the usage line and the docs list them.
  package static let all: [SMMUSetting] = [
    .init("sid-bits", .number(max: 32), "IDR1.SIDSIZE (16)") { $0.sidBits = Int($1) },
    .init("ssid-bits", .number(max: 20), "IDR1.SSIDSIZE, 0 = no substreams (20)") { $0.ssidBits = Int($1) },
    .init("strtab", .words(["linear", "2lvl"]), "stream-table format the driver uses (2lvl)") {
      $0.twoLevelStreamTable = $1 == 1
    },
    .init("cd2l", onOff, "IDR0.CD2L, 2-level CD tables (on)") { $0.twoLevelCDTable = $1 == 1 },
    .init("cfg-cache", .number(max: 1 << 20), "configuration-cache entries (64)") {
      $0.configCacheEntries = Int($1)
    },
    .init("tlb", .number(max: 1 << 20), "TLB entries (256)") { $0.tlbEntries = Int($1) },
    .init("atc", .number(max: 1 << 20), "ATC entries per ATS endpoint (32)") { $0.atcEntries = Int($1) },
    .init("stage1", onOff, "IDR0.S1P (on)") { $0.stage1 = $1 == 1 },
    .init("stage2", onOff, "IDR0.S2P (on)") { $0.stage2 = $1 == 1 },
    .init("ats", onOff, "IDR0.ATS (on)") { $0.ats = $1 == 1 },
    .init("stall", .words(["off", "on", "force"]), "IDR0.STALL_MODEL: 01, 00, 10 (on)") {
      $0.stallModel = [.terminateOnly, .stallOrTerminate, .stallForced][Int($1)]
    },
    .init("recinvsid", onOff, "CR2.RECINVSID, record C_BAD_STREAMID (on)") { $0.recordInvalidSID = $1 == 1 },
    .init("cache-invalid", .words(["no", "yes"]), "cache STEs/CDs seen invalid; no = QEMU's mode (yes)") {
      $0.cachesInvalidEntries = $1 == 1
    },
    .init("gbpa", .words(["bypass", "abort"]), "GBPA.ABORT: what traffic does while SMMUEN=0 (abort)") {
      $0.gbpaAbort = $1 == 1
    },
    .init("evtq", .number(max: 1 << 19, powerOfTwo: true), "event-queue entries (64)") {
      $0.eventQueueEntries = Int($1)
    },
    .init("hyp", onOff, "IDR0.Hyp, EL2 StreamWorlds and TLBIs (off)") { $0.hyp = $1 == 1 },
    .init("oas", .words(AddressSize.bits.map { String($0) }), "IDR5.OAS in bits (48; QEMU's SMMUv3 has 44)") {
      $0.oas = AddressSize.bits[Int($1)]
    },
  ]

  /// The settings by name.
  package static let named: [String: SMMUSetting] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.name, $0) })

  /// The settings' syntax, e.g. "[sid-bits N] [strtab linear|2lvl] ...".
  package static let usage: String = all.map { "[\($0.name) \($0.valuesText)]" }.joined(separator: " ")

  /// "N", "N (a power of two)" or "on|off".
  package var valuesText: String {
    switch values {
    case .number: "N"
    case .words(let w): w.joined(separator: "|")
    }
  }

  /// Parses this setting's value.
  func parseValue(_ c: inout Cursor) throws(Cursor.Failure) -> UInt64 {
    switch values {
    case .number(let max, let powerOfTwo):
      let col = c.peek()?.column ?? c.end
      let v = try c.number(max: max)
      if powerOfTwo && (v == 0 || v & (v - 1) != 0) {
        throw Cursor.Failure(column: col, message: "\(name) must be a power of two")
      }
      return v
    case .words(let words):
      let t = try c.word(words.joined(separator: " or "))
      guard let i = words.firstIndex(of: t.text) else {
        throw Cursor.Failure(column: t.column, message: "\(name) is \(words.joined(separator: " or "))")
      }
      return UInt64(i)
    }
  }
}

/// The `smmu` line's settings: values by setting name (`SMMUSetting.all`), a number or the
/// index of a word.
package struct SMMUSettings: Sendable, Hashable {
  package var values: [String: UInt64] = [:]

  package init() {}

  /// The value of a setting, if the line sets it.
  package subscript(_ name: String) -> UInt64? {
    get { values[name] }
    set { values[name] = newValue }
  }

  /// Applies the settings, in table order, to `features`.
  package func apply(to features: inout SMMUFeatures) {
    for s in SMMUSetting.all { if let v = values[s.name] { s.apply(&features, v) } }
  }
}
