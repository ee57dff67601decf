import SMMUModel

/// A `transition` as a KUnit case for upstream's `arm-smmu-v3-test.c` (the version whose
/// fixtures take `enum arm_smmu_test_master_feat` flags, Linux 6.12 on): both entries are built
/// with the suite's own fixture functions, checked qword by qword against what smmuscope
/// encoded, and handed to the suite's helper that expects the transition to be hitless or not
/// in the number of syncs the project's entry writer took.
package struct KUnitCase: Sendable {
  package let transition: Transition
  package let fromSpec: String
  package let toSpec: String
  /// The C function's name.
  package let name: String

  package init(_ transition: Transition, from: String, to: String, name: String? = nil) {
    self.transition = transition
    fromSpec = from
    toSpec = to
    self.name = name ?? Self.defaultName(kind: transition.kind, from: from, to: to)
  }

  static func defaultName(kind: EntryWriter.Kind, from: String, to: String) -> String {
    "arm_smmu_v3_write_\(kind.rawValue)_test_smmuscope_\(identifier(from))_to_\(identifier(to))"
  }

  /// Lower-case letters, digits and single underscores.
  static func identifier(_ spec: String) -> String {
    var out = ""
    for c in spec.lowercased() {
      if c.isASCII && (c.isLetter || c.isNumber) {
        out.append(c)
      } else if !out.hasSuffix("_") {
        out.append("_")
      }
    }
    while out.hasSuffix("_") { out.removeLast() }
    return out
  }

  /// The name of the suite helper this case calls.
  package var helper: String {
    let kind = transition.kind.rawValue
    return
      "arm_smmu_v3_test_\(kind)_expect_\(transition.outcome.hitless ? "hitless" : "non_hitless")_transition"
  }

  /// The C text of the case.
  package var c: String {
    let kind = transition.kind.rawValue
    let o = transition.outcome
    var lines = [
      "/*",
      " * smmuscope: transition \(kind) \(fromSpec) -> \(toSpec)",
      " * smmuscope's entry writer took the \(o.path.rawValue) path"
        + (o.criticalQword.map { " (critical qword \($0))" } ?? "")
        + " in \(o.syncs) sync\(o.syncs == 1 ? "" : "s");",
      o.hitless
        ? " * no sync sees qword 0 == 0, so the suite calls it hitless."
        : " * a sync sees qword 0 == 0, so the suite calls it non-hitless.",
      " */",
      "static void \(name)(struct kunit *test)",
      "{",
    ]
    let from = KUnitFixture.build(transition.fromSpec, variable: "cur")
    let to = KUnitFixture.build(transition.toSpec, variable: "target")
    lines += from.declarations + to.declarations
    lines += qwordArray("expected_cur", transition.from) + qwordArray("expected_target", transition.to)
    lines.append("")
    lines += from.statements + to.statements
    lines += [
      "\tKUNIT_EXPECT_MEMEQ(test, \(from.reference).data, expected_cur, sizeof(expected_cur));",
      "\tKUNIT_EXPECT_MEMEQ(test, \(to.reference).data, expected_target, sizeof(expected_target));",
      "\t\(helper)(test, &\(from.reference), &\(to.reference),",
      "\t\tNUM_EXPECTED_SYNCS(\(o.syncs)));",
      "}",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  func qwordArray(_ name: String, _ q: [UInt64]) -> [String] {
    ["\tconst __le64 \(name)[NUM_ENTRY_QWORDS] = {"]
      + stride(from: 0, to: q.count, by: 2).map { i in
        "\t\t"
          + q[i..<min(q.count, i + 2)].map { "cpu_to_le64(\(hex($0, digits: 16))ULL)," }.joined(
            separator: " ")
      } + ["\t};"]
  }

  /// Several cases as one block to paste into the suite, with their `KUNIT_CASE` lines.
  package static func file(_ cases: [KUnitCase]) -> String {
    var seen: [String: Int] = [:]
    let named = cases.map { c -> KUnitCase in
      seen[c.name, default: 0] += 1
      let n = seen[c.name]!
      return n == 1 ? c : KUnitCase(c.transition, from: c.fromSpec, to: c.toSpec, name: "\(c.name)_\(n)")
    }
    var out = named.map(\.c).joined(separator: "\n")
    out += "\n/* Add to arm_smmu_v3_test_cases[]: */\n"
    out += named.map { "\tKUNIT_CASE(\($0.name)),\n" }.joined()
    return out
  }
}

/// How the upstream suite builds the entry a `transition` spec names.
enum KUnitFixture {
  struct Built {
    /// The C expression of the entry (a suite global or a local).
    var reference: String
    var declarations: [String]
    var statements: [String]
  }

  static func build(_ spec: TransitionSpec, variable: String) -> Built {
    func local(_ type: String, _ call: String) -> Built {
      Built(reference: variable, declarations: ["\t\(type) \(variable);"], statements: wrapped(call))
    }
    switch spec {
    case .ste(let s):
      let flags = features(ats: s.ats, stall: s.stall, nested: s.nested)
      switch s.name {
      case .abort: return Built(reference: "abort_ste", declarations: [], statements: [])
      case .bypass: return Built(reference: "bypass_ste", declarations: [], statements: [])
      case .s2: return local("struct arm_smmu_ste", "arm_smmu_test_make_s2_ste(&\(variable), \(flags))")
      case .cdtable:
        let s1dss = "STRTAB_STE_1_S1DSS_" + s.s1dss.name.uppercased()
        let address =
          s.cdtabText.map { $0.hasPrefix("0x") || $0.hasPrefix("0X") ? $0 : "0x" + $0 }
          ?? "fake_cdtab_dma_addr"
        return local(
          "struct arm_smmu_ste",
          "arm_smmu_test_make_cdtable_ste(&\(variable), \(s1dss), \(address), \(flags))")
      }
    case .cd(let c):
      let maker: String
      switch c.name {
      case .empty:
        return Built(
          reference: variable, declarations: ["\tstruct arm_smmu_cd \(variable) = {};"], statements: [])
      case .s1: maker = "arm_smmu_test_make_s1_cd"
      case .sva: maker = "arm_smmu_test_make_sva_cd"
      case .svaRelease: maker = "arm_smmu_test_make_sva_release_cd"
      }
      return local("struct arm_smmu_cd", "\(maker)(&\(variable), \(c.asid))")
    }
  }

  /// A call statement, wrapped greedily at 80 columns (a tab is 8), continuations two tabs in.
  static func wrapped(_ call: String) -> [String] {
    guard let open = call.firstIndex(of: "(") else { return ["\t\(call);"] }
    let args = call[call.index(after: open)...].dropLast().split(separator: ",").map {
      String($0.drop { $0 == " " })
    }
    func width(_ line: String) -> Int { line.reduce(0) { $0 + ($1 == "\t" ? 8 : 1) } }
    var lines: [String] = []
    var current = "\t" + call[...open] + (args.first ?? "")
    for arg in args.dropFirst() {
      if width(current + ", " + arg) + 2 > 80 {
        lines.append(current + ",")
        current = "\t\t" + arg
      } else {
        current += ", " + arg
      }
    }
    return lines + [current + ");"]
  }

  static func features(ats: Bool, stall: Bool, nested: Bool) -> String {
    let flags = [
      (ats, "ARM_SMMU_MASTER_TEST_ATS"), (stall, "ARM_SMMU_MASTER_TEST_STALL"),
      (nested, "ARM_SMMU_MASTER_TEST_NESTED"),
    ]
    .filter(\.0).map(\.1)
    return flags.isEmpty ? "0" : flags.joined(separator: " | ")
  }
}
