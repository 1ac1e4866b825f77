#if canImport(Glibc)
import Glibc
#endif

/// A descriptor read as it becomes readable: stdin from `journalctl -f`, any pipe, or a
/// redirected file. It has no position and no rotation; it ends at EOF.
public final class StreamInput {
    public let fd: Int32
    public let name: String
    public private(set) var atEOF = false
    public private(set) var bytesRead = 0
    public private(set) var lastRead: EpochMillis?
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)

    public init(fd: Int32 = 0, name: String = "-") {
        self.fd = fd
        self.name = name
    }

    deinit { chunk.deallocate() }

    /// Stops reading (after a read error): treated as the end of the input.
    public func close() { atEOF = true }

    /// Bytes waiting in the pipe: how far reading is behind the writer.
    public var pendingBytes: Int {
        var n: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &n) == 0 ? Int(n) : 0
    }

    /// Reads while data is ready, up to `budget` bytes, without blocking. Returns true when
    /// more is ready.
    public func read(now: EpochMillis, budget: Int, _ handle: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool {
        var left = budget
        while !atEOF, left > 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 0)
            if ready == 0 { return false }
            if ready < 0 {
                if errno == EINTR { continue }
                throw InputError.readFailed(path: name, errno: errno)
            }
            let n = Glibc.read(fd, chunk.baseAddress, min(chunk.count, left))
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw InputError.readFailed(path: name, errno: errno)
            }
            if n == 0 {
                atEOF = true
                return false
            }
            handle(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            bytesRead += n
            lastRead = now
            left -= n
        }
        return !atEOF
    }
}
