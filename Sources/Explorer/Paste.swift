extension ExplorerState {
  /// Applies a bracketed paste (`Key.paste`).
  ///
  /// - In the `:` line the text is inserted at the end, and each line break acts like Enter:
  ///   every complete line runs in turn, as if typed, and the text after the last break stays
  ///   in the `:` line to edit (a paste that ends with a line break runs its last line too and
  ///   closes the `:` line). The first line that fails (an error or a failed `expect`) stops
  ///   the paste: the `:` line closes so its error shows in the status line, which also says
  ///   how many lines were not run.
  /// - In the `/` filter and the file-name prompt only the first line is inserted.
  /// - Anywhere else the paste is ignored (its characters never act as keys) and the status
  ///   line says so.
  ///
  /// Tabs become spaces; other control characters are dropped.
  mutating func paste(_ text: String) -> [Effect] {
    let cleaned = String(
      text.lazy.map { $0 == "\t" ? " " : $0 }.filter { c in
        c == "\n" || !(c.asciiValue.map { $0 < 32 || $0 == 127 } ?? false)
      })
    let lines = cleaned.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    switch overlay {
    case .commandLine(let typed):
      pasteCommandLines(typed: typed, lines: lines)
    case .filter(let typed):
      overlay = .filter(typed + lines[0])
      logFilter = typed + lines[0]
    case .writeFile(let typed):
      overlay = .writeFile(typed + lines[0])
    default:
      status = "paste ignored: pasted text goes into the : command line or the / filter"
      statusIsError = true
    }
    return []
  }

  /// Runs the complete lines of a paste at the `:` line (the first one after what was typed)
  /// and leaves the rest in the `:` line.
  private mutating func pasteCommandLines(typed: String, lines: [String]) {
    var complete = lines
    complete[0] = typed + complete[0]
    let rest = complete.removeLast()
    overlay = nil
    var ran = 0
    let isBlank = { (line: String) in line.allSatisfy(\.isWhitespace) }
    for (i, line) in complete.enumerated() where !isBlank(line) {
      status = nil
      statusIsError = false
      run(line: line)
      ran += 1
      if statusIsError {
        let notRun = complete[(i + 1)...].filter { !isBlank($0) }.count + (isBlank(rest) ? 0 : 1)
        if notRun > 0 {
          status = (status ?? "") + "  (paste stopped: \(notRun) more line\(notRun == 1 ? "" : "s") not run)"
        }
        return
      }
    }
    if ran > 1, let last = status { status = "ran \(ran) pasted lines; last: \(last)" }
    if !rest.isEmpty || complete.isEmpty { overlay = .commandLine(rest) }
  }
}
