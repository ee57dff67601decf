import Foundation
import SMMUModel
import Scenario

/// A command reconstructed from a QEMU trace: its opcode from the trace's
/// `smmuv3_cmdq_opcode` line, its operands from the dumped command ring when the ring slot
/// (the trace's `cons` index) holds it, else from the trace's operand lines.
package struct ImportedCommand: Sendable, Hashable {
  /// Where the operands came from.
  package enum Source: String, Sendable, Hashable { case ring, trace }
  package let traceLine: Int
  package let time: Double?
  /// QEMU's name without `SMMU_CMD_`, e.g. "CFGI_STE", "TLBI_NH_VA", "SYNC".
  package let name: String
  /// The decoded command (nil when the operands are unknown, e.g. PREFETCH_CONFIG from the
  /// trace alone, or an opcode the model does not implement).
  package let command: Command?
  package let ringSlot: Int?
  package let source: Source
  package let phase: String
}

/// One translation QEMU reported, and what the model made of it.
package struct ImportedTranslation: Sendable, Hashable {
  package enum QEMUOutcome: Sendable, Hashable {
    case translated(UInt64)
    case aborted
    case bypassed
  }
  package let traceLine: Int
  package let time: Double?
  package let sid: UInt32
  package let iova: UInt64
  package let write: Bool
  package let qemu: QEMUOutcome
  /// QEMU's configuration-cache and IOTLB outcome for it (nil when not traced).
  package let qemuConfigHit: Bool?
  package let qemuTLBHit: Bool?
  package let model: TranslationResult.Outcome
  /// "TLB", "walk", "bypass", "-".
  package let modelServedBy: String
  /// STE and CD 0 both came from the model's configuration cache (QEMU's notion of a hit).
  package let modelConfigHit: Bool
  package let phase: String

  /// The model produced QEMU's result.
  package var matches: Bool {
    switch (qemu, model) {
    case (.translated(let a), .translated(let b)): a == b
    case (.aborted, .aborted): true
    case (.bypassed, .bypassed): true
    default: false
    }
  }
}

/// A hazard the model reported during the replay, with where in the trace.
package struct ImportedHazard: Sendable, Hashable {
  package let hazard: Hazard
  package let traceLine: Int
  package let phase: String
}

/// One stream's configuration in the final dump.
package struct ImportedStream: Sendable, Hashable {
  package let sid: UInt32
  package let steAddress: UInt64
  package let ste: StreamTableEntry
  /// CD 0 (QEMU 7.2 has SSIDSIZE=0 and reads only CD 0) when dumped.
  package let cd0: ContextDescriptor?
  package let cd0Address: UInt64?
}

/// Cache figures side by side.
package struct ImportCacheFigures: Sendable, Hashable {
  package var qemuConfigHits = 0
  package var qemuConfigMisses = 0
  package var qemuTLBHits = 0
  package var qemuTLBMisses = 0
  /// `smmu_iotlb_inv_all` inside a translation: QEMU's flush of the whole IOTLB when full.
  package var qemuTLBFullFlushes = 0
  /// Per translation: STE and CD 0 both served by the model's configuration cache.
  package var modelConfigHits = 0
  package var modelConfigMisses = 0
  /// The model's raw configuration-cache counters (L1STD, STE and CD lines each count).
  package var modelConfigCache = CacheStats()
  package var modelTLB = CacheStats()
  /// Translations where QEMU and the model disagree about hitting.
  package var tlbHitQEMUOnly = 0
  package var tlbHitModelOnly = 0
  package var configHitQEMUOnly = 0
  package var configHitModelOnly = 0
}

/// Everything reconstructed from a QEMU trace and its memory dumps.
package struct ImportResult: Sendable {
  package let tracePath: String
  package let memoryDirectory: String?
  package let traceLines: Int
  package let eventCounts: [String: Int]
  package let unknownEvents: [String: Int]
  /// IDR0 and IDR1 as the guest read them (nil when not traced).
  package let idr0: UInt64?
  package let idr1: UInt64?
  package let features: SMMUFeatures
  package let streamTableBase: UInt64?
  package let streamTableConfig: UInt64?
  package let commands: [ImportedCommand]
  /// Non-empty slots of the dumped ring and their counts by name (nil without a ring dump).
  package let ringCommandCount: Int?
  package let ringCounts: [String: Int]?
  package let phases: [String]
  /// Streams whose STE is not abort, or that carried translations; the rest are counted.
  package let streams: [ImportedStream]
  package let otherAbortStreams: Int
  /// The CD tables' layout in the dump: "one-per-sid" (S1ContextPtr differs per SID),
  /// "shared" or "none". It does not decide the design (see `design`).
  package let cdLayout: String
  /// The CD-table design, decided from the order of the traced commands.
  package let design: DesignEvidence
  package let translations: [ImportedTranslation]
  package let caches: ImportCacheFigures
  package let hazards: [ImportedHazard]
  /// Descriptors written into the model's page tables from QEMU's walk lines.
  package let seededDescriptors: Int
  /// Leaf descriptors cleared at a TLBI_NH_VA (the unmap the invalidation implies).
  package let inferredUnmaps: Int
  /// `smmuscope_qword_write` pseudo-events applied.
  package let qwordWrites: Int
  /// Commands consumed by the model (the rest had unknown operands).
  package let commandsReplayed: Int
  package let notes: [String]
  /// What the explorer's timeline replays step by step.
  package let replay: ReplayScript

  /// Command counts by QEMU name.
  package var commandCounts: [String: Int] {
    commands.reduce(into: [:]) { $0[$1.name, default: 0] += 1 }
  }

  /// Command counts by phase, phases in time order.
  package var commandsByPhase: [(phase: String, counts: [String: Int])] {
    phases.compactMap { p in
      let c = commands.filter { $0.phase == p }.reduce(into: [String: Int]()) { $0[$1.name, default: 0] += 1 }
      return c.isEmpty ? nil : (p, c)
    }
  }
}
