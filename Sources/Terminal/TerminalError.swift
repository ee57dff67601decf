/// Why the terminal could not be opened. `CursesScreen.open` throws these before it writes a
/// single byte to the terminal, so the caller can print the message to stderr and exit cleanly.
package enum TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Standard input or standard output is not a terminal (piped, redirected or /dev/null).
  case notATTY
  /// `TERM` is unset or empty.
  case termNotSet
  /// `TERM` is `dumb`, which cannot position the cursor.
  case dumbTerminal
  /// The terminfo database has no entry for this `TERM` value.
  case unknownTerminal(String)
  /// ncurses accepted the terminal but a required call failed (the name of the call).
  case cursesFailure(String)

  /// A one-line message for the user, suitable for stderr.
  package var description: String {
    switch self {
    case .notATTY:
      return "smmuscope needs an interactive terminal: standard input and output must be a TTY"
    case .termNotSet:
      return "the TERM environment variable is not set; set it to your terminal type (e.g. xterm-256color)"
    case .dumbTerminal:
      return "TERM=dumb cannot move the cursor; run smmuscope in a full terminal (e.g. TERM=xterm-256color)"
    case .unknownTerminal(let name):
      return "unknown terminal type '\(name)': no terminfo entry (try TERM=xterm-256color)"
    case .cursesFailure(let call):
      return "terminal initialisation failed in \(call)"
    }
  }
}
