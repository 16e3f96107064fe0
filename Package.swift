// swift-tools-version:6.1
// klynge: an analytics shell for Danish general-practice quality clusters.
//
// Targets in the order a line travels through them (ARCHITECTURE.md in README):
// klynge (libedit loop) → Shell (Session.execute) → Query (syntax, plan, evaluation)
// → Output (rendering, writers) → Tabular (columns, readers).
import PackageDescription

/// The plugin package's one dynamic library: PluginKit, Tabular and Statistics.
let pluginKit: Target.Dependency = .product(name: "KlyngePluginKit", package: "KlyngePluginKit")

let package = Package(
    name: "klynge",
    products: [
        .executable(name: "klynge", targets: ["klynge"]),
        .library(name: "Shell", targets: ["Shell"]),
        // For the fuzzers in Fuzz/, which build the parser without the rest.
        .library(name: "Query", targets: ["Query"]),
    ],
    // Spark Connect (`connect NAME "sc://…"`) needs grpc-swift-2, whose first clean build takes about
    // six minutes on two cores: `make run` builds klynge without it, `make test` builds and tests it,
    // `make run SPARK=1` (or `swift build --traits Spark`) builds a klynge that has it.
    traits: [
        .trait(name: "Spark", description: "Spark Connect (sc://) through grpc-swift-2"),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // PluginKit, Tabular and Statistics: one dynamic library that Swift plugins link too.
        .package(path: "Packages/KlyngePluginKit"),
        // HMAC-SHA256 for CPR pseudonyms and the key: a maintained library, not hand-written crypto.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // A notebook's front matter (parameters) is YAML; its prose is Markdown turned into the report's HTML.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        // Spark Connect: gRPC over HTTP/2 with protobuf messages (only in builds with the Spark trait, and the tests).
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // MARK: core (Tabular, Statistics and PluginKit live in Packages/KlyngePluginKit)
        .target(name: "Query", dependencies: [pluginKit]),
        .target(name: "Output", dependencies: [pluginKit, .product(name: "Ink", package: "Ink")]),
        // Pipelines compiled to SQL and run where the data live (PostgreSQL through libpq).
        .target(name: "Remote", dependencies: ["Query", pluginKit, "CLibPQ"]),
        // Spark Connect through gRPC, registered with the shell as a second SQL backend.
        .target(name: "SparkConnect", dependencies: ["Remote", "Shell", pluginKit,
                                                     .product(name: "GRPCCore", package: "grpc-swift-2"),
                                                     .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                                                     .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                                                     .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Proto"]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .target(name: "Shell", dependencies: ["Query", "Output", "Remote", pluginKit, "RatesPlugin", "SurveyPlugin",
                                              .product(name: "Crypto", package: "swift-crypto"),
                                              .product(name: "Yams", package: "Yams"), .product(name: "Ink", package: "Ink")]),

        // MARK: built-in plugins (written against PluginKit only, as a third party would)
        .target(name: "RatesPlugin", dependencies: [pluginKit], path: "Plugins/Rates"),
        .target(name: "SurveyPlugin", dependencies: [pluginKit], path: "Plugins/Survey"),

        // MARK: front end
        .systemLibrary(
            name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "CEditShim", dependencies: ["CEditLine"]),
        .executableTarget(
            name: "klynge",
            dependencies: [
                "Shell", "Output", pluginKit, "CEditShim",
                .target(name: "SparkConnect", condition: .when(traits: ["Spark"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TabularTests", dependencies: [pluginKit, "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "QueryTests", dependencies: ["Query", pluginKit]),
        .testTarget(name: "OutputTests", dependencies: ["Output", pluginKit, "TestSupport"]),
        .testTarget(name: "StatisticsTests", dependencies: [pluginKit], resources: [.copy("Fixtures")]),
        .testTarget(name: "RatesPluginTests", dependencies: ["RatesPlugin", pluginKit, "Shell", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SurveyPluginTests", dependencies: ["SurveyPlugin", "Shell", pluginKit, "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RemoteTests", dependencies: ["Remote", "SparkConnect", "Query", "Shell", pluginKit, "TestSupport"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Query", pluginKit, "Output", "TestSupport"]),
        .testTarget(name: "KlyngeTests", dependencies: ["TestSupport"], exclude: ["Scripts"], resources: [.copy("Fixtures")]),
    ]
)
