#if canImport(Glibc)
import Glibc
#endif

/// A file could not be written; nothing half-written was left in its place.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): cannot write: \(reason)" }
}

/// Writes a whole file atomically: a temporary file in the same folder, fsync, rename. A
/// reader (node_exporter's textfile collector) sees the old file or the new one, never a part.
public enum AtomicFile {
    public static func write(_ contents: String, to path: String, mode: mode_t = 0o644) throws(OutputError) {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(path, "cannot create a temporary file in \(dir): \(InputError.reason(errno))") }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var ok = true
        var reason = ""
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                ok = false
                reason = InputError.reason(errno)
                break
            }
            written += n
        }
        if ok, fchmod(fd, mode) != 0 || fsync(fd) != 0 { ok = false; reason = InputError.reason(errno) }
        if close(fd) != 0, ok { ok = false; reason = InputError.reason(errno) }
        if ok, rename(tmp, path) != 0 { ok = false; reason = InputError.reason(errno) }
        if !ok {
            unlink(tmp)
            throw failure(path, reason + (reason.contains("space") ? "; free some disk space" : ""))
        }
    }

    private static func failure(_ path: String, _ reason: String) -> OutputError {
        OutputError(path: path, reason: reason)
    }
}
