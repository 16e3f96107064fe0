// swift-tools-version:6.0
// klynge's plugin package: PluginKit (the extension API) with Tabular (columns, tables, readers) and
// Statistics (intervals, funnels, R's math library), built as ONE dynamic library.
//
// klynge links this library, and so does every Swift plugin (Plugins/Examples/Bootstrap shows how):
// when klynge loads a plugin with dlopen, the plugin's reference to libKlyngePluginKit.so resolves
// to the copy klynge already has, so host and plugin share one copy of every type (two copies would
// make `as?` casts and protocol conformances fail silently).
//
// Library evolution is on for PluginKit, the API a plugin sees; Tabular and Statistics are built
// without it, because resilient access would slow the host's per-column loops, and a plugin built
// for another API version is refused before it runs anyway (PluginAPI.version).
import PackageDescription

let package = Package(
    name: "KlyngePluginKit",
    products: [
        .library(name: "KlyngePluginKit", type: .dynamic, targets: ["PluginKit", "Tabular", "Statistics"]),
    ],
    dependencies: [
        // Excel workbooks are ZIP packages: a maintained ZIP library rather than hand-written inflate.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        .target(name: "Tabular", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .systemLibrary(
            name: "CRmath", path: "Sources/CRmath", pkgConfig: "libRmath",
            providers: [.apt(["r-mathlib"])]),
        .target(name: "Statistics", dependencies: ["CRmath"]),
        .target(name: "PluginKit", dependencies: ["Tabular", "Statistics"],
                swiftSettings: [.unsafeFlags(["-enable-library-evolution", "-no-verify-emitted-module-interface"])]),
    ]
)
