#if canImport(Glibc)
import Glibc
#endif

/// Something bytes are read from, a chunk at a time.
public protocol ByteSource {
    /// Fills `buffer` from the start; returns the count read, 0 at end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
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
