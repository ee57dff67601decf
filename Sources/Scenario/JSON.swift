/// A small JSON value with deterministic rendering (keys in insertion order).
package indirect enum JSON: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  package static func == (a: JSON, b: JSON) -> Bool { a.rendered() == b.rendered() }
  package func hash(into h: inout Hasher) { h.combine(rendered()) }

  /// Compact JSON text.
  package func rendered() -> String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .string(let s): return Self.quote(s)
    case .array(let a): return "[" + a.map { $0.rendered() }.joined(separator: ",") + "]"
    case .object(let o):
      return "{" + o.map { Self.quote($0.0) + ":" + $0.1.rendered() }.joined(separator: ",") + "}"
    }
  }

  static func quote(_ s: String) -> String {
    if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
      return "\"" + s + "\""
    }
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 {
          let h = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
