import Foundation
@testable import LogwardenKit

/// A fresh temporary directory per test, removed by the caller via `defer`.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "logwarden-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ text: String, to path: String) {
    try! text.write(toFile: path, atomically: true, encoding: .utf8)
}

@discardableResult
func shell(_ command: String) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try! p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The package root, found from this file's path.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// A pattern set from YAML text.
func patternSet(_ yaml: String, file: String = "test.yaml") throws -> PatternSet {
    var files = RuleFiles()
    var diags: [Diagnostic] = []
    files.add(RuleFiles.File(path: file, text: yaml), &diags)
    return try PatternSet.load(files)
}

/// Classifies each record of `text`; returns (first line, pattern name or nil, captures).
func classify(_ text: String, with set: PatternSet) -> [(Int, String?, [String])] {
    let classifier = Classifier(set)
    var out: [(Int, String?, [String])] = []
    var source = MemorySource(text)
    _ = try? RecordReader.read(&source, framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 1_780_272_000_000)) {
        let m = classifier.classify($0)
        out.append(($0.firstLine, m.map { set.patterns[$0.pattern].name }, m?.captures ?? []))
    }
    return out
}

extension RecordStream {
    /// Feeds `bytes[range]` in pieces of `chunk` bytes, as reads of that size would.
    mutating func feed(_ bytes: [UInt8], _ range: Range<Int>, chunk: Int, _ emit: (Record) -> Void) {
        var i = range.lowerBound
        while i < range.upperBound {
            let n = min(chunk, range.upperBound - i)
            bytes[i..<(i + n)].withUnsafeBytes { feed($0, emit) }
            i += n
        }
    }
}
