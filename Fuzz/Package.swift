// swift-tools-version:6.0
// Coverage-guided fuzzing of what klynge reads from users and files, with libFuzzer
// (Fuzz/README.md has the commands). Not part of `make test`, which runs a short deterministic
// random-input pass over the same entry points (Tests/ShellTests/RandomInputTests.swift).
import PackageDescription

let package = Package(
    name: "KlyngeFuzz",
    dependencies: [
        .package(name: "klynge", path: ".."),
        .package(path: "../Packages/KlyngePluginKit"),
    ],
    targets: [
        // SwiftPM gives each executable a main of its own, so the targets call libFuzzer's driver from it.
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "FuzzParser", dependencies: ["CFuzzDriver", .product(name: "Query", package: "klynge"),
                                                             .product(name: "KlyngePluginKit", package: "KlyngePluginKit")]),
        .executableTarget(name: "FuzzCSV", dependencies: ["CFuzzDriver", .product(name: "KlyngePluginKit", package: "KlyngePluginKit")]),
        .executableTarget(name: "FuzzXLSX", dependencies: ["CFuzzDriver", .product(name: "KlyngePluginKit", package: "KlyngePluginKit")]),
    ]
)
