import SMMUModel

/// The ATC side of one page probe of an ATS endpoint: the translations its ATC may be filled
/// with, and the outcomes the versions it may hold give. The SMMU model fills an endpoint's
/// ATC when the endpoint has ATS enabled and the STE allows translated traffic (EATS);
/// an ATC hit bypasses the configuration and the TLB.
struct ATCFill {
  let sid: UInt32
  let key: ATCKey

  /// Nil when the stream's endpoint cannot use its ATC here.
  init?(_ state: SMMU, _ s: CheckedStream, _ p: Probe, page: UInt64) {
    guard state.enabled, state.atsEnabledStreams.contains(s.sid) else { return nil }
    let ste = p.lines.last { if case .ste = $0.key { true } else { false } }
    guard let ste,
      StreamTableEntry(qwords: ste.line.entry)[StreamTableEntry.eats] == StreamTableEntry.eatsTrans
    else { return nil }
    sid = s.sid
    key = ATCKey(ssid: s.ssid, page: page >> 12)
  }

  /// Notes `o`'s output (if it translates) as a possible fill.
  func note(_ o: StreamOutcome, in seen: inout [(UInt32, ATCKey, UInt64)]) {
    guard case .output(let pa) = o.result else { return }
    seen.append((sid, key, pa & ~0xFFF))
  }

  /// Adds the outcome each version the ATC may hold gives (`o` served by it).
  func add(_ v: CacheVersions, to target: inout TargetOutcomes, _ o: StreamOutcome, _ why: Witness) {
    for out in v.atcVersions(sid: sid, key) {
      var w = why
      w.atc = (sid, key)
      w.parts.append("ATC sid \(hex(UInt64(sid))) \(key) -> \(hex(out))")
      target.add(o.served(atc: out, page: key.page << 12), w)
    }
  }
}
