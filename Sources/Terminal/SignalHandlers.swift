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

/// Saves the terminal modes of standard input, for the signal handlers to restore. Call before
/// curses changes them.
func saveTerminalModes() { shim_save_terminal_modes() }

/// Prepares the bytes a signal handler writes to give the terminal back (from the terminfo
/// entry of the terminal curses opened). Call after `newterm`.
func prepareTerminalRestore() { shim_prepare_restore_bytes() }

/// What happened since the last call: whether the process was continued (SIGCONT) and whether
/// the terminal had been given back when it stopped (Ctrl-Z), so curses must take it again.
/// Clears the record.
func takeResume() -> (resumed: Bool, wasSuspended: Bool) {
  guard shim_resumed_flag().pointee != 0 else { return (false, false) }
  shim_resumed_flag().pointee = 0
  let suspended = shim_curses_suspended_flag().pointee != 0
  shim_curses_suspended_flag().pointee = 0
  return (true, suspended)
}

/// Signals whose default action ends the process without a core dump. The terminal is
/// restored, then the signal is re-raised with its default action: the process dies of it, so
/// the parent (a shell, a script) sees exactly what it would have seen (status 128 + N).
private var terminatingSignals: [Int32] {
  var signals = [SIGHUP, SIGINT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2, SIGPROF, SIGVTALRM]
  #if os(Linux)
    signals += [SIGPOLL, SIGSTKFLT, SIGPWR]
    signals += Array(shim_sigrtmin()...shim_sigrtmax())
  #endif
  return signals
}

/// Signals sent by a person or the system whose default action dumps core: Ctrl-\ (SIGQUIT)
/// and the CPU and file-size limits. The terminal is restored and the process exits with
/// status 128 + N: no core dump and no crash report (the Swift runtime would otherwise treat
/// SIGQUIT as a crash and wait 30 s for a key with the terminal still raw).
private let quittingSignals = [SIGQUIT, SIGXCPU, SIGXFSZ]

/// Faults and crash signals (SIGILL / SIGTRAP are how Swift runtime traps such as `fatalError`
/// arrive on x86_64 / arm64). The terminal is restored, then the handler that was there before
/// (the Swift runtime's backtracer, or the default action) gets the signal, so a crash still
/// reports, now on a readable screen.
private let crashSignals = [SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL, SIGTRAP, SIGSYS]

/// Installs handlers that give the terminal back before the process dies or stops.
///
/// Giving the terminal back inside a handler is async-signal-safe: the saved terminal modes are
/// set again with `tcsetattr` and prepared reset bytes (attributes, cursor, keypad, mouse,
/// bracketed paste, alternate screen) are written with `write`; `endwin` is never called there.
///
/// - Every signal whose default action terminates the process: restore, then die of the signal
///   (`terminatingSignals`), exit with 128 + N (`quittingSignals`), or hand the signal to the
///   previous handler (`crashSignals`). Signals the parent set to be ignored stay ignored.
/// - SIGTSTP (Ctrl-Z): restore, then stop; SIGCONT records that the screen must be taken back,
///   which `CursesScreen` does outside the handler (its blocking read returns EINTR).
///
/// SIGWINCH is left to ncurses, which reports it as a resize key. Only the first call installs
/// anything; `CursesScreen.open` calls it before starting ncurses, so ncurses keeps its own
/// handlers out. The handlers leave the terminal alone while no screen is open.
package func installSignalHandlers() {
  guard shim_handlers_installed_flag().pointee == 0 else { return }
  shim_handlers_installed_flag().pointee = 1
  for sig in terminatingSignals { _ = shim_install_handler(sig, terminatingSignalHandler, 1, 1) }
  // The Swift runtime has its crash handler on SIGQUIT: replace it.
  for sig in quittingSignals { _ = shim_install_handler(sig, quittingSignalHandler, 1, 0) }
  for sig in crashSignals {
    shim_save_action(sig)
    _ = shim_install_handler(sig, crashSignalHandler, 1, 0)
  }
  // No SA_RESTART: the blocking read returns, so the screen is taken back at once.
  _ = shim_install_handler(SIGTSTP, stopSignalHandler, 0, 0)
  _ = shim_install_handler(SIGCONT, continueSignalHandler, 0, 0)
}

/// Gives the terminal back if curses has it. Async-signal-safe.
private func restoreTerminalInHandler() {
  if shim_curses_active_flag().pointee != 0 {
    shim_curses_active_flag().pointee = 0
    shim_restore_terminal()
  }
}

private let terminatingSignalHandler: @convention(c) (Int32) -> Void = { sig in
  restoreTerminalInHandler()
  shim_default_action(sig)
  raise(sig)  // blocked while this handler runs; delivered with the default action on return
}

private let quittingSignalHandler: @convention(c) (Int32) -> Void = { sig in
  restoreTerminalInHandler()
  _exit(128 + sig)
}

private let crashSignalHandler: @convention(c) (Int32) -> Void = { sig in
  restoreTerminalInHandler()
  shim_restore_action(sig)
  raise(sig)  // delivered to the previous handler, at the faulting instruction, on return
}

private let stopSignalHandler: @convention(c) (Int32) -> Void = { _ in
  if shim_curses_active_flag().pointee != 0 {
    shim_curses_active_flag().pointee = 0
    shim_curses_suspended_flag().pointee = 1
    shim_restore_terminal()
  }
  raise(SIGSTOP)  // stops here; SIGCONT resumes after this line
}

private let continueSignalHandler: @convention(c) (Int32) -> Void = { _ in
  shim_resumed_flag().pointee = 1
}
