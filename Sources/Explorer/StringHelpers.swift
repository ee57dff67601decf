extension String {
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s.removeFirst() }
    while s.last?.isWhitespace == true { s.removeLast() }
    return String(s)
  }

  func localizedContains(_ needle: String) -> Bool {
    lowercased().contains(needle.lowercased())
  }
}
