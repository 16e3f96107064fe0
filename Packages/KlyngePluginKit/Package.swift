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
// without it, because resilient access slows the host's per-column loops, and a plugin built for
// another API version is refused before it runs anyway (PluginAPI.version). Measured on the
// generator's 1M-row data (gen_data.py 1.1 --rows 1000000 --seed 1), release builds, 2-core VM,
// `klynge q.klynge` with `set timer on` (load billing and practices, then Q1 and Q2 of
// shared/bench), three runs each, alternating: with evolution also on Tabular and Statistics (all
// their enums @frozen) Q1 took 27–40 ms against 15–26 ms, Q2 71–89 ms against 24–35 ms; the load
// was the same (0.8–1.0 s).
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
