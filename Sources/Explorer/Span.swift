/// A run of text in one style: rows of panes are lists of spans.
package struct Span: Sendable, Hashable {
  package var text: String
  package var style: Style

  package init(_ text: String, _ style: Style = .plain) {
    self.text = text
    self.style = style
  }
}

extension Grid {
  /// Draws a row of spans from (x, y), clipped to `width` columns; `highlight` reverses it.
  package mutating func draw(_ spans: [Span], x: Int, y: Int, width: Int, highlight: Bool = false) {
    var cx = x
    for s in spans {
      var st = s.style
      if highlight { st.reverse = true }
      let room = x + width - cx
      if room <= 0 { break }
      write(s.text, x: cx, y: y, style: st, maxWidth: room)
      cx += s.text.count
    }
    if highlight, cx < x + width {
      fill(x: cx, y: y, width: x + width - cx, height: 1, style: Style(reverse: true))
    }
  }
}

/// Pads or cuts to exactly `n` columns.
func col(_ s: String, _ n: Int) -> String {
  if s.count >= n { return String(s.prefix(n)) }
  return s + String(repeating: " ", count: n - s.count)
}
