import Foundation
import Testing

/// Runs the built `logwarden` binary, as a user would.
enum CLI {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static let binary: String = {
        if let env = ProcessInfo.processInfo.environment["LOGWARDEN_BIN"] { return env }
        // The test bundle sits next to the products of the same build.
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        for dir in [here, root + "/.build/debug"] where FileManager.default.isExecutableFile(atPath: dir + "/logwarden") {
            return dir + "/logwarden"
        }
        return root + "/.build/debug/logwarden"
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stderr without the line that says which rules were loaded (scan writes one, watch
        /// logs one): what is left is what a test is about.
        var problems: String {
            stderr.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("logwarden: loaded ") && !$0.contains(#"msg="loaded "#) }.joined(separator: "\n")
        }
    }

    /// Runs in the package root unless `cwd` is given; `stdin` is piped in when given.
    static func run(_ args: [String], stdin: String? = nil, cwd: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd ?? root)
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a full stderr cannot block stdout.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Compares with `Expected/NAME`; `UPDATE_GOLDEN=1 swift test` rewrites the files.
    static func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = root + "/Tests/EndToEndTests/Expected/" + name
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try! actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<missing \(name)>"
        #expect(actual == expected, "output differs from Expected/\(name)", sourceLocation: sourceLocation)
    }

    /// Runs another program with stdout and stderr combined: promtool, or a script of
    /// Tests/ given the binary with `--bin`.
    static func tool(_ executable: String, _ args: [String], cwd: String? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd ?? root)
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, out)
    }

    static func sh(_ command: String) throws -> (status: Int32, output: String) { try tool("/bin/sh", ["-c", command]) }

    /// A Python script under Tests/ (`Live/follow_test.py`), run against this binary.
    static func script(_ path: String, _ args: [String] = []) throws -> (status: Int32, output: String) {
        try tool("/usr/bin/env", ["python3", root + "/Tests/" + path, "--bin", binary] + args)
    }

    static func tempDir() -> String {
        let path = NSTemporaryDirectory() + "logwarden-e2e-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
