import SMMUModel

/// A guest CD table (linear, per vSID): its IPA, its size, and the domain of each SSID.
package struct GuestCDTable: Sendable, Hashable {
  /// IPA of CD 0 (the vSTE's S1ContextPtr).
  package let ipa: UInt64
  /// log2 of the CDs it holds (the vSTE's S1CDMax).
  package let ssidBits: Int
  /// SSID -> guest domain whose CD is installed there.
  package internal(set) var domains: [UInt32: String] = [:]

  /// The IPA of CD `ssid`.
  package func address(_ ssid: UInt32) -> UInt64 { ipa + UInt64(ssid) * 64 }

  /// The most SSID bits a guest CD table covers (a linear table of 256 CDs, 16 KiB).
  static let maxSSIDBits = 8
}
