import SMMUModel
import Testing

@testable import SMMUDriver

/// `transition --kunit`: the exported case calls the helper and sync count upstream's suite
/// expects for its own cases (linux-driver.md §5), and builds entries with the suite's fixtures.
struct KUnitExportTests {
  /// (kind, from, to, helper suffix, syncs): the upstream cases the project reproduces.
  static let upstream: [(EntryWriter.Kind, String, String, String, Int)] = [
    (.ste, "bypass", "abort", "hitless", 2),
    (.ste, "abort", "bypass", "hitless", 2),
    (.ste, "cdtable:ats", "bypass", "hitless", 3),
    (.ste, "cdtable:ats", "cdtable:ats,s1dss=bypass", "hitless", 1),
    (.ste, "s2:ats", "abort", "hitless", 2),
    (.ste, "cdtable:ats", "s2:ats", "hitless", 3),
    (.ste, "cdtable:stall", "s2:stall", "hitless", 3),
    (.ste, "cdtable:ats", "cdtable:cdtab=4B4B4B4B4B,s1dss=bypass,ats", "non_hitless", 3),
    (.ste, "cdtable:s1dss=bypass,ats,nested", "s2", "hitless", 3),
    (.cd, "empty", "s1:asid=1997", "non_hitless", 2),
    (.cd, "s1:asid=778", "s1:asid=1997", "hitless", 1),
    (.cd, "sva:asid=1997", "sva-release:asid=1997", "hitless", 2),
  ]

  @Test(arguments: 0..<upstream.count)
  func exportedCaseMatchesUpstreamExpectation(_ i: Int) throws {
    let (kind, from, to, helper, syncs) = Self.upstream[i]
    let c = KUnitCase(try Transition(kind: kind, from: from, to: to), from: from, to: to)
    #expect(c.helper == "arm_smmu_v3_test_\(kind.rawValue)_expect_\(helper)_transition")
    #expect(c.c.contains("NUM_EXPECTED_SYNCS(\(syncs))"))
    #expect(c.c.contains("\t\(c.helper)(test, &"))
  }

  @Test func fixturesAreBuiltAsTheSuiteBuildsThem() throws {
    let ste = KUnitCase(
      try Transition(kind: .ste, from: "cdtable:ats", to: "cdtable:cdtab=4B4B4B4B4B,s1dss=bypass,ats"),
      from: "cdtable:ats", to: "cdtable:cdtab=4B4B4B4B4B,s1dss=bypass,ats"
    ).c
    #expect(ste.contains("arm_smmu_test_make_cdtable_ste(&cur, STRTAB_STE_1_S1DSS_SSID0,\n"))
    #expect(ste.contains("\t\t0x4B4B4B4B4B, ARM_SMMU_MASTER_TEST_ATS);"))
    let cd = KUnitCase(
      try Transition(kind: .cd, from: "empty", to: "sva:asid=7"), from: "empty", to: "sva:asid=7"
    ).c
    #expect(cd.contains("struct arm_smmu_cd cur = {};"))
    #expect(cd.contains("arm_smmu_test_make_sva_cd(&target, 7);"))
    let s2 = KUnitCase(
      try Transition(kind: .ste, from: "s2:ats,stall", to: "abort"), from: "s2:ats,stall", to: "abort"
    ).c
    #expect(
      s2.contains(
        "arm_smmu_test_make_s2_ste(&cur,\n\t\tARM_SMMU_MASTER_TEST_ATS | ARM_SMMU_MASTER_TEST_STALL);"))
    #expect(s2.contains("&cur, &abort_ste,"))
  }

  @Test func bypassToAbortGolden() throws {
    let c = KUnitCase(try Transition(kind: .ste, from: "bypass", to: "abort"), from: "bypass", to: "abort")
    let expected = """
      /*
       * smmuscope: transition ste bypass -> abort
       * smmuscope's entry writer took the hitless path (critical qword 0) in 2 syncs;
       * no sync sees qword 0 == 0, so the suite calls it hitless.
       */
      static void arm_smmu_v3_write_ste_test_smmuscope_bypass_to_abort(struct kunit *test)
      {
      \tconst __le64 expected_cur[NUM_ENTRY_QWORDS] = {
      \t\tcpu_to_le64(0x0000000000000009ULL), cpu_to_le64(0x0000100000000000ULL),
      \t\tcpu_to_le64(0x0000000000000000ULL), cpu_to_le64(0x0000000000000000ULL),
      \t\tcpu_to_le64(0x0000000000000000ULL), cpu_to_le64(0x0000000000000000ULL),
      \t\tcpu_to_le64(0x0000000000000000ULL), cpu_to_le64(0x0000000000000000ULL),
      \t};
      \tconst __le64 expected_target[NUM_ENTRY_QWORDS] = {
      \t\tcpu_to_le64(0x0000000000000001ULL), cpu_to_le64(0x0000000000000000ULL),
      \t\tcpu_to_le64(0x0000000000000000ULL), cpu_to_le64(0x0000000000000000ULL),
      \t\tcpu_to_le64(0x0000000000000000ULL), cpu_to_le64(0x0000000000000000ULL),
      \t\tcpu_to_le64(0x0000000000000000ULL), cpu_to_le64(0x0000000000000000ULL),
      \t};

      \tKUNIT_EXPECT_MEMEQ(test, bypass_ste.data, expected_cur, sizeof(expected_cur));
      \tKUNIT_EXPECT_MEMEQ(test, abort_ste.data, expected_target, sizeof(expected_target));
      \tarm_smmu_v3_test_ste_expect_hitless_transition(test, &bypass_ste, &abort_ste,
      \t\tNUM_EXPECTED_SYNCS(2));
      }

      """
    #expect(c.c == expected)
  }

  @Test func repeatedNamesGetSuffixes() throws {
    let t = try Transition(kind: .ste, from: "bypass", to: "abort")
    let file = KUnitCase.file([
      KUnitCase(t, from: "bypass", to: "abort"), KUnitCase(t, from: "bypass", to: "abort"),
    ])
    #expect(file.contains("KUNIT_CASE(arm_smmu_v3_write_ste_test_smmuscope_bypass_to_abort),"))
    #expect(file.contains("KUNIT_CASE(arm_smmu_v3_write_ste_test_smmuscope_bypass_to_abort_2),"))
  }
}
