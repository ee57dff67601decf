/// The architecture's 3-bit address-size encoding (CD.IPS, STE.S2PS, IDR5.OAS, PARange):
/// 0 = 32 bits, 1 = 36, 2 = 40, 3 = 42, 4 = 44, 5 = 48, 6 = 52; 7 is reserved.
package enum AddressSize {
  /// Bits of each encoding, indexed by the encoding.
  package static let bits = [32, 36, 40, 42, 44, 48, 52]

  /// The encoding of an address size in bits, or nil if it has none.
  package static func encoding(ofBits b: Int) -> UInt64? {
    bits.firstIndex(of: b).map { UInt64($0) }
  }

  /// The address size an encoding stands for, or nil when it is reserved.
  package static func bits(ofEncoding e: UInt64) -> Int? {
    e < UInt64(bits.count) ? bits[Int(e)] : nil
  }
}
