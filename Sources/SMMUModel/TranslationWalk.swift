/// A structured record of one translation, step by step, as the SMMU performed it: the
/// transaction, every structure it looked up (and whether a cache or memory served it), each
/// page-table level, and the output address or the fault. Built by `SMMU.translate` when asked
/// (`recordWalk: true`), on the same code path as the translation itself.
package struct TranslationWalk: Sendable, Hashable {
  package let transaction: Transaction
  /// The steps in the order the SMMU took them.
  package internal(set) var steps: [WalkStep] = []
  /// How the transaction ended.
  package internal(set) var outcome: TranslationResult.Outcome = .aborted
  /// Why it stopped, when it did not go through (also when no event was recorded).
  package internal(set) var failure: WalkFailure?

  package init(transaction: Transaction) { self.transaction = transaction }

  /// Steps served by a cache (configuration cache, TLB, ATC).
  package var cachedSteps: Int { steps.count { if case .cached = $0.source { true } else { false } } }
  /// Steps read from memory (structures and page-table descriptors).
  package var fetchedSteps: Int { steps.count { $0.source == .fetched } }
  /// Page-table descriptors read from memory (both stages).
  package var tableReads: Int {
    steps.count { ($0.kind == .s1Level || $0.kind == .s2Level) && $0.source == .fetched }
  }

  /// The stage-2 levels, as a grid: one row per address the stage-2 tables translated
  /// (`translates`: the index of the step that read it, a CD or L1CD fetch or a stage-1
  /// table, or nil for the final IPA), columns by level.
  package var nestedGrid: [(translates: Int?, levels: [WalkStep])] {
    var rows: [(translates: Int?, levels: [WalkStep])] = []
    for s in steps where s.kind == .s2Level {
      if let i = rows.firstIndex(where: { $0.translates == s.translates }) {
        rows[i].levels.append(s)
      } else {
        rows.append((s.translates, [s]))
      }
    }
    return rows
  }

  mutating func append(_ step: WalkStep) { steps.append(step) }

  /// Inserts a step right after the transaction (the ATC miss, known only afterwards).
  mutating func insertAfterTransaction(_ step: WalkStep) {
    steps.insert(step, at: min(1, steps.count))
    // Stage-2 steps name the step they translate by index: those after the insert moved.
    for i in steps.indices {
      if let t = steps[i].translates, t >= 1 { steps[i].translates = t + 1 }
    }
    if let f = failure {
      failure = WalkFailure(event: f.event, step: f.step + 1, recorded: f.recorded, reason: f.reason)
    }
  }

  /// Adds decoded fields (and what they decided) to the last step.
  mutating func annotateLast(_ fields: [WalkField], note: String? = nil) {
    guard !steps.isEmpty else { return }
    steps[steps.count - 1].fields += fields
    if let note { steps[steps.count - 1].note = note }
  }

  mutating func fail(_ type: EventType?, recorded: Bool, reason: String) {
    failure = WalkFailure(event: type, step: max(0, steps.count - 1), recorded: recorded, reason: reason)
  }

  mutating func finish(_ outcome: TranslationResult.Outcome) { self.outcome = outcome }
}

/// A walk held out of line: a lookup or a result that carries none is one word larger, not a
/// whole walk larger (translations copy these structures several times). Immutable, so it
/// keeps value semantics: a change makes a new box.
final class WalkBox: Sendable, Hashable {
  let value: TranslationWalk

  init(_ value: TranslationWalk) { self.value = value }

  static func == (a: WalkBox, b: WalkBox) -> Bool { a === b || a.value == b.value }
  func hash(into h: inout Hasher) { h.combine(value) }
}

/// One step of a walk.
package struct WalkStep: Sendable, Hashable {
  package enum Kind: String, Sendable, Hashable, CaseIterable {
    case transaction, atc, l1std = "L1STD", ste = "STE", l1cd = "L1CD", cd = "CD", tlb = "TLB"
    case s1Level = "S1 level", s2Level = "S2 level", output
  }
  package let kind: Kind
  /// A short title: "STE sid 0x8", "S1 level 2".
  package let title: String
  /// Where the structure or descriptor sits in memory (nil for steps that read nothing).
  package let address: UInt64?
  /// The qwords as the SMMU saw them (cached or read).
  package let descriptor: [UInt64]
  /// Who served the step.
  package let source: WalkSource
  /// Decoded fields; `decided` marks those that chose the path.
  package internal(set) var fields: [WalkField] = []
  /// A free note: the IOVA bits that index a table level, a TLB key, a decision.
  package internal(set) var note: String?
  /// Page-table level (0-3) for table steps.
  package let level: Int?
  /// Stage-2 steps: the stage-1 step whose address they translate, or nil for the final IPA.
  package internal(set) var translates: Int?

  package init(
    kind: Kind, title: String, address: UInt64? = nil, descriptor: [UInt64] = [], source: WalkSource,
    note: String? = nil, level: Int? = nil, translates: Int? = nil
  ) {
    self.kind = kind
    self.title = title
    self.address = address
    self.descriptor = descriptor
    self.source = source
    self.note = note
    self.level = level
    self.translates = translates
  }
}

/// Who served a walk step.
package enum WalkSource: Sendable, Hashable {
  /// Read from memory.
  case fetched
  /// Served by a cache; `droppedBy` names the commands (and scopes) that would remove it.
  case cached(droppedBy: String)
  /// A cache looked up and missed (the TLB, the ATC).
  case missed
  /// The memory read aborted.
  case fetchFailed
  /// Nothing was read (the transaction itself, the output, a skipped level).
  case none

  /// "fetched from memory", "cache (dropped by ...)", for views and reports.
  package var text: String {
    switch self {
    case .fetched: "fetched from memory"
    case .cached(let d): "cache (dropped by \(d))"
    case .missed: "not in the cache"
    case .fetchFailed: "fetch aborted"
    case .none: "-"
    }
  }
}

/// A decoded field of a walk step.
package struct WalkField: Sendable, Hashable {
  package let name: String
  package let value: String
  /// True when this field decided the path the translation took.
  package let decided: Bool

  package init(_ name: String, _ value: String, decided: Bool = false) {
    self.name = name
    self.value = value
    self.decided = decided
  }
}

/// Why a walk stopped: the event type (recorded or not), at which step, and why.
package struct WalkFailure: Sendable, Hashable {
  /// The event the SMMU raised, or nil for a silent abort (an abort STE).
  package let event: EventType?
  /// Index of the step that raised it.
  package let step: Int
  /// False when the CD's (or STE's) R/S bits suppressed the record.
  package let recorded: Bool
  package let reason: String
}
