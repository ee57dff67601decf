import SMMUDriver
import Scenario

extension ExplorerState {
  /// Completes the last word of a command line from the verbs and the names in the model.
  mutating func complete(_ text: String) -> String {
    let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard let last = words.last else { return text }
    let d = session.driver
    var candidates: [String]
    if words.count == 1 {
      candidates = [
        "attach", "detach", "master", "domain", "map", "unmap", "dma", "explain", "asid", "free", "release",
        "expect",
        "say", "cmd", "write", "transition",
      ]
    } else {
      candidates =
        d.masterOrder + d.domainOrder + Array(d.addressSpaces.keys.sorted()) + [
          "pasid", "size", "read", "write", "ats", "stall", "ssid-bits", "sid", "paging", "s2", "sva",
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
    if matches.count == 1 { return completed + " " }
    status = "completions: " + matches.prefix(8).joined(separator: " ")
    statusIsError = false
    return completed
  }

}
