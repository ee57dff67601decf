import CNcurses
import Explorer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The real terminal, driven through ncurses: opens it, reads keys, and presents `Grid`s.
///
/// Not `Sendable`: create it, read keys and present frames from one thread (the main one).
/// Always `close()` it (also done on deinit); fatal signals restore the terminal on their own.
package final class CursesScreen {
  private var screen: OpaquePointer?
  private let window: UnsafeMutablePointer<WINDOW>
  private let palette: ColorPalette
  private var lastGrid: Grid?
  private var pasteDecoder = PasteDecoder()
  /// True when the last read stopped before ncurses said nothing was left.
  private var unreadInputPossible = false

  /// True when the locale's codeset is UTF-8, so box-drawing and other non-ASCII characters
  /// print correctly. When false, draw with ASCII only.
  package let isUTF8: Bool

  /// True when cells are drawn in colour (false under `NO_COLOR` or on monochrome terminals).
  package let hasColor: Bool

  private init(
    screen: OpaquePointer, window: UnsafeMutablePointer<WINDOW>, palette: ColorPalette, isUTF8: Bool,
    hasColor: Bool
  ) {
    self.screen = screen
    self.window = window
    self.palette = palette
    self.isUTF8 = isUTF8
    self.hasColor = hasColor
  }

  deinit { close() }

  /// Takes over the terminal: checks that stdin and stdout are a TTY and that `TERM` names a
  /// real terminal, then starts ncurses (cbreak, no echo, keypad, 25 ms Esc delay, hidden
  /// cursor, mouse clicks and wheel, bracketed paste) and installs the signal handlers.
  ///
  /// Nothing is written to the terminal when this throws.
  /// - Parameter noColor: draw without colour even if the terminal has it. The `NO_COLOR`
  ///   environment variable (any value) has the same effect.
  /// - Throws: `TerminalError` when the terminal cannot be used.
  package static func open(noColor: Bool = false) throws(TerminalError) -> CursesScreen {
    setlocale(LC_ALL, "")
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATTY }
    guard let termValue = getenv("TERM"), termValue.pointee != 0 else { throw .termNotSet }
    let term = String(cString: termValue)
    guard term != "dumb" else { throw .dumbTerminal }
    saveTerminalModes()
    // Before newterm: ncurses installs its own SIGINT / SIGTERM / SIGTSTP handlers (which
    // exit with status 1) only where it finds the default action.
    installSignalHandlers()
    // newterm (unlike initscr) returns nil for an unknown terminal instead of exiting.
    guard let screen = newterm(term, shim_stdout(), shim_stdin()) else { throw .unknownTerminal(term) }
    set_term(screen)
    guard let window = shim_stdscr() else {
      endwin()
      delscreen(screen)
      throw .cursesFailure("newterm")
    }

    cbreak()
    noecho()
    nonl()
    keypad(window, true)
    set_escdelay(25)
    curs_set(0)
    mousemask(shim_click_and_wheel_mask(), nil)

    let wantsColor = !noColor && getenv("NO_COLOR") == nil
    var palette = ColorPalette.monochrome
    var hasColor = false
    if wantsColor, has_colors(), start_color() != ERR {
      palette = ColorPalette.colored(defaultColors: use_default_colors() != ERR)
      hasColor = true
    }

    let codeset = nl_langinfo(shim_codeset_item()).map { String(cString: $0) } ?? ""
    let normalized = codeset.lowercased().filter { $0 != "-" }
    let isUTF8 = normalized == "utf8"

    werase(window)
    wnoutrefresh(window)
    doupdate()
    shim_bracketed_paste(1)  // after doupdate, so it follows what curses has sent
    prepareTerminalRestore()
    setCursesActive(true)
    return CursesScreen(screen: screen, window: window, palette: palette, isUTF8: isUTF8, hasColor: hasColor)
  }

  /// The terminal size in cells ((0, 0) after `close()`).
  package var size: (width: Int, height: Int) {
    guard screen != nil else { return (0, 0) }
    return (Int(shim_cols()), Int(shim_lines()))
  }

  /// Blocks until input arrives (0 CPU while waiting), then returns every key that is ready,
  /// in order, so the caller can apply them all and draw once. Keys typed or pasted faster than
  /// frames are drawn are never drawn one by one.
  ///
  /// Resizes arrive as `.resize(width:height:)` (the next `present` redraws everything),
  /// mouse button 1 as `.click(x:y:)`, the wheel as `.wheelUp` / `.wheelDown`, a bracketed
  /// paste as one `.paste(text)`. After Ctrl-Z and `fg` the screen is taken back and a
  /// `.resize` is returned. Keys smmuscope does not use are skipped.
  /// - Returns: at least one key, or nil at end of input (stdin closed or unreadable) or after
  ///   `close()`.
  package func nextKeys() -> [Key]? {
    while screen != nil {
      if let key = resumeIfContinued() { return [key] }
      if unreadInputPossible, let keys = readReady(after: nil) { return keys }
      switch waitForInput() {
      case .end: return nil
      case .interrupted:
        // A signal: a resize shows up as a key (ncurses's SIGWINCH handler), SIGCONT above.
        if let keys = readReady(after: nil) { return keys }
      case .ready:
        // Blocking, but input is waiting: returns at once (or waits out an escape sequence).
        switch readKey() {
        case .key(let key): if let keys = readReady(after: key) { return keys }
        case .none: continue
        case .interrupted: unreadInputPossible = true
        case .end: return nil
        }
      }
    }
    return nil
  }

  /// Reads every key that is ready without waiting, after `first`, and decodes pastes.
  /// Returns nil when that leaves no key to act on (nothing ready, or a paste not finished).
  private func readReady(after first: Key?) -> [Key]? {
    var raw = first.map { [$0] } ?? []
    wtimeout(window, 0)
    // Stopped by the cap or a signal, ncurses may hold keys it has read ahead (which `poll`
    // cannot see) or a resize: the next call reads again before it waits.
    unreadInputPossible = true
    reading: while raw.count < Self.maximumBatch {
      switch readKey() {
      case .key(let key): raw.append(key)
      case .none: continue
      case .interrupted: break reading
      case .end:
        unreadInputPossible = false
        break reading
      }
    }
    wtimeout(window, -1)
    let keys = pasteDecoder.decode(raw)
    return keys.isEmpty ? nil : keys
  }

  /// Why `waitForInput` returned.
  private enum WaitResult { case ready, interrupted, end }

  /// Sleeps until standard input is readable (0 CPU) or a signal arrives. `poll` returns on
  /// every signal (it is never restarted), unlike a read, so Ctrl-Z + `fg` and resizes are
  /// seen at once.
  private func waitForInput() -> WaitResult {
    var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    let status = poll(&descriptor, 1, -1)
    if status < 0 { return errno == EINTR ? .interrupted : .end }
    if descriptor.revents & Int16(POLLIN) != 0 { return .ready }
    return .end  // hang-up or error without data
  }

  /// The most keys `nextKeys` returns at once, so a flood of input still draws now and then.
  private static let maximumBatch = 16_384

  /// What one read returned.
  private enum ReadResult {
    case key(Key)
    /// Something that is not a key smmuscope uses.
    case none
    /// A signal interrupted the wait.
    case interrupted
    /// End of input, or (after `wtimeout(window, 0)`) nothing ready.
    case end
  }

  private func readKey() -> ReadResult {
    var code: wint_t = 0
    errno = 0
    let status = wget_wch(window, &code)
    if status == ERR { return errno == EINTR ? .interrupted : .end }
    if status == shim_key_code_yes() {
      let keyCode = Int32(bitPattern: UInt32(code))
      if keyCode == shim_key_resize() {
        lastGrid = nil
        let (width, height) = size
        return .key(.resize(width: width, height: height))
      }
      if keyCode == shim_key_mouse() {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return .none }
        return KeyDecoder.mouse(buttonState: event.bstate, x: event.x, y: event.y).map { .key($0) } ?? .none
      }
      return KeyDecoder.functionKey(keyCode).map { .key($0) } ?? .none
    }
    return KeyDecoder.character(UInt32(code)).map { .key($0) } ?? .none
  }

  /// After SIGCONT: takes the terminal back if Ctrl-Z gave it away (curses mode, keypad,
  /// mouse, bracketed paste) and forces a full repaint. Returns the resize key that makes the
  /// caller redraw at the current size, or nil when the process was not continued.
  private func resumeIfContinued() -> Key? {
    let (resumed, wasSuspended) = takeResume()
    guard resumed else { return nil }
    if wasSuspended {
      // The stop handler gave the terminal back without telling curses: endwin makes curses
      // agree, and the refresh after it takes the terminal again (modes, alternate screen).
      endwin()
      wrefresh(window)
      keypad(window, true)
      mousemask(shim_click_and_wheel_mask(), nil)
      shim_bracketed_paste(1)
      setCursesActive(true)
    }
    invalidate()
    let (width, height) = size
    return .resize(width: width, height: height)
  }

  /// Shows a frame. Only the cells that differ from the previous frame are written (all of
  /// them after a resize or when the grid size changes); ncurses then sends the changes.
  /// Cells outside the terminal are clipped. Each `Cell` must be one column wide.
  package func present(_ grid: Grid) {
    guard screen != nil else { return }
    let (width, height) = size
    let previous = lastGrid.flatMap { $0.width == grid.width && $0.height == grid.height ? $0 : nil }
    if previous == nil { werase(window) }
    let columns = min(width, grid.width)
    let rows = min(height, grid.height)
    for y in 0..<rows {
      for x in 0..<columns {
        let cell = grid[x, y]
        if let previous, previous[x, y] == cell { continue }
        draw(cell, x: x, y: y)
      }
    }
    lastGrid = grid
    wnoutrefresh(window)
    doupdate()
  }

  /// Forgets the last frame, so the next `present` repaints the whole screen (e.g. after
  /// something else wrote to the terminal).
  package func invalidate() {
    lastGrid = nil
    clearok(window, true)
  }

  /// Gives the terminal back (`endwin`, bracketed paste off). Idempotent; later calls to
  /// other methods do nothing.
  package func close() {
    guard let screen else { return }
    setCursesActive(false)
    endwin()
    shim_bracketed_paste(0)
    delscreen(screen)
    self.screen = nil
  }

  private func draw(_ cell: Cell, x: Int, y: Int) {
    let entry = palette.entry(for: cell.style)
    // A spacing character plus any combining marks, NUL-terminated.
    var chars: [wchar_t] = cell.character.unicodeScalars.prefix(Int(CCHARW_MAX) - 1).map {
      wchar_t(bitPattern: $0.value)
    }
    if chars.isEmpty || chars[0] < 32 || chars[0] == 127 { chars = [wchar_t(32)] }
    chars.append(0)
    var cchar = cchar_t()
    setcchar(&cchar, chars, entry.attributes, entry.pair, nil)
    mvwadd_wch(window, Int32(y), Int32(x), &cchar)
  }
}
