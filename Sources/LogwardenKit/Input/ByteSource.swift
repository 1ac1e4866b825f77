#if canImport(Glibc)
import Glibc
#endif

/// Something bytes are read from, a chunk at a time.
public protocol ByteSource {
    /// Fills `buffer` from the start; returns the count read, 0 at end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
    /// Skips `count` bytes (a resumed input); returns how many there were.
    mutating func skip(_ count: Int64) throws(InputError) -> Int64
}

extension ByteSource {
    /// Reads and drops: the only way through a compressed stream.
    public mutating func skip(_ count: Int64) throws(InputError) -> Int64 {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { scratch.deallocate() }
        var left = count
        while left > 0 {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<Int(min(left, Int64(scratch.count)))]))
            if n == 0 { break }
            left -= Int64(n)
        }
        return count - left
    }
}

/// A file descriptor read with read(2). Closes it on deinit when it owns it.
public final class FileDescriptorSource: ByteSource {
    public let fd: Int32
    public let name: String
    private let owns: Bool

    public init(fd: Int32, name: String, owns: Bool) {
        self.fd = fd
        self.name = name
        self.owns = owns
    }

    /// Opens `path` for reading, with an error that names it.
    public convenience init(path: String) throws(InputError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw InputError.cannotOpen(path: path, errno: errno) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError.isDirectory(path: path)
        }
        self.init(fd: fd, name: path, owns: true)
    }

    deinit { if owns { close(fd) } }

    /// A seek for files; pipes read and drop.
    public func skip(_ count: Int64) throws(InputError) -> Int64 {
        let here = lseek(fd, 0, SEEK_CUR)
        var st = stat()
        guard here >= 0, fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return try skipByReading(count)
        }
        let target = min(Int64(here) + count, Int64(st.st_size))
        guard lseek(fd, off_t(target), SEEK_SET) >= 0 else { throw InputError.readFailed(path: name, errno: errno) }
        return target - Int64(here)
    }

    private func skipByReading(_ count: Int64) throws(InputError) -> Int64 {
        var source = ReadOnly(self)
        return try source.skip(count)
    }

    /// The default `skip`, for a descriptor that cannot seek.
    private struct ReadOnly: ByteSource {
        let inner: FileDescriptorSource
        init(_ inner: FileDescriptorSource) { self.inner = inner }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int { try inner.read(into: buffer) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw InputError.readFailed(path: name, errno: errno)
        }
    }
}

/// Bytes already in memory (tests, rule examples).
public struct MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}
