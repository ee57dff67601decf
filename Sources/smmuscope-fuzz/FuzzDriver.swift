import Foundation
import Fuzzing
import Scenario

#if canImport(Glibc)
  import Glibc
#endif

/// The input being run, kept where a signal handler can write it out when the input crashes.
nonisolated(unsafe) private var crashInput = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
nonisolated(unsafe) private var crashInputLength = 0
nonisolated(unsafe) private var crashFilePath: UnsafeMutablePointer<CChar>?

/// Runs campaigns and reports what they found.
enum FuzzDriver {
  static func run(_ o: FuzzOptions) -> Int32 {
    try? FileManager.default.createDirectory(atPath: o.out, withIntermediateDirectories: true)
    installCrashHandlers()
    var totalInputs = 0
    var totalSlow = 0
    for (k, target) in o.targets.enumerated() {
      let seeds: [[UInt8]]
      var context = FuzzContext()
      switch target {
      case .scenario: seeds = FuzzSeeds.scenarios()
      case .trace: seeds = o.seedRoots.flatMap { FuzzSeeds.traces(under: $0) }
      case .dump:
        seeds = o.seedRoots.flatMap { FuzzSeeds.dumpReadmes(under: $0) }
        context = FuzzContext.forDumps(under: o.seedRoots)
      }
      guard !seeds.isEmpty, target != .dump || context.dumpDirectory != nil else {
        print("\(target.rawValue): no seeds (pass --seeds DIR with QEMU runs); skipped")
        continue
      }
      if let corpus = o.emitSeeds {
        let dir = corpus + "/" + target.rawValue
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (i, s) in seeds.enumerated() {
          _ = FileManager.default.createFile(atPath: "\(dir)/seed-\(i)", contents: Data(s))
        }
        print("\(target.rawValue): \(seeds.count) seeds written to \(dir)")
        continue
      }
      let path = "\(o.out)/crash-\(target.rawValue)-seed\(o.seed)"
      crashFilePath = strdup(path)
      var campaign = FuzzCampaign(
        target: target, seeds: seeds, seed: o.seed &+ UInt64(k), context: context, maxLength: o.maxLength)
      campaign.slowSecondsPerKiB = o.slowSecondsPerKiB
      // The runs split evenly, the first targets taking the remainder: exactly --runs in all.
      let share = o.runs / o.targets.count + (k < o.runs % o.targets.count ? 1 : 0)
      let outcome = campaign.run(count: share) { input in
        let n = min(input.count, 1 << 20)
        if n > 0 { input.withUnsafeBufferPointer { crashInput.update(from: $0.baseAddress!, count: n) } }
        crashInputLength = n
      }
      for (i, slow) in outcome.slow.enumerated() {
        _ = FileManager.default.createFile(
          atPath: "\(o.out)/slow-\(target.rawValue)-seed\(o.seed)-\(i)", contents: Data(slow.input))
      }
      totalInputs += outcome.inputs
      totalSlow += outcome.slow.count
      print(
        "\(target.rawValue): \(outcome.inputs) inputs from \(seeds.count) seeds in "
          + "\(String(format: "%.1f", outcome.seconds)) s, 0 crashes, \(outcome.slow.count) slow "
          + "(worst \(String(format: "%.3f", outcome.worstSecondsPerKiB)) s per KiB)")
    }
    if o.emitSeeds != nil { return 0 }
    print("fuzz: \(totalInputs) inputs, 0 crashes, \(totalSlow) slow inputs (findings in \(o.out))")
    return totalSlow == 0 ? 0 : 1
  }

  /// On a trap or fault, writes the input being run to the crash file, says so, and dies of
  /// the same signal.
  static func installCrashHandlers() {
    for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT] {
      signal(sig) { sig in
        if let path = crashFilePath {
          let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
          if fd >= 0 {
            _ = write(fd, crashInput, crashInputLength)
            close(fd)
          }
          let note = "smmuscope-fuzz: CRASH (signal); the input is saved in the crash file\n"
          _ = note.withCString { write(2, $0, strlen($0)) }
        }
        signal(sig, SIG_DFL)
        raise(sig)
      }
    }
  }
}
