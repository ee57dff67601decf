import SMMUDriver
import SMMUModel

/// A stream that can issue traffic: one SID of a master, with or without a substream.
package struct CheckedStream: Sendable, Hashable, CustomStringConvertible {
  package let master: String
  package let sid: UInt32
  /// nil: untagged traffic (SSV=0).
  package let ssid: UInt32?

  package var description: String {
    "\(master) sid \(hex(UInt64(sid)))" + (ssid.map { " ssid \($0)" } ?? "")
  }

  /// The transaction this stream issues at `address` (a read).
  func transaction(_ address: UInt64) -> Transaction { Transaction(sid: sid, ssid: ssid, address: address) }

  /// Every stream of the masters of `drivers` (the state before and after an operation):
  /// each SID untagged; with substreams, each SSID any master's core view binds, any SSID in
  /// `extraSSIDs` (raw CD stores name them), and one SSID this master never bound.
  static func all(in drivers: [Driver], extraSSIDs: Set<UInt32>) -> [CheckedStream] {
    var bound = extraSSIDs
    var order: [String] = []
    var masters: [String: Master] = [:]
    for d in drivers {
      for name in d.masterOrder {
        guard let m = d.masters[name] else { continue }
        if masters[name] == nil { order.append(name) }
        masters[name] = m
        bound.formUnion(m.pasidDomains.keys)
      }
    }
    var out: [CheckedStream] = []
    for name in order {
      let m = masters[name]!
      var ssids: [UInt32] = []
      if m.ssidBits > 0 {
        let limit = UInt64(1) << UInt64(m.ssidBits)
        ssids = bound.filter { UInt64($0) < limit }.sorted()
        let own = Set(drivers.flatMap { $0.masters[name]?.pasidDomains.keys.map { $0 } ?? [] })
        if let never = (1..<UInt32(min(limit, 1 << 20))).first(where: {
          !own.contains($0) && !ssids.contains($0)
        }) {
          ssids.append(never)
        }
      }
      for sid in m.uniqueSIDs {
        out.append(CheckedStream(master: name, sid: sid, ssid: nil))
        for s in ssids { out.append(CheckedStream(master: name, sid: sid, ssid: s)) }
      }
    }
    return out
  }
}
