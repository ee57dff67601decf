import CNcurses

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The only file that touches the signal flags in the C shim (see shim.h for why).

/// Records that curses owns the terminal, so a signal handler knows to restore it.
func setCursesActive(_ active: Bool) {
  shim_curses_active_flag().pointee = active ? 1 : 0
  if !active { shim_curses_suspended_flag().pointee = 0 }
}

/// Installs handlers that give the terminal back before the process dies or stops.
///
/// - SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGABRT: `endwin()`, then the signal is re-raised with
///   its default action (so the exit status and core dumps are what they would have been).
/// - SIGTSTP (Ctrl-Z): `endwin()`, then the process stops; SIGCONT restores the screen.
///
/// SIGWINCH is left to ncurses, which reports it as a resize key. Safe to call more than once;
/// `CursesScreen.open` calls it. The handlers do nothing to the terminal while no screen is open.
public func installSignalHandlers() {
  for sig in [SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGABRT] {
    signal(sig, fatalSignalHandler)
  }
  signal(SIGTSTP, stopSignalHandler)
  signal(SIGCONT, continueSignalHandler)
}

private let fatalSignalHandler: @convention(c) (Int32) -> Void = { sig in
  if shim_curses_active_flag().pointee != 0 {
    shim_curses_active_flag().pointee = 0
    endwin()
  }
  signal(sig, SIG_DFL)
  raise(sig)  // delivered with the default action as soon as this handler returns
}

private let stopSignalHandler: @convention(c) (Int32) -> Void = { sig in
  if shim_curses_active_flag().pointee != 0 {
    shim_curses_suspended_flag().pointee = 1
    endwin()
  }
  signal(sig, SIG_DFL)
  raise(sig)  // stops the process once this handler returns; SIGCONT re-installs the handler
}

private let continueSignalHandler: @convention(c) (Int32) -> Void = { _ in
  signal(SIGTSTP, stopSignalHandler)
  if shim_curses_suspended_flag().pointee != 0 {
    shim_curses_suspended_flag().pointee = 0
    if shim_curses_active_flag().pointee != 0 {
      wrefresh(shim_stdscr())  // after endwin, a refresh resumes curses mode and repaints
      // The read in progress began before the stop, so ncurses has not re-sent "keypad
      // transmit" (endwin turned it off): without this, arrows arrive as raw escape sequences.
      keypad(shim_stdscr(), true)
    }
  }
}
