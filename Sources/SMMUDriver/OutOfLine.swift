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
