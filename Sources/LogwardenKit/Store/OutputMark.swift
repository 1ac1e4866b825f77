import Glibc

/// Where a batch of committed transitions begins on stdout, when stdout is a regular file
/// (`>> alerts.log` from cron). A run killed after writing the batch and before forgetting
/// it leaves the batch in the state; the next run reads the file from this mark and does not
/// print again what is already there. A pipe or a terminal keeps no such record: there a
/// kill in that instant prints the batch a second time.
public struct OutputMark: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64

    public init(device: UInt64, inode: UInt64, offset: Int64) {
        self.device = device
        self.inode = inode
        self.offset = offset
    }

    /// Its keys in the state's `meta` table.
    static let metaKeys = ["stdout_device", "stdout_inode", "stdout_offset"]

    init?(meta: [String: Int64]) {
        guard let d = meta[Self.metaKeys[0]], let i = meta[Self.metaKeys[1]], let o = meta[Self.metaKeys[2]] else { return nil }
        self.init(device: UInt64(bitPattern: d), inode: UInt64(bitPattern: i), offset: o)
    }

    var meta: [(String, Int64)] {
        Array(zip(Self.metaKeys, [Int64(bitPattern: device), Int64(bitPattern: inode), offset]))
    }

    /// The file behind `fd` and where its next write lands, or nil when it is not a regular file.
    public static func current(_ fd: Int32 = 1) -> OutputMark? {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else { return nil }
        // O_APPEND (`>>`) writes at the end; otherwise at the descriptor's offset (`>`).
        let offset = flags & O_APPEND != 0 ? Int64(st.st_size) : Int64(lseek(fd, 0, SEEK_CUR))
        guard offset >= 0 else { return nil }
        return OutputMark(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), offset: offset)
    }

    /// How many of `rendered`, in order, the file behind `fd` already holds from the mark on.
    public func alreadyWritten(_ rendered: [[UInt8]], fd: Int32 = 1) -> Int {
        guard let now = OutputMark.current(fd), now.device == device, now.inode == inode else { return 0 }
        // Descriptor 1 is usually write-only: read the same file again through /proc.
        let reader = open("/proc/self/fd/\(fd)", O_RDONLY | O_CLOEXEC)
        guard reader >= 0 else { return 0 }
        defer { close(reader) }
        var at = offset
        var count = 0
        for bytes in rendered {
            var held = [UInt8](repeating: 0, count: bytes.count)
            let got = held.withUnsafeMutableBytes { pread(reader, $0.baseAddress, bytes.count, off_t(at)) }
            guard got == bytes.count, held == bytes else { break }
            at += Int64(bytes.count)
            count += 1
        }
        return count
    }
}
