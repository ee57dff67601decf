// The fuzz driver (scripts/fuzz.sh). Built normally it is a deterministic mutation fuzzer;
// built with `-sanitize=fuzzer -DFUZZING` it is a libFuzzer target instead (the target from
// SMMUSCOPE_FUZZ_TARGET, seeds from libFuzzer's corpus directories).
import Foundation
import Fuzzing
import Scenario

#if canImport(Glibc)
  import Glibc
#endif

#if FUZZING
  nonisolated(unsafe) var libFuzzerTarget: FuzzTarget?
  nonisolated(unsafe) var libFuzzerContext = FuzzContext()

  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if libFuzzerTarget == nil {
      let env = ProcessInfo.processInfo.environment
      libFuzzerTarget = FuzzTarget(rawValue: env["SMMUSCOPE_FUZZ_TARGET"] ?? "scenario") ?? .scenario
      if libFuzzerTarget == .dump {
        libFuzzerContext = FuzzContext.forDumps(under: [
          env["SMMUSCOPE_FUZZ_SEEDS"] ?? "Tests/ImportTests/Fixtures"
        ])
      }
    }
    libFuzzerTarget?.run(Array(UnsafeBufferPointer(start: data, count: size)), context: libFuzzerContext)
    return 0
  }
#else
  @main
  enum FuzzMain {
    static func main() {
      do {
        let options = try FuzzOptions(CommandLine.arguments.dropFirst())
        exit(FuzzDriver.run(options))
      } catch {
        FileHandle.standardError.write(Data("smmuscope-fuzz: \(error.message)\n\(FuzzOptions.usage)\n".utf8))
        exit(2)
      }
    }
  }
#endif
