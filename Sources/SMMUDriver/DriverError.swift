/// An error the driver (or the IOMMU core in front of it) returns, with the errno upstream
/// returns for it.
public struct DriverError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Code: String, Sendable, Hashable {
    case einval = "-EINVAL"
    case ebusy = "-EBUSY"
    case e2big = "-E2BIG"
    case eopnotsupp = "-EOPNOTSUPP"
    case enodev = "-ENODEV"
    case enospc = "-ENOSPC"
    case eexist = "-EEXIST"
  }
  public let code: Code
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { "\(code.rawValue): \(message)" }
}
