import Fuzzing

/// Command-line options of the deterministic fuzzer.
struct FuzzOptions {
  static let usage = """
    usage: smmuscope-fuzz [--target scenario|trace|dump|all] [--runs N] [--seed S]
                          [--seeds DIR]... [--out DIR] [--max-len BYTES] [--emit-seeds DIR]
                          [--slow-per-kib SECONDS]
    """
  var targets = FuzzTarget.allCases
  var runs = 10_000
  var seed: UInt64 = 1
  var seedRoots: [String] = []
  var out = "fuzz-findings"
  var maxLength = 4096
  /// An input slower than this per KiB is a finding (1 s: the goal, for a release build).
  var slowSecondsPerKiB = 1.0
  /// Write each target's seeds as files under this directory (a libFuzzer corpus) and stop.
  var emitSeeds: String?

  struct Failure: Error { let message: String }

  init<S: Sequence<String>>(_ arguments: S) throws(Failure) {
    var it = arguments.makeIterator()
    func value(_ flag: String) throws(Failure) -> String {
      guard let v = it.next() else { throw Failure(message: "\(flag) needs a value") }
      return v
    }
    func number(_ flag: String) throws(Failure) -> Int {
      let v = try value(flag)
      guard let n = Int(v), n >= 0 else { throw Failure(message: "\(flag) takes a number, not '\(v)'") }
      return n
    }
    while let arg = it.next() {
      switch arg {
      case "--target":
        let v = try value(arg)
        if v == "all" {
          targets = FuzzTarget.allCases
        } else if let t = FuzzTarget(rawValue: v) {
          targets = [t]
        } else {
          throw Failure(message: "unknown target '\(v)'")
        }
      case "--runs": runs = try number(arg)
      case "--seed": seed = UInt64(try number(arg))
      case "--seeds": seedRoots.append(try value(arg))
      case "--out": out = try value(arg)
      case "--max-len": maxLength = max(16, try number(arg))
      case "--emit-seeds": emitSeeds = try value(arg)
      case "--slow-per-kib":
        let v = try value(arg)
        guard let x = Double(v), x > 0 else { throw Failure(message: "\(arg) takes seconds, not '\(v)'") }
        slowSecondsPerKiB = x
      default: throw Failure(message: "unknown argument '\(arg)'")
      }
    }
  }
}
