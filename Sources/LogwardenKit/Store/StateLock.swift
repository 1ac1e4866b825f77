#if canImport(Glibc)
import Glibc
#endif

/// One process per state file: an flock on `FILE.lock`, holding the owner's PID. The kernel
/// drops the lock when its process dies, so a `kill -9` never leaves a stale lock.
final class StateLock {
    private let fd: Int32

    init(path: String, wait: Bool) throws(StateError) {
        let lockPath = path + ".lock"
        fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: lockPath, reason: InputError.reason(errno)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK, wait else {
                let pid = Self.holder(fd)
                close(fd)
                throw .locked(path: path, pid: pid)
            }
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR {
                    close(fd)
                    throw .cannotOpen(path: lockPath, reason: InputError.reason(errno))
                }
            }
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }

    private static func holder(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n].filter { $0 >= 48 && $0 <= 57 }, as: UTF8.self))
    }
}
