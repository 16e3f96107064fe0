// swift-tools-version:6.0
// klynge: an analytics shell for Danish general-practice quality clusters.
//
// Targets in the order a line travels through them (ARCHITECTURE.md in README):
// klynge (libedit loop) → Shell (Session.execute) → Query (syntax, plan, evaluation)
// → Output (rendering, writers) → Tabular (columns, readers).
import PackageDescription

let package = Package(
    name: "klynge",
    products: [
        .executable(name: "klynge", targets: ["klynge"]),
        .library(name: "Shell", targets: ["Shell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Excel workbooks are ZIP packages: a maintained ZIP library rather than hand-written inflate.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // MARK: core
        .target(name: "Tabular", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Query", dependencies: ["Tabular", "PluginKit", "Statistics"]),
        .target(name: "Output", dependencies: ["Tabular", "PluginKit"]),
        .target(name: "Shell", dependencies: ["Query", "Output", "Tabular", "PluginKit", "RatesPlugin", "SurveyPlugin"]),
        .systemLibrary(
            name: "CRmath", path: "Sources/CRmath", pkgConfig: "libRmath",
            providers: [.apt(["r-mathlib"])]),
        .target(name: "Statistics", dependencies: ["CRmath"]),
        .target(name: "PluginKit", dependencies: ["Tabular", "Statistics"]),

        // MARK: built-in plugins (written against PluginKit only, as a third party would)
        .target(name: "RatesPlugin", dependencies: ["PluginKit", "Tabular", "Statistics"], path: "Plugins/Rates"),
        .target(name: "SurveyPlugin", dependencies: ["PluginKit", "Tabular", "Statistics"], path: "Plugins/Survey"),

        // MARK: front end
        .systemLibrary(
            name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "CEditShim", dependencies: ["CEditLine"]),
        .executableTarget(
            name: "klynge",
            dependencies: [
                "Shell", "Output", "Tabular", "CEditShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Tabular"]),
        .testTarget(name: "OutputTests", dependencies: ["Output", "Tabular", "TestSupport"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RatesPluginTests", dependencies: ["RatesPlugin", "PluginKit", "Shell", "Tabular", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SurveyPluginTests", dependencies: ["SurveyPlugin", "Shell", "Tabular", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Query", "Tabular", "Output", "TestSupport"]),
        .testTarget(name: "KlyngeTests", dependencies: ["TestSupport"], exclude: ["Scripts"], resources: [.copy("Fixtures")]),
    ]
)
