/// An error the driver (or the IOMMU core in front of it) returns, with the errno upstream
/// returns for it.
package struct DriverError: Error, Sendable, Hashable, CustomStringConvertible {
  package enum Code: String, Sendable, Hashable {
    case einval = "-EINVAL"
    case ebusy = "-EBUSY"
    case e2big = "-E2BIG"
    case eopnotsupp = "-EOPNOTSUPP"
    case enodev = "-ENODEV"
    case enospc = "-ENOSPC"
    case eexist = "-EEXIST"
    case erange = "-ERANGE"
    case eio = "-EIO"
    case enoent = "-ENOENT"
    case enomem = "-ENOMEM"
    case efault = "-EFAULT"
  }
  package let code: Code
  package let message: String

  package init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  package var description: String { "\(code.rawValue): \(message)" }
}
