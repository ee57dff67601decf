import CNcurses
import Explorer

/// Translates what `wget_wch` returned into a `Key`. Pure, apart from reading ncurses constants.
/// Bracketed-paste markers come through as Esc plus characters; `PasteDecoder` (Explorer)
/// turns them and the text between them into one `.paste` key.
enum KeyDecoder {
  /// A character code (`wget_wch` returned `OK`): control characters become named keys or
  /// `.control` (Ctrl-A…Ctrl-Z as `.control("a")`…`.control("z")`), the rest `.char`.
  /// Returns nil for codes that are not a key (e.g. NUL or an invalid scalar).
  static func character(_ code: UInt32) -> Key? {
    switch code {
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 8, 127: return .backspace
    case 1...26: return .control(Character(Unicode.Scalar(UInt8(code) + 96)))
    case 28...31: return .control(Character(Unicode.Scalar(UInt8(code) + 64)))
    case 0: return nil
    default:
      guard let scalar = Unicode.Scalar(code) else { return nil }
      return .char(Character(scalar))
    }
  }

  /// A function-key code (`wget_wch` returned `KEY_CODE_YES`). Resize and mouse codes are
  /// handled by the screen, which needs the new size or the mouse event; this returns nil for
  /// them and for keys smmuscope does not use.
  static func functionKey(_ code: Int32) -> Key? {
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_ENTER: return .enter
    case KEY_BTAB: return .backTab
    case KEY_BACKSPACE: return .backspace
    default: return nil
    }
  }

  /// A mouse event's button state and position: button 1 press/click, wheel up or down.
  /// Returns nil for other events (releases, motion, other buttons).
  static func mouse(buttonState: mmask_t, x: Int32, y: Int32) -> Key? {
    if shim_bstate_wheel_up(buttonState) != 0 { return .wheelUp }
    if shim_bstate_wheel_down(buttonState) != 0 { return .wheelDown }
    if shim_bstate_button1(buttonState) != 0 { return .click(x: Int(x), y: Int(y)) }
    return nil
  }
}
