import Foundation
import Scenario
import TraceImport

/// The inputs every campaign starts from: the built-in walkthroughs and a generated workload
/// for scenarios; for traces and dumps, the importer's fixtures (a directory of QEMU runs:
/// each `trace.log[.gz]` is cut into windows of consecutive lines, each `mem/README.txt` is a
/// dump seed).
package enum FuzzSeeds {
  /// Lines per trace window: small enough for a fast replay, long enough to hold a walk.
  static let traceWindow = 60

  package static func scenarios() -> [[UInt8]] {
    Walkthrough.all.map { Array($0.source.utf8) }
      + [Array(BenchmarkScenarios.operations(count: 120).utf8), Array(hardware.utf8)]
  }

  /// A scenario that reaches the hardware directly: every SMMU setting, SMMUEN, raw stores to
  /// each structure and to memory, commands with all their operands, stalls, queue errors and
  /// their acknowledgement, a `begin`/`end` operation, and the paths that read them.
  static let hardware = """
    smmu sid-bits 8 ssid-bits 4 evtq 4 stall on hyp on oas 44 cache-invalid no recinvsid off gbpa bypass
    master m sid 0x10 ssid-bits 4 stall ats
    master far sid 0x200
    domain d paging
    domain s s2
    map d 0x200000 size 0x200000
    attach d m
    attach s m pasid 1
    flush d
    dma m 0x200000 write
    dma m 0xdead000
    expect dma == stalled
    cmd RESUME sid 0x10 stag 0 retry
    cmd STALL_TERM sid 0x10
    dma far 0x1000
    dma m pasid 9 0x1000
    write l1std 0x10 0x1
    write l1cd m 0 0x3
    write mem 0x40000000 0xffffffffffffffff
    write ste 0x10 1 0xd6
    write cd m 0 3 0xfffffffff404ff44
    cmd TLBI_NH_VA asid 1 addr 0x200000 leaf 0 num 3 scale 2 tg 1 ttl 2
    cmd TLBI_S2_IPA vmid 1 addr 0x0 tg 2 num 1
    cmd TLBI_EL2_VA asid 1 addr 0x1000
    cmd SYNC cs irq msiaddr 0x40000000 msidata 0x5
    cmd RAW q0 0xff q1 0x0
    expect cmdq.error == ILL
    expect cmdq.held >= 0
    ack cmdq
    smmuen 0
    dma m 0x1000
    smmuen 1
    ack evtq
    expect events.last.class == none
    expect evtq.overflow == 0
    expect mem.0x40000000 != 0
    expect ste.0x10.q1 == 0xd6
    begin "store CD 0 q3"
    write cd m 0 3 0xfffffffff404ff44
    cmd CFGI_CD sid 0x10 ssid 0
    expect pending-invalidations == 1
    cmd SYNC
    end
    expect last.commands == 2
    expect last.pending-invalidations == 0
    unmap d 0x200000 size 0x1000
    """

  /// Trace windows from every trace under `root`.
  package static func traces(under root: String) -> [[UInt8]] {
    files(named: ["trace.log", "trace.log.gz"], under: root).flatMap { path -> [[UInt8]] in
      guard let data = try? QEMUTrace.readData(path) else { return [] }
      let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
      return stride(from: 0, to: lines.count, by: max(traceWindow, lines.count / 40)).map { start in
        Array(lines[start..<min(lines.count, start + traceWindow)].joined(separator: "\n").utf8)
      }
    }
  }

  /// Every dump README under `root`.
  package static func dumpReadmes(under root: String) -> [[UInt8]] {
    files(named: ["README.txt"], under: root).compactMap { path in
      FileManager.default.contents(atPath: path).map { Array($0.prefix(8192)) }
    }
  }

  static func files(named names: Set<String>, under root: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
    var out: [String] = []
    while let relative = e.nextObject() as? String {
      if names.contains((relative as NSString).lastPathComponent) { out.append(root + "/" + relative) }
    }
    return out.sorted()
  }
}
