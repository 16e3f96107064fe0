// swift-tools-version:6.0
// A Swift plugin library that says it was built for plugin API 2: klynge must refuse it before
// its entry point runs (which would stop the process if it did).
import PackageDescription

let package = Package(
    name: "WrongAPIPlugin",
    products: [.library(name: "WrongAPIPlugin", type: .dynamic, targets: ["WrongAPIPlugin"])],
    targets: [.target(name: "WrongAPIPlugin")]
)
