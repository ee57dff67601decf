import Foundation
import SMMUModel
import Scenario

/// A command reconstructed from a QEMU trace: its opcode from the trace's
/// `smmuv3_cmdq_opcode` line, its operands from the dumped command ring when the ring slot
/// (the trace's `cons` index) holds it, else from the trace's operand lines.
public struct ImportedCommand: Sendable, Hashable {
  /// Where the operands came from.
  public enum Source: String, Sendable, Hashable { case ring, trace }
  public let traceLine: Int
  public let time: Double?
  /// QEMU's name without `SMMU_CMD_`, e.g. "CFGI_STE", "TLBI_NH_VA", "SYNC".
  public let name: String
  /// The decoded command (nil when the operands are unknown, e.g. PREFETCH_CONFIG from the
  /// trace alone, or an opcode the model does not implement).
  public let command: Command?
  public let ringSlot: Int?
  public let source: Source
  public let phase: String
}

/// One translation QEMU reported, and what the model made of it.
public struct ImportedTranslation: Sendable, Hashable {
  public enum QEMUOutcome: Sendable, Hashable {
    case translated(UInt64)
    case aborted
    case bypassed
  }
  public let traceLine: Int
  public let time: Double?
  public let sid: UInt32
  public let iova: UInt64
  public let write: Bool
  public let qemu: QEMUOutcome
  /// QEMU's configuration-cache and IOTLB outcome for it (nil when not traced).
  public let qemuConfigHit: Bool?
  public let qemuTLBHit: Bool?
  public let model: TranslationResult.Outcome
  /// "TLB", "walk", "bypass", "-".
  public let modelServedBy: String
  /// STE and CD 0 both came from the model's configuration cache (QEMU's notion of a hit).
  public let modelConfigHit: Bool
  public let phase: String

  /// The model produced QEMU's result.
  public var matches: Bool {
    switch (qemu, model) {
    case (.translated(let a), .translated(let b)): a == b
    case (.aborted, .aborted): true
    case (.bypassed, .bypassed): true
    default: false
    }
  }
}

/// A hazard the model reported during the replay, with where in the trace.
public struct ImportedHazard: Sendable, Hashable {
  public let hazard: Hazard
  public let traceLine: Int
  public let phase: String
}

/// One stream's configuration in the final dump.
public struct ImportedStream: Sendable, Hashable {
  public let sid: UInt32
  public let steAddress: UInt64
  public let ste: StreamTableEntry
  /// CD 0 (QEMU 7.2 has SSIDSIZE=0 and reads only CD 0) when dumped.
  public let cd0: ContextDescriptor?
  public let cd0Address: UInt64?
}

/// Cache figures side by side.
public struct ImportCacheFigures: Sendable, Hashable {
  public var qemuConfigHits = 0
  public var qemuConfigMisses = 0
  public var qemuTLBHits = 0
  public var qemuTLBMisses = 0
  /// `smmu_iotlb_inv_all` inside a translation: QEMU's flush of the whole IOTLB when full.
  public var qemuTLBFullFlushes = 0
  /// Per translation: STE and CD 0 both served by the model's configuration cache.
  public var modelConfigHits = 0
  public var modelConfigMisses = 0
  /// The model's raw configuration-cache counters (L1STD, STE and CD lines each count).
  public var modelConfigCache = CacheStats()
  public var modelTLB = CacheStats()
  /// Translations where QEMU and the model disagree about hitting.
  public var tlbHitQEMUOnly = 0
  public var tlbHitModelOnly = 0
  public var configHitQEMUOnly = 0
  public var configHitModelOnly = 0
}

/// Everything reconstructed from a QEMU trace and its memory dumps.
public struct ImportResult: Sendable {
  public let tracePath: String
  public let memoryDirectory: String?
  public let traceLines: Int
  public let eventCounts: [String: Int]
  public let unknownEvents: [String: Int]
  /// IDR0 and IDR1 as the guest read them (nil when not traced).
  public let idr0: UInt64?
  public let idr1: UInt64?
  public let features: SMMUFeatures
  public let streamTableBase: UInt64?
  public let streamTableConfig: UInt64?
  public let commands: [ImportedCommand]
  /// Non-empty slots of the dumped ring and their counts by name (nil without a ring dump).
  public let ringCommandCount: Int?
  public let ringCounts: [String: Int]?
  public let phases: [String]
  /// Streams whose STE is not abort, or that carried translations; the rest are counted.
  public let streams: [ImportedStream]
  public let otherAbortStreams: Int
  /// "per-master", "shared" or "none".
  public let cdDesign: String
  public let translations: [ImportedTranslation]
  public let caches: ImportCacheFigures
  public let hazards: [ImportedHazard]
  /// Descriptors written into the model's page tables from QEMU's walk lines.
  public let seededDescriptors: Int
  /// Leaf descriptors cleared at a TLBI_NH_VA (the unmap the invalidation implies).
  public let inferredUnmaps: Int
  /// `smmuscope_qword_write` pseudo-events applied.
  public let qwordWrites: Int
  /// Commands consumed by the model (the rest had unknown operands).
  public let commandsReplayed: Int
  public let notes: [String]
  /// What the explorer's timeline replays step by step.
  public let replay: ReplayScript

  /// Command counts by QEMU name.
  public var commandCounts: [String: Int] {
    commands.reduce(into: [:]) { $0[$1.name, default: 0] += 1 }
  }

  /// Command counts by phase, phases in time order.
  public var commandsByPhase: [(phase: String, counts: [String: Int])] {
    phases.compactMap { p in
      let c = commands.filter { $0.phase == p }.reduce(into: [String: Int]()) { $0[$1.name, default: 0] += 1 }
      return c.isEmpty ? nil : (p, c)
    }
  }
}
