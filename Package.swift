// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "smmuscope",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "smmuscope", targets: ["smmuscope"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .target(name: "SMMUModel"),
    .target(name: "SMMUDriver", dependencies: ["SMMUModel"]),
    .target(name: "Checker", dependencies: ["SMMUModel", "SMMUDriver"]),
    .target(name: "Scenario", dependencies: ["SMMUModel", "SMMUDriver", "Checker"]),
    .target(name: "TraceImport", dependencies: ["SMMUModel", "SMMUDriver", "Scenario"]),
    .target(
      name: "Explorer", dependencies: ["SMMUModel", "SMMUDriver", "Checker", "Scenario", "TraceImport"]),
    .systemLibrary(name: "CNcurses", path: "CNcurses", providers: [.apt(["libncurses-dev"])]),
    .target(name: "Terminal", dependencies: ["CNcurses", "Explorer"]),
    .target(name: "TestSupport", path: "Sources/TestSupport"),
    .target(name: "Fuzzing", dependencies: ["SMMUDriver", "Scenario", "TraceImport", "TestSupport"]),
    .executableTarget(name: "smmuscope-fuzz", dependencies: ["Fuzzing", "Scenario"]),
    .executableTarget(
      name: "smmuscope",
      dependencies: [
        "SMMUModel", "SMMUDriver", "Scenario", "TraceImport", "Explorer", "Terminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "SMMUModelTests", dependencies: ["SMMUModel"]),
    .testTarget(name: "SMMUDriverTests", dependencies: ["SMMUModel", "SMMUDriver", "TestSupport"]),
    .testTarget(
      name: "CheckerTests", dependencies: ["SMMUModel", "SMMUDriver", "Checker", "Scenario", "TestSupport"]),
    .testTarget(name: "ScenarioTests", dependencies: ["SMMUModel", "SMMUDriver", "Scenario", "TestSupport"]),
    .testTarget(
      name: "ExplorerTests", dependencies: ["Checker", "Explorer", "Scenario", "TraceImport"],
      exclude: ["Golden"]),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing"], exclude: ["Regressions"]),
    .testTarget(
      name: "ImportTests", dependencies: ["SMMUModel", "Scenario", "TraceImport", "TestSupport"],
      exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
