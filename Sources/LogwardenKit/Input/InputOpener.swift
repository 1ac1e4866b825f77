#if canImport(Glibc)
import Glibc
#endif

/// An opened input: plain or gzip (told apart by the magic bytes, not the name).
public struct OpenedInput {
    public var source: any ByteSource
    public var name: String
    /// The file's modification time (now for stdin): the reference for syslog's missing year.
    public var modified: EpochMillis
    public var compressed: Bool
    /// The file behind it (nil for stdin and text): how a state file recognises it.
    public var file: FileIdentity?
}

public enum InputOpener {
    public static func open(_ spec: InputSpec, now: EpochMillis) throws(InputError) -> OpenedInput {
        let fdSource: FileDescriptorSource
        var modified = now
        var identity: FileIdentity? = nil
        switch spec {
        case let .text(name, text):
            return OpenedInput(source: MemorySource(text), name: name, modified: now, compressed: false, file: nil)
        case .stdin:
            fdSource = FileDescriptorSource(fd: 0, name: "-", owns: false)
        case let .file(path):
            fdSource = try FileDescriptorSource(path: path)
            var st = stat()
            if fstat(fdSource.fd, &st) == 0 {
                modified = EpochMillis(st.st_mtim.tv_sec) * 1000 + EpochMillis(st.st_mtim.tv_nsec / 1_000_000)
                identity = FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                                        modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
            }
        }
        // Sniff two bytes; a short read just means a tiny or empty input.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { scratch.deallocate() }
        var got = 0
        while got < 2 {
            let n = try fdSource.read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[got...]))
            if n == 0 { break }
            got += n
        }
        let prefix = Array(scratch[0..<got])
        if got == 2, prefix[0] == 0x1f, prefix[1] == 0x8b {
            let gz = try GzipSource(fdSource, name: spec.description, prefix: prefix)
            return OpenedInput(source: gz, name: spec.description, modified: modified, compressed: true, file: identity)
        }
        return OpenedInput(source: PrefixedSource(prefix: prefix, rest: fdSource), name: spec.description,
                           modified: modified, compressed: false, file: identity)
    }
}

/// Hands out bytes that were already read, then the rest of the source.
public struct PrefixedSource<Rest: ByteSource>: ByteSource {
    private var prefix: [UInt8]
    private var rest: Rest

    public init(prefix: [UInt8], rest: Rest) {
        self.prefix = prefix
        self.rest = rest
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if !prefix.isEmpty {
            let n = min(prefix.count, buffer.count)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            prefix.removeFirst(n)
            return n
        }
        return try rest.read(into: buffer)
    }

    public mutating func skip(_ count: Int64) throws(InputError) -> Int64 {
        let fromPrefix = min(Int64(prefix.count), count)
        prefix.removeFirst(Int(fromPrefix))
        return try fromPrefix + rest.skip(count - fromPrefix)
    }
}
