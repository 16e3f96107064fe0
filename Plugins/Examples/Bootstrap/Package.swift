// swift-tools-version:6.0
// An example Swift plugin for klynge: the `bootstrap` stage, built as a dynamic library against
// klynge's plugin package and loaded at run time (`klynge --plugins DIR` or `.load PATH`).
//
//   swift build -c release --package-path Plugins/Examples/Bootstrap
//   klynge --plugins Plugins/Examples/Bootstrap/.build/release/libBootstrapPlugin.so
import PackageDescription

let package = Package(
    name: "BootstrapPlugin",
    products: [
        .library(name: "BootstrapPlugin", type: .dynamic, targets: ["BootstrapPlugin"]),
    ],
    dependencies: [
        // The same plugin package klynge is built with; at run time the plugin uses klynge's copy.
        .package(path: "../../../Packages/KlyngePluginKit"),
    ],
    targets: [
        .target(name: "BootstrapPlugin", dependencies: [.product(name: "KlyngePluginKit", package: "KlyngePluginKit")]),
    ]
)
