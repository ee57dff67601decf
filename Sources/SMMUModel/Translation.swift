/// A DMA transaction presented to the SMMU.
package struct Transaction: Sendable, Hashable {
  package let sid: UInt32
  /// The PASID (SSV=1), or nil for an untagged transaction.
  package let ssid: UInt32?
  package let address: UInt64
  package let write: Bool

  package init(sid: UInt32, ssid: UInt32? = nil, address: UInt64, write: Bool = false) {
    self.sid = sid
    self.ssid = ssid
    self.address = address
    self.write = write
  }

  package var description: String {
    "dma sid \(hex(UInt64(sid)))" + (ssid.map { " pasid \($0)" } ?? "") + " va \(hex(address)) "
      + (write ? "write" : "read")
  }
}

/// What happened to a transaction.
package struct TranslationResult: Sendable, Hashable {
  package enum Outcome: Sendable, Hashable {
    case translated(UInt64)
    case bypassed(UInt64)
    /// Aborted (a configuration error, a fault, or an abort STE).
    case aborted
    /// Held by a stall (the event has Stall=1 and this STAG) until RESUME or STALL_TERM.
    case stalled(stag: UInt16)
  }
  package var outcome: Outcome {
    get { storage.fields.outcome }
    set { fields.outcome = newValue }
  }
  /// The event recorded, if any.
  package var event: Event? {
    get { storage.fields.event }
    set { fields.event = newValue }
  }
  /// What served the translation: "ATC", "TLB", "walk", "bypass" or "-".
  package var servedBy: String {
    get { storage.fields.servedBy }
    set { fields.servedBy = newValue }
  }
  /// The lookup steps, as values.
  package var notes: [TranslationNote] {
    get { storage.fields.notes }
    set { fields.notes = newValue }
  }
  /// Hazards this transaction exposed.
  package var hazards: [Hazard] {
    get { storage.fields.hazards }
    set { fields.hazards = newValue }
  }
  /// The step-by-step walk, when it was asked for (`translate(_:recordWalk:)`).
  package var walk: TranslationWalk? {
    get { storage.fields.walkBox?.value }
    set { fields.walkBox = newValue.map(WalkBox.init) }
  }

  /// The fields of a result.
  private struct Fields: Sendable, Hashable {
    var outcome: Outcome
    var event: Event?
    var servedBy: String
    var notes: [TranslationNote]
    var hazards: [Hazard]
    var walkBox: WalkBox?
  }

  /// The fields, out of line and never changed: a DMA's result is copied into the driver's
  /// trace and the session's last DMA, and one reference copies for a fraction of what six
  /// fields (four of them counted references) cost. A change replaces the storage.
  private final class Storage: Sendable {
    let fields: Fields
    init(_ fields: Fields) { self.fields = fields }
  }
  private var storage: Storage

  /// The fields, for a change: setting them allocates new storage (changes are rare).
  private var fields: Fields {
    get { storage.fields }
    set { storage = Storage(newValue) }
  }

  package static func == (a: TranslationResult, b: TranslationResult) -> Bool {
    a.storage === b.storage || a.storage.fields == b.storage.fields
  }

  package func hash(into h: inout Hasher) { h.combine(storage.fields) }

  /// The lookup steps, for the UI, e.g. ["STE sid 0x8 cached", "CD ssid 0 fetched", ...].
  package var path: [String] { notes.map(\.description) }

  /// A result with its lookup steps as values.
  package init(
    outcome: Outcome, event: Event?, servedBy: String, notes: [TranslationNote], hazards: [Hazard]
  ) {
    self.init(
      outcome: outcome, event: event, servedBy: servedBy, notes: notes, hazards: hazards, walkBox: nil)
  }

  /// A result with its lookup steps as values and its walk, when one was recorded.
  init(
    outcome: Outcome, event: Event?, servedBy: String, notes: [TranslationNote], hazards: [Hazard],
    walkBox: WalkBox?
  ) {
    storage = Storage(
      Fields(
        outcome: outcome, event: event, servedBy: servedBy, notes: notes, hazards: hazards, walkBox: walkBox))
  }

  /// A result with its lookup steps as text.
  package init(outcome: Outcome, event: Event?, servedBy: String, path: [String], hazards: [Hazard]) {
    self.init(outcome: outcome, event: event, servedBy: servedBy, path: path, hazards: hazards, walkBox: nil)
  }

  /// A result with its lookup steps as text and its walk, when one was recorded.
  init(
    outcome: Outcome, event: Event?, servedBy: String, path: [String], hazards: [Hazard], walkBox: WalkBox?
  ) {
    self.init(
      outcome: outcome, event: event, servedBy: servedBy, notes: path.map { .text($0) }, hazards: hazards,
      walkBox: walkBox)
  }

  /// The output address, if the transaction went through.
  package var outputAddress: UInt64? {
    switch outcome {
    case .translated(let a), .bypassed(let a): a
    case .aborted, .stalled: nil
    }
  }

  package var summary: String { Self.summary(outcome, servedBy: servedBy, event: event?.type) }

  /// "-> PA (served by)", "-> PA (bypass)", "abort EVENT" or "stalled stag T EVENT": the one
  /// text of an outcome (the driver's trace notes keep the parts and build it when shown).
  package static func summary(_ outcome: Outcome, servedBy: String, event: EventType?) -> String {
    let name = event.map { " \($0.name)" } ?? ""
    return switch outcome {
    case .translated(let pa): "-> \(hex(pa)) (\(servedBy))"
    case .bypassed(let pa): "-> \(hex(pa)) (bypass)"
    case .aborted: "abort" + name
    case .stalled(let stag): "stalled stag \(stag)" + name
    }
  }

  /// True while the transaction is held by a stall.
  package var isStalled: Bool {
    if case .stalled = outcome { true } else { false }
  }
}

/// Configuration-cache traffic of one lookup, applied after the (pure) resolution.
struct ConfigLookup {
  /// Every structure read, in order (held inline: a lookup reads at most four).
  var accesses = ConfigAccesses()
  /// False once a cached line was found at another address than the lookup computed for it.
  var linesAtComputedAddresses = true
  var path: [TranslationNote] = []
  /// When false, `note` builds no text (lookups whose path nobody reads).
  var recordsPath = true
  var steFetches = 0
  var l1stdFetches = 0
  var cdFetches = 0
  var l1cdFetches = 0
  /// The walk being recorded (out of line), or nil: then no step is built.
  var walkBox: WalkBox?

  /// True while a walk is being recorded.
  var recording: Bool { walkBox != nil }

  /// Changes the walk being recorded; when none is, does nothing and builds nothing. The
  /// change runs out of line, so a translation that records nothing pays one test.
  @inline(__always)
  mutating func record(_ change: (inout TranslationWalk) -> Void) {
    if walkBox != nil { recordOutOfLine(change) }
  }

  @inline(never)
  mutating func recordOutOfLine(_ change: (inout TranslationWalk) -> Void) {
    guard var w = walkBox?.value else { return }
    walkBox = nil
    change(&w)
    walkBox = WalkBox(w)
  }

  /// A lookup that has read nothing (inlined: it builds in place, no template is copied).
  @inline(__always)
  init(recordsPath: Bool = true) { self.recordsPath = recordsPath }

  /// The keys looked up, in order.
  var touched: [ConfigCacheKey] { accesses.map(\.key) }
  /// The lines the cache served, in order.
  var hits: [(ConfigCacheKey, ConfigCacheLine)] {
    accesses.compactMap { a in a.hit ? a.line.map { (a.key, $0) } : nil }
  }
  /// The lines fetched from memory (to be cached), in order.
  var fills: [(ConfigCacheKey, ConfigCacheLine)] {
    accesses.compactMap { a in a.hit ? nil : a.line.map { (a.key, $0) } }
  }

  /// Notes one structure read.
  mutating func access(_ a: ConfigAccess) { accesses.append(a) }

  /// Appends a step to the path, building its text only if the path is kept.
  mutating func note(_ text: @autoclosure () -> String) {
    if recordsPath { note(.text(text())) }
  }

  /// Appends a step kept as a value (its text is built only if read).
  mutating func note(_ step: TranslationNote) {
    guard recordsPath else { return }
    if path.isEmpty { path.reserveCapacity(6) }
    path.append(step)
  }
}

/// The structures one lookup read, in order, held inline rather than in an array: a lookup
/// reads at most four (L1STD, STE, L1CD, CD), and a translation then allocates nothing for them.
/// Keys, lines and hits are kept apart, so reading a key or a hit copies no line.
struct ConfigAccesses: RandomAccessCollection {
  /// The keys read, in order; those at `count` and above are unused.
  private var keys: (ConfigCacheKey, ConfigCacheKey, ConfigCacheKey, ConfigCacheKey) =
    (.ste(sid: 0), .ste(sid: 0), .ste(sid: 0), .ste(sid: 0))
  /// The lines, parallel to `keys` (nil for a fetch that aborted).
  private var lines: (ConfigCacheLine?, ConfigCacheLine?, ConfigCacheLine?, ConfigCacheLine?) = (
    nil, nil, nil, nil
  )
  /// Bit i: read i was served by the configuration cache.
  private var hitBits: UInt8 = 0
  /// For a read the cache served, the cache entry that held it (`ConfigAccess.entry`).
  private var entries: (Int32, Int32, Int32, Int32) = (-1, -1, -1, -1)
  /// How many structures were read.
  private var used = 0

  var startIndex: Int { 0 }
  var endIndex: Int { used }

  /// Read `i` (0 ..< count).
  subscript(i: Int) -> ConfigAccess {
    ConfigAccess(key: key(i), line: line(i), hit: isHit(i), entry: entry(i))
  }

  /// Slot `i` of one of the four-slot tuples, for a read that happened.
  private func slot<T>(_ i: Int, of slots: (T, T, T, T)) -> T {
    precondition(i >= 0 && i < used, "no such structure read")
    return switch i {
    case 0: slots.0
    case 1: slots.1
    case 2: slots.2
    default: slots.3
    }
  }

  /// The key of read `i`.
  func key(_ i: Int) -> ConfigCacheKey { slot(i, of: keys) }

  /// The line of read `i` (nil for a fetch that aborted).
  func line(_ i: Int) -> ConfigCacheLine? { slot(i, of: lines) }

  /// The cache entry that served read `i`, or -1.
  func entry(_ i: Int) -> Int { Int(slot(i, of: entries)) }

  /// True when the configuration cache served read `i`.
  func isHit(_ i: Int) -> Bool {
    precondition(i >= 0 && i < used, "no such structure read")
    return hitBits >> UInt8(i) & 1 == 1
  }

  /// Appends a read; there is room for four.
  mutating func append(_ a: ConfigAccess) {
    switch used {
    case 0: (keys.0, lines.0, entries.0) = (a.key, a.line, Int32(a.entry))
    case 1: (keys.1, lines.1, entries.1) = (a.key, a.line, Int32(a.entry))
    case 2: (keys.2, lines.2, entries.2) = (a.key, a.line, Int32(a.entry))
    case 3: (keys.3, lines.3, entries.3) = (a.key, a.line, Int32(a.entry))
    default: preconditionFailure("a lookup reads at most four structures")
    }
    if a.hit { hitBits |= 1 << UInt8(used) }
    used += 1
  }
}

/// One structure a lookup read: a line the configuration cache served (`hit`), one fetched
/// from memory, or (`line` nil) a fetch that aborted.
struct ConfigAccess {
  let key: ConfigCacheKey
  let line: ConfigCacheLine?
  /// The configuration cache served the line.
  let hit: Bool
  /// For a hit, the cache entry that held the line (`LRUCache.peekEntry`), else -1.
  var entry = -1
}
