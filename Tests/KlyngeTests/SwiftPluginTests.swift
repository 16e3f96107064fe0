import Foundation
import Testing
import TestSupport

/// The example Swift plugin (Plugins/Examples/Bootstrap) built as a separate package against the
/// plugin package, and loaded into the real binary with `--plugins` and `.load`.
@Suite(.enabled(if: TestEnvironment.binary != nil, "needs the klynge binary"), .serialized)
struct SwiftPluginTests {
    /// Builds a plugin package in release mode (as `make test` builds klynge) and returns its library.
    static func build(_ package: URL, product: String) throws -> URL {
        let swift = URL(fileURLWithPath: "/usr/bin/env")
        let r = try TestEnvironment.run(swift, ["swift", "build", "-c", "release", "--package-path", package.path, "--product", product])
        try #require(r.status == 0, "building \(package.lastPathComponent) failed:\n\(r.stdout)\n\(r.stderr)")
        let bin = try TestEnvironment.run(swift, ["swift", "build", "-c", "release", "--package-path", package.path, "--show-bin-path"])
        return URL(fileURLWithPath: bin.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).appendingPathComponent("lib\(product).so")
    }

    static let bootstrap = Result { try build(TestEnvironment.pluginExamples.appendingPathComponent("Bootstrap"), product: "BootstrapPlugin") }

    /// A folder holding only the built library, as a user's plugin folder would.
    func pluginFolder(_ library: URL) throws -> URL {
        let folder = TestEnvironment.temporaryFolder("swift-plugins")
        try FileManager.default.copyItem(at: library, to: folder.appendingPathComponent(library.lastPathComponent))
        return folder
    }

    @Test func theBootstrapPluginLoadsWithPluginsAndRuns() throws {
        let folder = try pluginFolder(try Self.bootstrap.get())
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", "--plugins", folder.path, "--format", "csv",
                                                                  "-c", "practices | bootstrap listed_patients by cluster replicates 1000"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("loaded plugin 'bootstrap' 1.0.0 from \(folder.path)/libBootstrapPlugin.so: stage bootstrap"))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "cluster,n,estimate,lower95,upper95,replicates,method")
        // The estimate is the cluster's mean list size; the interval lies around it.
        let means = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", "--format", "csv", "-c", "practices | summarize m = mean(listed_patients) by cluster"])
        let expected = means.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        try #require(lines.count - 1 == expected.count)
        for (line, mean) in zip(lines.dropFirst(), expected) {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells[0] == String(mean[0]))
            let estimate = try #require(Double(cells[2])), lower = try #require(Double(cells[3])), upper = try #require(Double(cells[4]))
            #expect(abs(estimate - Double(mean[1])!) < 1e-6 * estimate)
            #expect(lower < estimate && estimate < upper)
        }
        // Seeded: the same numbers again.
        let again = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", "--plugins", folder.path, "--format", "csv",
                                                                      "-c", "practices | bootstrap listed_patients by cluster replicates 1000"])
        #expect(again.stdout == r.stdout)
    }

    @Test func itsFunctionsJoinExpressions() throws {
        let folder = try pluginFolder(try Self.bootstrap.get())
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", "--plugins", folder.path, "--format", "csv",
                                                                  "-c", "practices | take 1 | select lo = exact_lower(3, 95), hi = exact_upper(3, 95)",
                                                                  "-c", "practices | derive x = exact_lower(cluster, 95)"])
        // PHEindicatormethods' exact limits for 3 events at 95%: qchisq(0.025, 6)/2 and qchisq(0.975, 8)/2.
        let cells = r.stdout.split(separator: "\n")[1].split(separator: ",").compactMap { Double($0) }
        #expect(cells.count == 2 && abs(cells[0] - 0.61867212) < 1e-6 && abs(cells[1] - 8.76727307) < 1e-6)
        #expect(r.stderr.contains("error: exact_lower needs a number as argument 1, not text"))
        #expect(r.stderr.contains("loaded plugin 'bootstrap' 1.0.0 from \(folder.path)/libBootstrapPlugin.so: stage bootstrap; functions exact_lower, exact_upper"))
    }

    @Test func dotLoadAddsItToARunningShellAndASecondLoadClashes() throws {
        let library = try Self.bootstrap.get()
        let script = """
            .load \(library.path)
            help bootstrap
            practices | bootstrap listed_patients median replicates 200
            .load \(library.path)
            .plugins
            """
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", "--format", "csv"], input: script)
        #expect(r.stdout.contains("bootstrap X [by G] [median] [replicates R] [seed S]"))
        #expect(r.stdout.contains("percentile bootstrap of the median, seed 1"))
        #expect(r.stderr.contains("name 'bootstrap' of plugin 'bootstrap' (\(library.path)) clashes with the name 'bootstrap' of plugin 'bootstrap' (\(library.path)); the plugin was not loaded"))
        #expect(r.stdout.contains("bootstrap,1.0.0,\(library.path),stage,bootstrap"))
        #expect(r.status == 1, "the clash is a failed statement")
    }

    @Test func aLibraryBuiltForAnotherAPIVersionIsRefusedBeforeItRuns() throws {
        let library = try Self.build(TestEnvironment.pluginFixtures.appendingPathComponent("WrongAPISwift"), product: "WrongAPIPlugin")
        let r = try TestEnvironment.run(TestEnvironment.binary!, ["--plugins", library.path, "-c", "1"])
        #expect(r.stderr.contains("was built for plugin API 2, this klynge speaks API 1; rebuild it against this klynge's PluginKit"))
        #expect(!r.stderr.contains("the entry point of a plugin built for another API ran"))
        #expect(r.status == 2)
        // In a running shell, the shell goes on.
        let repl = try TestEnvironment.run(TestEnvironment.binary!, ["--demo", "--format", "csv"], input: ".load \(library.path)\npractices | take 1 | select cluster\n")
        #expect(repl.stderr.contains("built for plugin API 2"))
        #expect(repl.stdout.contains("cluster\n"))
    }
}
