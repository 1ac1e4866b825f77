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

    /// Where the files came from, in load order: what `scan` and `watch` say they loaded.
    public struct Origin: Sendable {
        public enum Kind: Sendable, Equatable {
            /// The pack compiled into the binary (rules/patterns and rules/alerts at build time).
            case builtin
            /// `./rules`, the default pack when it exists.
            case directory
            /// A `--rules` path (or a `check` argument): exactly these, no default pack.
            case exact
            /// A `--rules-add` path, on top of the default pack or the `--rules` paths.
            case added
        }
        public var kind: Kind
        /// The path as given (`rules` for ./rules, empty for the built-in pack).
        public var path: String
        public var files: [String] = []
    }

    public var patternFiles: [File] = []
    public var alertFiles: [File] = []
    public var testFiles: [File] = []
    public private(set) var origins: [Origin] = []

    public init() {}

    /// Reads `paths`; a missing path or a file that is none of the three kinds is a diagnostic.
    public static func load(_ paths: [String]) throws(Diagnostics) -> RuleFiles {
        try select(exactly: paths, adding: [], directory: nil)
    }

    /// What a command loads: exactly `paths` when there are any, else `directory` (./rules)
    /// if it exists, else the pack built into the binary; then every path of `added` on top.
    /// With no `directory`, only the paths.
    public static func select(exactly paths: [String], adding added: [String],
                              directory: String? = "rules") throws(Diagnostics) -> RuleFiles {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        if !paths.isEmpty || directory == nil {
            for path in paths { files.read(path, as: .exact, &diags) }
        } else if let directory, access(directory, F_OK) == 0 {
            files.read(directory, as: .directory, &diags)
        } else {
            files = builtin()
        }
        for path in added { files.read(path, as: .added, &diags) }
        if !diags.isEmpty { throw Diagnostics(diags) }
        return files
    }

    /// The pack compiled into the binary, used when there is no `--rules` and no `./rules`.
    public static func builtin() -> RuleFiles {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        files.origins.append(Origin(kind: .builtin, path: ""))
        for (name, text) in BuiltinPack.files { files.add(File(path: "builtin:" + name, text: text), &diags) }
        return files
    }

    private mutating func read(_ path: String, as kind: Origin.Kind, _ diags: inout [Diagnostic]) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            diags.append(Diagnostic(SourceLocation(file: path, line: 1, column: 1),
                                    "cannot read rules: \(InputError.reason(errno)); check the \(kind == .added ? "--rules-add" : "--rules") path"))
            return
        }
        origins.append(Origin(kind: kind, path: path))
        for file in Directory.exists(path) ? Self.yamlFiles(in: path) : [path] {
            guard let text = Self.readText(file) else {
                diags.append(Diagnostic(SourceLocation(file: file, line: 1, column: 1),
                                        "cannot read: \(InputError.reason(errno)); check its permissions"))
                continue
            }
            add(File(path: file, text: text), &diags)
        }
    }

    mutating func add(_ file: File, _ diags: inout [Diagnostic]) {
        if !origins.isEmpty { origins[origins.count - 1].files.append(file.path) }
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
