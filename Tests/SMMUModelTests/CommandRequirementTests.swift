import Testing

@testable import SMMUModel

/// `CommandRequirement.of(nameIndex:)`, the switch `submit` asks, against the `byOpcode`
/// table it stands for, for every decoded command.
@Suite struct CommandRequirementTests {
  @Test(arguments: CommandEncodingTests.samples)
  func requirementByNameIndexMatchesByOpcode(_ c: Command) {
    #expect(CommandRequirement.of(nameIndex: c.nameIndex) == CommandRequirement.byOpcode[c.opcode])
  }
}
