import SMMUDriver
import Scenario

extension ExplorerState {
  /// Completes the last word of a command line from the verbs (`Verb.all`) and the names in
  /// the model; a completed verb shows its usage in the status line.
  mutating func complete(_ text: String) -> String {
    let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard let last = words.last else { return text }
    let d = session.driver
    var candidates: [String]
    if words.count == 1 {
      candidates = Verb.names
    } else if words[0] == "inject" {
      candidates = ["none"] + DriverMutation.names
    } else if words[0] == "smmu" {
      // The settings, from the settings table, and the words they take.
      candidates = SMMUSetting.all.map(\.name)
      for s in SMMUSetting.all {
        if case .words(let w) = s.values { candidates += w.filter { !candidates.contains($0) } }
      }
    } else {
      candidates =
        d.masterOrder + d.domainOrder + Array(d.addressSpaces.keys.sorted()) + [
          "pasid", "size", "read", "write", "ats", "ats-always-on", "rmr", "stall", "ssid-bits", "sid",
          "paging", "s2", "sva",
          "identity", "blocked", "mm",
        ]
    }
    let matches = candidates.filter { $0.hasPrefix(last) }
    guard !matches.isEmpty else { return text }
    var prefix = matches[0]
    for m in matches.dropFirst() {
      while !m.hasPrefix(prefix) { prefix.removeLast() }
    }
    let completed = words.dropLast().joined(separator: " ") + (words.count > 1 ? " " : "") + prefix
    if matches.count == 1 {
      // A whole verb: its syntax and what it does, from the verb table.
      if words.count == 1, let v = Verb.named[prefix] {
        status = "\(v.usage): \(v.help)"
        statusIsError = false
      }
      return completed + " "
    }
    status = "completions: " + matches.prefix(8).joined(separator: " ")
    statusIsError = false
    return completed
  }

}
