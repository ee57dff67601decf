/// A key press or input event, independent of ncurses.
package enum Key: Sendable, Hashable {
  case char(Character)
  case up, down, left, right, pageUp, pageDown, home, end
  case enter, tab, backTab, escape, backspace
  case resize(width: Int, height: Int)
  /// A mouse click at a cell (column, row).
  case click(x: Int, y: Int)
  case wheelUp, wheelDown
  /// Ctrl-C / Ctrl-L and similar.
  case control(Character)
  /// Text the terminal delivered as one bracketed paste (`ESC[200~` … `ESC[201~`), with line
  /// breaks as "\n". Inserted into the `:` line or the `/` filter; ignored elsewhere.
  case paste(String)
}
