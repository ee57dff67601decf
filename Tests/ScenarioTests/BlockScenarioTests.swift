import SMMUDriver
import Testing

/// Block mappings seen from a scenario: a 2 MiB-aligned `map` is one block, a walk of it reads
/// three descriptors, any page of it hits the one TLB entry, and an `unmap` of part of it is
/// an error that leaves it mapped.
struct BlockScenarioTests {
  @Test(arguments: DriverDesign.allCases)
  func a2MiBBlockFromAScenario(design: DriverDesign) throws {
    let s = try run(
      """
      master a sid 0x10
      domain d paging
      attach d a
      map d 0x200000 size 0x200000
      expect memory.page-table-bytes == 12288
      dma a 0x212345
      expect dma == 0x80212345
      expect walk-reads == 3
      dma a 0x3ff000
      expect dma.served == TLB
      expect walk-reads == 3
      unmap d 0x201000
      expect error -EINVAL
      dma a 0x201008
      expect dma == 0x80201008
      unmap d 0x200000 size 0x200000
      expect commands.TLBI_NH_VA == 1
      dma a 0x201008
      expect dma == abort
      """, design: design)
    #expect(s.failures.map(\.line) == [])
  }
}
