/// Generated scenarios for benchmarks and load checks.
package enum BenchmarkScenarios {
  /// `count` commands cycling through attach/map/DMA/unmap/PASID work on a few masters and
  /// domains; valid under both designs (errors, where a design refuses, are part of it).
  package static func operations(count: Int) -> String {
    var lines = [
      "smmu ssid-bits 20",
      "master nvme0 sid 0x8 ssid-bits 8",
      "master nvme1 sid 0x9 ssid-bits 8",
      "master nic0 sid 0x10 ssid-bits 8 ats",
      "master gpu sid 0x20 ssid-bits 8",
      "domain d0 paging",
      "domain d1 paging",
      "domain ctx paging",
      "domain id identity",
    ]
    lines.append("map ctx 0x2000")
    let masters = ["nvme0", "nvme1", "nic0", "gpu"]
    var round = 0
    while lines.count < count {
      let m = masters[round % masters.count]
      let d = (round / masters.count) % 2 == 0 ? "d0" : "d1"
      let iova = hexString(0x10_0000 + (round % 64) * 0x1000)
      let pasid = 1 + round % 200
      lines += [
        "attach \(d) \(m)", "map \(d) \(iova)", "dma \(m) \(iova)", "dma \(m) \(iova) write",
        "unmap \(d) \(iova)",
        "attach ctx \(m) pasid \(pasid)", "dma \(m) pasid \(pasid) 0x2000", "detach \(m) pasid \(pasid)",
      ]
      if round % 4 == 3 { lines.append("attach id \(m)") }
      round += 1
    }
    return lines.prefix(count).joined(separator: "\n") + "\n"
  }

  /// A large scene: `streams` SIDs in use (one per master, SIDs 0..streams-1, abort STEs but
  /// for the first `attached`, which share one paging domain), and one master whose CD table
  /// spans 2^20 SSIDs with CDs at SSID 0 and at the far end of the range.
  package static func largeScene(streams: Int, attached: Int) -> String {
    var lines = [
      "smmu sid-bits 17 ssid-bits 20", "domain shared paging", "domain ctx paging", "map shared 0x1000",
      "map ctx 0x2000",
    ]
    for s in 0..<streams { lines.append("master m\(s) sid \(hexString(s))") }
    lines.append("master gpu sid \(hexString(streams)) ssid-bits 20")
    for s in 0..<min(attached, streams) { lines.append("attach shared m\(s)") }
    lines.append("attach shared gpu")
    lines.append("per-master: attach ctx gpu pasid 1048575")
    return lines.joined(separator: "\n") + "\n"
  }

  static func hexString(_ v: Int) -> String { "0x" + String(v, radix: 16) }
}
