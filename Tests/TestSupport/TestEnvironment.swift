import Foundation

/// Where tests find the repository, the shared folder beside it, the built binary and Python.
public enum TestEnvironment {
    /// The repository's root folder.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared` beside the repository, when it is there (tests that need it skip otherwise).
    public static let shared: URL? = {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// The real QOF 2019-20 folder in shared/data/real, when present.
    public static let qof: URL? = {
        guard let shared else { return nil }
        let url = shared.appendingPathComponent("data/real/qof-2019-20")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("PREVALENCE_1920.csv").path) ? url : nil
    }()

    /// The `klynge` binary: `$KLYNGE_BIN` (set by `make test` to the release build), else a local build.
    public static let binary: URL? = {
        if let path = ProcessInfo.processInfo.environment["KLYNGE_BIN"], FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        for folder in [".build/release", ".build/debug"] {
            let url = repositoryRoot.appendingPathComponent(folder).appendingPathComponent("klynge")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }()

    /// An empty folder that stands in for the user's data folder while tests run the binary.
    public static let emptyDataHome = temporaryFolder("data-home")
    /// The state folder (export log) and config folder (pseudonym key) of the binary under test.
    public static let privateStateHome = temporaryFolder("state-home"), privateConfigHome = temporaryFolder("config-home")
    /// The cache folder (load cache) of the binary under test.
    public static let privateCacheHome = temporaryFolder("cache-home")

    /// A new empty temporary folder.
    public static func temporaryFolder(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klynge-\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The result of running a program.
    public struct Run: Sendable {
        /// What it wrote to standard output.
        public var stdout: String
        /// What it wrote to standard error.
        public var stderr: String
        /// Its exit status.
        public var status: Int32
    }

    /// Runs a program to completion with optional standard input.
    public static func run(_ executable: URL, _ arguments: [String], input: String? = nil, directory: URL? = nil,
                           environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        // The user's own plugins (~/.local/share/klynge/plugins) must not change what a test sees.
        env["XDG_DATA_HOME"] = emptyDataHome.path
        // Nor may a test write to the user's own export log or pseudonym key.
        env["XDG_STATE_HOME"] = privateStateHome.path
        env["XDG_CONFIG_HOME"] = privateConfigHome.path
        env["XDG_CACHE_HOME"] = privateCacheHome.path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
                   status: process.terminationStatus)
    }

    /// A python3 on the PATH (for the example process plugins), when there is one.
    public static let python3: URL? = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let url = URL(fileURLWithPath: "\(folder)/python3")
            if FileManager.default.isExecutableFile(atPath: url.path), let r = try? run(url, ["-c", "pass"]), r.status == 0 { return url }
        }
        return nil
    }()

    /// The plugin fixtures that misbehave on purpose (Tests/PluginFixtures).
    public static let pluginFixtures = repositoryRoot.appendingPathComponent("Tests/PluginFixtures")

    /// The example plugins (Plugins/Examples).
    public static let pluginExamples = repositoryRoot.appendingPathComponent("Plugins/Examples")

    /// The first of these programs on the PATH, when one is installed.
    public static func program(_ names: String...) -> URL? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            for name in names {
                let url = URL(fileURLWithPath: "\(folder)/\(name)")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }

    /// Chromium (Debian's `chromium`), for screenshots of HTML reports, when installed.
    public static let chromium = program("chromium", "chromium-browser")
    /// LibreOffice (`libreoffice-impress`) and pdftoppm (`poppler-utils`), to render decks to pictures.
    public static let soffice = program("soffice", "libreoffice"), pdftoppm = program("pdftoppm")

    /// A python3 that can import python-pptx, openpyxl and openxml-audit (to read and validate decks).
    public static let pythonWithDeckTools: URL? = {
        guard let python = python3, let r = try? run(python, ["-c", "import pptx, openpyxl, openxml_audit"]), r.status == 0 else { return nil }
        return python
    }()

    /// A python3 that can import numpy (for the data generator), when there is one.
    public static let pythonWithNumpy: URL? = {
        for path in ["/usr/bin/python3", "/usr/local/bin/python3"] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" } {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.isExecutableFile(atPath: path) else { continue }
            if let r = try? run(url, ["-c", "import numpy"]), r.status == 0 { return url }
        }
        return nil
    }()
}
