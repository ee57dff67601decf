/// A value kept in one heap box, so that a struct holding it stores one reference. It keeps
/// value semantics: the box is immutable and setting `value` replaces it.
package enum OutOfLine<Value: Sendable & Hashable>: Sendable, Hashable {
  indirect case boxed(Value)

  package init(_ value: Value) { self = .boxed(value) }

  package var value: Value {
    get {
      switch self {
      case .boxed(let v): v
      }
    }
    set { self = .boxed(newValue) }
  }
}

extension OutOfLine {
  /// Applies `change` to the value in `box` (`empty` when there is none). The box stays nil
  /// while the value equals `empty`, so that holders of equal values compare equal, and is
  /// left as it is when the value does not change (no new box). How a struct keeps the fields
  /// few instances set out of line (`Domain`, `Master`).
  package static func update(_ box: inout OutOfLine?, empty: Value, _ change: (inout Value) -> Void) {
    let old = box?.value ?? empty
    var new = old
    change(&new)
    guard new != old else { return }
    box = new == empty ? nil : OutOfLine(new)
  }
}
