/// What an allocation of simulated memory holds, for byte accounting and display.
package enum MemoryPurpose: String, Sendable, Hashable, CaseIterable {
  case streamTable = "stream-table"
  case streamTableL1 = "stream-table-l1"
  case cdTable = "cd-table"
  case cdTableL1 = "cd-table-l1"
  case cdTableLeaf = "cd-table-leaf"
  case pageTable = "page-table"
  case queue = "queue"
  case data = "data"

  /// True for the three kinds of memory that make up CD tables.
  package var isCDTable: Bool { self == .cdTable || self == .cdTableL1 || self == .cdTableLeaf }
}
