#if canImport(Glibc)
import Glibc
#endif

/// A problem with one input. The other inputs are still read; the run exits 2.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case isDirectory(path: String)
    case readFailed(path: String, errno: Int32)
    case noMatch(pattern: String)
    case corruptGzip(path: String, detail: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, code):
            let hint = code == ENOENT ? "check the path" : code == EACCES ? "check its permissions or run as a user that can read it" : "check the file"
            return "\(path): cannot open: \(Self.reason(code)); \(hint)"
        case let .isDirectory(path):
            return "\(path): is a directory; name the files in it or a glob such as '\(path)/*.log'"
        case let .readFailed(path, code):
            return "\(path): read failed: \(Self.reason(code))"
        case let .noMatch(pattern):
            return "\(pattern): no file matches this pattern; check the path or quote it differently"
        case let .corruptGzip(path, detail):
            return "\(path): gzip data is corrupt or truncated (\(detail)); the records before the damage were read"
        }
    }

    public static func reason(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }
}
