#if canImport(Glibc)
import Glibc
#endif

/// The configuration files named by `--rules` (files or directories, read recursively in name
/// order), sorted by what they hold: pattern files (`patterns:`), alert rule files (`groups:`)
/// and rule unit tests (`tests:`).
public struct RuleFiles: Sendable {
    public struct File: Sendable {
        public var path: String
        public var text: String
    }

    public var patternFiles: [File] = []
    public var alertFiles: [File] = []
    public var testFiles: [File] = []

    public init() {}

    /// Reads `paths`; a missing path or a file that is none of the three kinds is a diagnostic.
    public static func load(_ paths: [String]) throws(Diagnostics) -> RuleFiles {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        for path in paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                diags.append(Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                        "cannot read rules: \(InputError.reason(errno)); check the --rules path"))
                continue
            }
            let list = Directory.exists(path) ? yamlFiles(in: path) : [path]
            for file in list {
                guard let text = readText(file) else {
                    diags.append(Diagnostic(SourceLocation(file: file, line: 1, column: 1),
                                            "cannot read: \(InputError.reason(errno)); check its permissions"))
                    continue
                }
                files.add(File(path: file, text: text), &diags)
            }
        }
        if !diags.isEmpty { throw Diagnostics(diags) }
        return files
    }

    /// The pack compiled into the binary, used when there is no `--rules` and no `./rules`.
    public static func builtin() -> RuleFiles {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        for (name, text) in BuiltinPack.files { files.add(File(path: "builtin:" + name, text: text), &diags) }
        return files
    }

    mutating func add(_ file: File, _ diags: inout [Diagnostic]) {
        switch Self.kind(of: file.text) {
        case "patterns", "classes", "timestamps": patternFiles.append(file)
        case "groups": alertFiles.append(file)
        case "tests", "rules": testFiles.append(file)
        default:
            diags.append(Diagnostic(SourceLocation(file: file.path, line: 1, column: 1),
                                    "not a logwarden file: expected a top-level 'patterns:' (patterns), 'groups:' (alert rules) or 'tests:' (rule tests)"))
        }
    }

    /// The first top-level key, found without a full parse (a broken file still gets sorted
    /// and then reported with its YAML error by the right reader).
    /// Line by line on bytes, stopping at the key: the key is near the top, and splitting a
    /// large rule test file into lines first cost more than the rest of loading it.
    static func kind(of text: String) -> String? {
        var rest = text.utf8[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
            let line = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            // Comments, indented lines, list items and `---` are not top-level keys.
            guard let first = line.first, first != UInt8(ascii: "#"), first != UInt8(ascii: " "), first != UInt8(ascii: "\t"),
                  first != UInt8(ascii: "-") else { continue }
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                return String(decoding: line[..<colon], as: UTF8.self).trimmingSpaces
            }
            return nil
        }
        return nil
    }

    static func yamlFiles(in directory: String) -> [String] {
        Directory.files(in: directory) { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
    }

    static func readText(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
