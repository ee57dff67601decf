import SMMUDriver
import SMMUModel

/// The architectural and documented bounds the parser checks numbers against, so that no
/// number typed in a scenario reaches the driver or the model out of range.
extension ScenarioParser {
  /// Stream IDs have at most 32 bits (IDR1.SIDSIZE <= 32).
  static let maxSID = UInt64(UInt32.max)
  /// Substream IDs have at most 20 bits (IDR1.SSIDSIZE <= 20).
  static let maxSSID: UInt64 = (1 << 20) - 1

  /// `map`/`unmap` operands: the IOVA range within the domain's 48-bit input range, the size
  /// within `Driver.maxMapBytes`, the output range within the 48-bit output address size.
  /// `columns`: the verb's, the IOVA's, the size's and the PA's.
  static func checkMapRange(
    iova: UInt64, size: UInt64, pa: UInt64?, columns: (verb: Int, iova: Int, size: Int, pa: Int)
  ) throws(Cursor.Failure) {
    typealias F = Cursor.Failure
    let limit = Driver.addressLimit
    guard size > 0 else { throw F(column: columns.size, message: "size must be > 0") }
    guard size <= Driver.maxMapBytes else {
      throw F(
        column: columns.size,
        message:
          "size \(hex(size)) is over the limit of \(hex(Driver.maxMapBytes)) bytes (1 GiB, "
          + "\(Driver.maxMapBytes / 4096) pages) per map/unmap line: split it")
    }
    guard iova < limit else {
      throw F(
        column: columns.iova,
        message: "IOVA \(hex(iova)) is outside the domain's input range [0, \(hex(limit))) (48-bit IOVAs)")
    }
    guard iova + size <= limit else {
      throw F(
        column: columns.size,
        message: "\(hex(iova))+\(hex(size)) ends beyond the domain's input range [0, \(hex(limit)))")
    }
    if let pa {
      guard pa < limit, pa + size <= limit else {
        throw F(
          column: columns.pa,
          message: "PA \(hex(pa))+\(hex(size)) is beyond the 48-bit output address size (\(hex(limit)))")
      }
    }
  }

  /// `expect` paths naming a stream or substream: the ID must be a number in range.
  static func checkPath(_ path: Token) throws(Cursor.Failure) {
    let parts = path.text.split(separator: ".", omittingEmptySubsequences: false)
    let (index, name, max, why): (Int, String, UInt64, String)
    switch parts.first {
    case "ste" where parts.count == 3:
      (index, name, max, why) = (1, "SID", maxSID, "stream IDs have at most 32 bits")
    case "cd" where parts.count == 4:
      (index, name, max, why) = (2, "SSID", maxSSID, "substream IDs have at most 20 bits")
    default: return
    }
    let column = path.column + parts[..<index].reduce(0) { $0 + $1.count + 1 }
    guard let v = parseNumber(String(parts[index])) else {
      throw Cursor.Failure(column: column, message: "\(name) '\(parts[index])' is not a number")
    }
    guard v <= max else {
      throw Cursor.Failure(column: column, message: "\(name) \(parts[index]) is out of range: \(why)")
    }
  }
}
