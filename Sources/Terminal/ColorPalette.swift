import CNcurses
import Explorer

/// How each `Explorer.Color` is drawn: ncurses attributes plus a colour pair (0 = the
/// terminal's default colours). Built once when the screen opens.
struct ColorPalette {
  /// Attributes and pair number for one colour.
  struct Entry {
    var attributes: attr_t
    var pair: Int16
  }

  private var entries: [Color: Entry] = [:]

  /// A palette without colour: everything plain except bold titles and headers, dim text,
  /// and reverse video for the selection and flashes.
  static var monochrome: ColorPalette {
    var palette = ColorPalette()
    for color in Color.allCases {
      let attributes: attr_t
      switch color {
      case .title, .header: attributes = shim_a_bold()
      case .dim: attributes = shim_a_dim()
      case .selection, .flash: attributes = shim_a_reverse()
      default: attributes = shim_a_normal()
      }
      palette.entries[color] = Entry(attributes: attributes, pair: 0)
    }
    return palette
  }

  /// Initialises colour pairs (one per colour, numbered from 1) and returns the palette.
  /// Call after `start_color()`. `defaultColors` means `use_default_colors()` succeeded, so
  /// -1 keeps the terminal's own background; otherwise coloured text sits on black.
  static func colored(defaultColors: Bool) -> ColorPalette {
    let bgDefault: Int16 = defaultColors ? -1 : Int16(COLOR_BLACK)
    // Bright black (grey) where the terminal has 16 colours; dim attribute otherwise.
    let hasGrey = shim_colors() >= 16
    var palette = ColorPalette()
    for color in Color.allCases {
      let pair = Int16(color.rawValue) + 1
      // ColorScheme is the one table of looks; only grey needs the terminal's help.
      let look = ColorScheme.look(color)
      var attributes = look.bold ? shim_a_bold() : shim_a_normal()
      var colors: (fg: Int16, bg: Int16)? = nil
      if let fg = look.foreground {
        if fg == 8 && !hasGrey {
          attributes |= shim_a_dim()
        } else {
          colors = (Int16(fg), look.background.map(Int16.init) ?? bgDefault)
        }
      }
      if let colors, init_pair(pair, colors.fg, colors.bg) != ERR {
        palette.entries[color] = Entry(attributes: attributes, pair: pair)
      } else {
        palette.entries[color] = Entry(attributes: attributes, pair: 0)
      }
    }
    return palette
  }

  /// The attributes and pair for a cell's style (colour plus bold/reverse/underline flags).
  func entry(for style: Style) -> Entry {
    var entry = entries[style.color] ?? Entry(attributes: shim_a_normal(), pair: 0)
    if style.bold { entry.attributes |= shim_a_bold() }
    if style.reverse { entry.attributes |= shim_a_reverse() }
    if style.underline { entry.attributes |= shim_a_underline() }
    return entry
  }
}
