#if canImport(Glibc)
import Glibc
#endif

/// One input named on the command line, after expansion.
public enum InputSpec: Sendable, Hashable, CustomStringConvertible {
    case stdin
    case file(String)
    /// Text given in place (a rule test's `input:`), under a name.
    case text(name: String, String)

    public var description: String {
        switch self {
        case .stdin: return "-"
        case let .file(path): return path
        case let .text(name, _): return name
        }
    }

    /// Expands command-line arguments: `-` is stdin; a glob is expanded by logwarden in name
    /// order (so it also works quoted, and from cron); a directory stands for the log files
    /// in it (`*.log`, rotated `*.log.N`, `*.gz`, `*.json`, `*.jsonl`, `*.txt`), recursively,
    /// in name order; anything else is a file, checked when it is opened.
    public static func expand(_ arguments: [String]) -> (inputs: [InputSpec], errors: [InputError]) {
        var inputs: [InputSpec] = []
        var errors: [InputError] = []
        var seen = Set<InputSpec>()
        func add(_ spec: InputSpec) {
            if seen.insert(spec).inserted { inputs.append(spec) }
        }
        for arg in arguments {
            if arg == "-" {
                add(.stdin)
            } else if isGlob(arg) {
                let matches = glob(arg)
                if matches.isEmpty { errors.append(.noMatch(pattern: arg)) }
                for path in matches {
                    if Directory.exists(path) { logFiles(in: path).forEach { add(.file($0)) } } else { add(.file(path)) }
                }
            } else if Directory.exists(arg) {
                logFiles(in: arg).forEach { add(.file($0)) }
            } else {
                add(.file(arg))
            }
        }
        return (inputs, errors)
    }

    static func isGlob(_ s: String) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }

    static func isLogName(_ name: String) -> Bool {
        if name.hasPrefix(".") { return false }
        for suffix in [".log", ".gz", ".json", ".jsonl", ".txt"] where name.hasSuffix(suffix) { return true }
        return name.contains(".log.")
    }

    static func logFiles(in directory: String) -> [String] { Directory.files(in: directory, where: isLogName) }
}
