import CNcurses

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The only file that touches the signal state in the C shim (see shim.h for why).

/// Records that curses owns the terminal, so a signal handler knows to restore it.
func setCursesActive(_ active: Bool) {
  shim_curses_active_flag().pointee = active ? 1 : 0
  if !active { shim_curses_suspended_flag().pointee = 0 }
}

/// Signals that end the process; the terminal is restored, then the default action runs.
private let terminatingSignals = [SIGINT, SIGTERM, SIGHUP]

/// Faults and crash signals (SIGILL / SIGTRAP are how Swift runtime traps such as `fatalError`
/// arrive on x86_64 / arm64). The terminal is restored, then the handler that was there before
/// (the Swift runtime's backtracer, or the default action) gets the signal.
private let crashSignals = [SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL, SIGTRAP]

/// Installs handlers that give the terminal back before the process dies or stops.
///
/// - SIGINT, SIGTERM, SIGHUP: `endwin()`, then the signal is re-raised with its default
///   action, so the exit status is what it would have been.
/// - SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL, SIGTRAP: `endwin()`, then the signal
///   is re-raised with the handler that was installed before (so the Swift runtime still
///   prints its crash backtrace, now on a readable screen) or the default action.
/// - SIGTSTP (Ctrl-Z): `endwin()`, then the process stops; SIGCONT restores the screen.
///
/// SIGWINCH is left to ncurses, which reports it as a resize key. Only the first call installs
/// anything; `CursesScreen.open` calls it. The handlers leave the terminal alone while no
/// screen is open.
public func installSignalHandlers() {
  guard shim_handlers_installed_flag().pointee == 0 else { return }
  shim_handlers_installed_flag().pointee = 1
  for sig in terminatingSignals { signal(sig, terminatingSignalHandler) }
  for sig in crashSignals {
    shim_save_action(sig)
    signal(sig, crashSignalHandler)
  }
  signal(SIGTSTP, stopSignalHandler)
  signal(SIGCONT, continueSignalHandler)
}

private func restoreTerminalInHandler() {
  if shim_curses_active_flag().pointee != 0 {
    shim_curses_active_flag().pointee = 0
    endwin()
  }
}

private let terminatingSignalHandler: @convention(c) (Int32) -> Void = { sig in
  restoreTerminalInHandler()
  signal(sig, SIG_DFL)
  raise(sig)  // delivered with the default action as soon as this handler returns
}

private let crashSignalHandler: @convention(c) (Int32) -> Void = { sig in
  restoreTerminalInHandler()
  shim_restore_action(sig)
  raise(sig)  // delivered to the previous handler, at the faulting instruction, on return
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
