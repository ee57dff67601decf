import SMMUModel

/// `expect` paths on the hardware's own state: the newest event record, the event queue and
/// memory (listed in docs/scenario-language.md).
extension Session {
  /// `events.last.FIELD`: type, sid, ssid, ssv, addr, class, s2, stall, stag of the newest
  /// record raised ("none" for every field before the first).
  func lastEventValue(_ field: String) -> String? {
    let fields: Set = ["type", "sid", "ssid", "ssv", "addr", "class", "s2", "stall", "stag"]
    guard fields.contains(field) else { return nil }
    guard let e = driver.smmu.events.last else { return "none" }
    switch field {
    case "type": return e.type.name
    case "sid": return String(e.sid)
    case "ssid": return String(e.ssid ?? 0)
    case "ssv": return e.ssid == nil ? "0" : "1"
    case "addr": return e.address.map { hex($0) } ?? "none"
    case "class": return e.eventClass?.name ?? "none"
    case "s2": return e.stage2 ? "1" : "0"
    case "stall": return e.stall ? "1" : "0"
    default: return String(e.stag)
    }
  }

  /// `evtq.count` (records waiting), `evtq.overflow` (EVENTQ_PROD.OVFLG, 0/1: it toggles once
  /// per overflow), `evtq.lost` (records dropped while full), `evtq.size`.
  func eventQueueValue(_ field: String) -> String? {
    let q = driver.smmu.eventQueue
    switch field {
    case "count": return String(q.count)
    case "overflow": return q.overflowFlag ? "1" : "0"
    case "lost": return String(q.lost)
    case "size": return String(q.capacity)
    default: return nil
    }
  }

  /// `mem.ADDR`: the 64-bit value at an 8-byte aligned allocated address, in hex.
  func memoryValue(_ address: String) -> String? {
    guard let a = parseNumber(address), let v = try? driver.smmu.read(a) else { return nil }
    return hex(v)
  }
}
