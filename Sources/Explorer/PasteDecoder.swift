/// Turns a bracketed paste into one `Key.paste`.
///
/// With bracketed paste on (`ESC[?2004h`), the terminal sends pasted text between `ESC[200~`
/// and `ESC[201~`. The key reader does not know these markers, so they arrive as `.escape`
/// followed by the characters `[200~` / `[201~`; this decoder finds them in the key stream
/// and collects what lies between as text, so a paste never acts as key presses (a pasted
/// `q` does not quit). A paste may span several reads: the decoder keeps its state between
/// calls.
package struct PasteDecoder: Sendable {
  private static let startMarker: [Key] = [
    .escape, .char("["), .char("2"), .char("0"), .char("0"), .char("~"),
  ]
  private static let endMarker: [Key] = [.escape, .char("["), .char("2"), .char("0"), .char("1"), .char("~")]

  /// Keys that match the beginning of the marker awaited (start outside a paste, end inside).
  private var pending: [Key] = []
  /// The text of the paste in progress; nil outside a paste.
  private var text: String?

  package init() {}

  /// True while a paste has begun and its end marker has not arrived yet.
  package var inPaste: Bool { text != nil }

  /// Decodes keys read in one go and returns the keys to act on, in order.
  ///
  /// Inside a paste, characters become text (Enter as "\n", Tab as "\t"); other keys are
  /// dropped, except resizes, which pass through. Outside a paste, a start marker cut short at
  /// the end of `keys` is returned as the keys it was (a lone Esc must not wait for the next
  /// key); the reader delivers a marker's keys together, as the terminal sends them together.
  package mutating func decode(_ keys: [Key]) -> [Key] {
    var out: [Key] = []
    for key in keys { feed(key, into: &out) }
    if text == nil, !pending.isEmpty {
      out += pending
      pending = []
    }
    return out
  }

  private mutating func feed(_ key: Key, into out: inout [Key]) {
    let marker = text == nil ? Self.startMarker : Self.endMarker
    if key == marker[pending.count] {
      pending.append(key)
      guard pending.count == marker.count else { return }
      pending = []
      if let finished = text {
        out.append(.paste(finished))
        text = nil
      } else {
        text = ""
      }
      return
    }
    // Not a marker after all: what was held back is ordinary input.
    let held = pending
    pending = []
    for k in held { emit(k, into: &out) }
    if key == marker[0] {
      pending = [key]
    } else {
      emit(key, into: &out)
    }
  }

  private mutating func emit(_ key: Key, into out: inout [Key]) {
    guard text != nil else {
      out.append(key)
      return
    }
    switch key {
    case .char(let c): text?.append(c)
    case .enter: text?.append("\n")
    case .tab: text?.append("\t")
    case .resize: out.append(key)
    default: break
    }
  }
}
