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

  /// libFuzzer's entry for programs that keep their own `main` (SwiftPM names the executable's
  /// entry point itself, so libFuzzer's `main` cannot be used).
  @_silgen_name("LLVMFuzzerRunDriver")
  func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt

  @main
  enum FuzzMain {
    static func main() {
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(llvmFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
    }
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
