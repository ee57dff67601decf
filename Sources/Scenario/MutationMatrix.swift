import Checker
import SMMUDriver

/// The kill matrix (`smmuscope check --mutations`): every walkthrough checked under each
/// design with each mutation that applies there. A mutation is caught by a walkthrough
/// under a design when the mutated check has a finding the unmutated check of the same
/// walkthrough and design lacks (compared by kind, stream, cache state and outcome, not by
/// line); a (mutation, design) pair no walkthrough catches is a survivor.
package struct MutationMatrix: Sendable {
  /// One walkthrough that catches a mutation, and the kinds of its new findings.
  package struct Catch: Sendable, Hashable {
    package let walkthrough: String
    package let kinds: [String]
  }

  /// A mutation no walkthrough catches under a design.
  package struct Survivor: Sendable, Hashable {
    package let mutation: DriverMutation
    package let design: DriverDesign
  }

  /// The designs of the matrix.
  package static let designs: [DriverDesign] = [.legacy, .perMaster]

  package let mutations: [DriverMutation]
  package let walkthroughs: [String]
  /// mutation -> design -> the walkthroughs catching it (only designs it applies to).
  package let catches: [DriverMutation: [DriverDesign: [Catch]]]

  /// Runs the matrix over `walkthroughs` and `mutations`. A mutation that never changes what
  /// the driver does in a walkthrough (`Session.mutationsApplied`, from an unchecked run)
  /// cannot add a finding there, and is not checked. With `exhaustive` false, each
  /// (mutation, design) stops at its first catching walkthrough and each check at its first
  /// new finding (the same survivors, found faster; the kinds listed are the first ones).
  package init(
    walkthroughs: [Walkthrough] = Walkthrough.all, mutations: [DriverMutation] = DriverMutation.allCases,
    exhaustive: Bool = true
  ) {
    self.mutations = mutations
    self.walkthroughs = walkthroughs.map(\.name)
    var catches: [DriverMutation: [DriverDesign: [Catch]]] = [:]
    var baselines: [String: Set<String>] = [:]
    for d in Self.designs {
      for m in mutations where m.designs.contains(d) {
        var list: [Catch] = []
        for w in walkthroughs where w.designs.contains(d) && (exhaustive || list.isEmpty) {
          let scenario = w.scenario
          let mutated = scenario.injecting([m])
          guard
            Session.run(mutated, design: d, keepingResults: false, each: { _ in }).mutationsApplied.contains(
              m)
          else { continue }
          let key = "\(w.name)|\(d.rawValue)"
          if baselines[key] == nil {
            baselines[key] = Set(CheckReport(scenario, design: d, compact: nil).findings.map(Self.key))
          }
          let new = Self.newFindings(mutated, design: d, baseline: baselines[key]!, firstOnly: !exhaustive)
          guard !new.isEmpty else { continue }
          let kinds = CheckFinding.Kind.allCases.filter { k in new.contains { $0.kind == k } }.map(\.rawValue)
          list.append(Catch(walkthrough: w.name, kinds: kinds))
        }
        catches[m, default: [:]][d] = list
      }
    }
    self.catches = catches
  }

  /// The findings of `scenario` checked under `design` that `baseline` lacks (with
  /// `firstOnly`, the run stops at the operation that gives the first one).
  static func newFindings(_ scenario: Scenario, design: DriverDesign, baseline: Set<String>, firstOnly: Bool)
    -> [CheckFinding]
  {
    var s = Session(design: design, compact: nil, file: scenario.name)
    s.expectObjects(of: scenario)
    s.keepsResults = false
    s.startChecking()
    var new: [CheckFinding] = []
    for line in scenario.lines {
      let before = s.findings.count
      s.step(line)
      new += s.findings.dropFirst(before).filter { !baseline.contains(key($0)) }
      if firstOnly && !new.isEmpty { break }
    }
    return new
  }

  /// What identifies a finding across a mutated and an unmutated run.
  static func key(_ f: CheckFinding) -> String {
    [
      f.kind.rawValue, f.master ?? "", f.sid.map { String($0) } ?? "", f.ssid.map { String($0) } ?? "",
      f.cache,
      f.seen,
    ].joined(separator: "|")
  }

  /// (mutation, design) pairs no walkthrough catches, in table order.
  package var survivors: [Survivor] {
    mutations.flatMap { m in
      Self.designs.filter { catches[m]?[$0]?.isEmpty == true }.map { Survivor(mutation: m, design: $0) }
    }
  }

  package var text: String {
    var out =
      "mutation matrix: \(mutations.count) mutations x \(walkthroughs.count) walkthroughs x "
      + "\(Self.designs.count) designs\n"
    let width = (mutations.map(\.rawValue.count).max() ?? 0) + 2
    for m in mutations {
      out += "\n" + padded(m.rawValue, width, right: false) + m.summary + "\n"
      for d in Self.designs {
        let label = "  " + padded(d.rawValue, 12, right: false)
        guard let list = catches[m]?[d] else {
          out += label + "(does not apply)\n"
          continue
        }
        out +=
          label
          + (list.isEmpty
            ? "SURVIVES: no walkthrough catches it"
            : list.map { "\($0.walkthrough) (\($0.kinds.joined(separator: ", ")))" }.joined(separator: ", "))
          + "\n"
      }
    }
    let s = survivors
    out +=
      s.isEmpty
      ? "\nno survivor: every mutation is caught under every design it applies to\n"
      : "\n\(s.count) survivor\(s.count == 1 ? "" : "s"): "
        + s.map { "\($0.mutation.rawValue) (\($0.design.rawValue))" }.joined(separator: ", ") + "\n"
    return out
  }

  package var json: JSON {
    .object([
      (
        "mutations",
        .object(
          mutations.map { m in
            (
              m.rawValue,
              .object(
                Self.designs.compactMap { d in
                  catches[m]?[d].map { list in
                    (
                      d.rawValue,
                      JSON.array(
                        list.map {
                          .object([
                            ("walkthrough", .string($0.walkthrough)),
                            ("kinds", .array($0.kinds.map(JSON.string))),
                          ])
                        })
                    )
                  }
                })
            )
          })
      ),
      (
        "survivors",
        .array(
          survivors.map {
            .object([("mutation", .string($0.mutation.rawValue)), ("design", .string($0.design.rawValue))])
          })
      ),
    ])
  }
}
