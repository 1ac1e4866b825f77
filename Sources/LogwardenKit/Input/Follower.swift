#if canImport(Glibc)
import Glibc
#endif
import Logging

/// What the follower tells the reader of its files.
public enum FollowEvent {
    /// A file is followed from now on, under an input name, from `offset`; `head` is its
    /// first bytes (up to 1 KiB), by which a state file knows it.
    case opened(id: Int, name: String, file: FileIdentity, head: [UInt8], offset: Int64)
    /// New bytes of a file, in order. Valid only during the call.
    case data(id: Int, bytes: UnsafeRawBufferPointer)
    /// The file was truncated (copytruncate, `: >`) or rewritten from its start: what was
    /// assembled so far ends, and reading starts over at offset 0.
    case restarted(id: Int)
    /// The file is no longer followed: it was rotated away or deleted, and read to its end.
    case closed(id: Int)
}

/// Follows files like `tail -F`: by name, across rotation. Every case is handled by
/// comparing the (device, inode) at each name with the files already open:
/// - appends: read from the kept offset;
/// - rename rotation (`app.log` → `app.log.1`, a new `app.log`): the old file stays open
///   and is read to its end, first, while the new one is read from its start; the old one
///   is closed once it has been quiet for `rotateWait` (a writer may still append to it);
/// - delete and recreate: the same, the deleted file being read from its open descriptor;
/// - copytruncate and truncation: a size below the offset, or changed first bytes,
///   restart the file at 0;
/// - a name that appears later (a glob match, a file not created yet): read from its start;
/// - a file that cannot be opened: logged, retried with backoff, other inputs go on.
/// inotify on the folders wakes it at once; without it (or besides it) a poll every
/// `pollInterval` finds everything the events would have said.
public final class Follower {
    public struct Options: Sendable {
        /// Files that exist at start-up are read from their start, not their end.
        public var fromBeginning = false
        public var pollInterval: Int64 = 1000
        /// A rotated-away file is closed after it has been read to its end and has not grown
        /// for this long.
        public var rotateWait: Int64 = 5000
        /// Bytes read per `check` at most, so timers and other inputs get their turn.
        public var readBudget = 8 << 20

        public init(fromBeginning: Bool = false, pollInterval: Int64 = 1000) {
            self.fromBeginning = fromBeginning
            self.pollInterval = pollInterval
        }
    }

    /// Per input name, for logwarden's own metrics.
    public struct Status: Sendable {
        public var name: String
        public var bytesRead = 0
        /// Bytes written to its open files but not yet read.
        public var lagBytes: Int64 = 0
        public var lastRead: EpochMillis?
        public var open = 0
    }

    private final class File {
        let id: Int
        let name: String
        var path: String
        let fd: Int32
        let device: UInt64
        let inode: UInt64
        var offset: Int64
        var size: Int64 = 0
        /// Modification time (ns) when last read: a write that kept the size still changes it.
        var modified = 0
        /// The first bytes read, to notice a file rewritten from its start.
        var head: [UInt8] = []
        var orphanedAt: EpochMillis?
        var lastGrowth: EpochMillis

        init(id: Int, name: String, path: String, fd: Int32, device: UInt64, inode: UInt64, offset: Int64, now: EpochMillis) {
            self.id = id
            self.name = name
            self.path = path
            self.fd = fd
            self.device = device
            self.inode = inode
            self.offset = offset
            lastGrowth = now
        }
    }

    public let specs: [String]
    public let options: Options
    /// Where a known file was left (a state file): the offset to go on from, if any.
    public var knownOffset: ((FileIdentity, [UInt8]) -> Int64?)?
    private let logger: Logger
    private let inotify: Inotify?
    private var files: [File] = []
    private var nextID = 0
    private var started = false
    private var nextRescan: EpochMillis = 0
    /// Names that could not be opened: when to try again, and the next delay.
    private var failing: [String: (retryAt: EpochMillis, delay: Int64)] = [:]
    /// Offsets of files dropped after a read error, by (device, inode): reopened, they go on
    /// from there instead of counting again.
    private var resume: [String: Int64] = [:]
    private var status: [String: Status] = [:]
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    private static let headBytes = 256

    public init(specs: [String], options: Options, logger: Logger) {
        self.specs = specs
        self.options = options
        self.logger = logger
        inotify = Inotify()
        if inotify == nil { logger.warning("inotify is unavailable; polling files", metadata: ["interval_ms": "\(options.pollInterval)"]) }
        for spec in specs { status[spec] = Status(name: spec) }
    }

    deinit {
        for f in files { close(f.fd) }
        chunk.deallocate()
    }

    /// A descriptor that becomes readable when a watched folder changes (for poll()).
    public var wakeDescriptor: Int32? { inotify?.fd }

    /// When the follower wants to look again even if nothing wakes it.
    public var nextDeadline: EpochMillis {
        var t = nextRescan
        for f in files where f.orphanedAt != nil { t = min(t, max(f.orphanedAt!, f.lastGrowth) + options.rotateWait) }
        return t
    }

    public var inputs: [Status] {
        var out = status
        for f in files {
            out[f.name, default: Status(name: f.name)].lagBytes += max(0, f.size - f.offset)
            out[f.name, default: Status(name: f.name)].open += 1
        }
        return out.keys.sorted().map { out[$0]! }
    }

    /// Looks at every input: new names, rotations, truncations, then reads what is new.
    /// Returns true when bytes are left to read (the budget ran out).
    public func check(now: EpochMillis, _ handle: (FollowEvent) -> Void) -> Bool {
        let activity = inotify?.drain()
        if !started || now >= nextRescan || activity?.changed == true {
            rescan(now, handle)
            started = true
            nextRescan = now + options.pollInterval
        }
        return readAll(now, handle)
    }

    /// Up to 1 KiB from the start of a followed file (its fingerprint grows with it).
    public func head(of id: Int) -> [UInt8]? {
        guard let f = files.first(where: { $0.id == id }) else { return nil }
        var head = [UInt8](repeating: 0, count: Fingerprint.maxLength)
        let got = head.withUnsafeMutableBytes { pread(f.fd, $0.baseAddress, $0.count, 0) }
        return got >= 0 ? Array(head[0..<got]) : nil
    }

    /// Stops following: every file is closed (after the caller's last read).
    public func closeAll(_ handle: (FollowEvent) -> Void) {
        for f in files {
            handle(.closed(id: f.id))
            close(f.fd)
        }
        files.removeAll()
    }

    // MARK: names

    private func candidates(_ spec: String) -> [String] {
        if InputSpec.isGlob(spec) {
            return InputSpec.glob(spec).flatMap { Directory.exists($0) ? InputSpec.logFiles(in: $0) : [$0] }
        }
        if Directory.exists(spec) { return InputSpec.logFiles(in: spec) }
        return [spec]
    }

    private func folder(_ spec: String) -> String? {
        if !InputSpec.isGlob(spec), Directory.exists(spec) { return spec }
        let dir = spec.lastIndex(of: "/").map { String(spec[..<$0]) } ?? "."
        return InputSpec.isGlob(dir) ? nil : (dir.isEmpty ? "/" : dir)
    }

    private func rescan(_ now: EpochMillis, _ handle: (FollowEvent) -> Void) {
        var present = Set<Int>()
        for spec in specs {
            if let inotify, let dir = folder(spec) { inotify.watch(directory: dir) }
            let literal = !InputSpec.isGlob(spec) && !Directory.exists(spec)
            for path in candidates(spec) {
                var st = stat()
                guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                if let f = files.first(where: { $0.device == UInt64(st.st_dev) && $0.inode == UInt64(st.st_ino) }) {
                    if f.orphanedAt != nil { logger.debug("followed file is back under a name", metadata: ["input": "\(f.name)", "path": "\(path)"]) }
                    f.orphanedAt = nil
                    f.path = path
                    present.insert(f.id)
                    continue
                }
                if let fail = failing[path], now < fail.retryAt { continue }
                if let (f, file, head) = open(path, name: literal ? spec : path, now: now) {
                    present.insert(f.id)
                    handle(.opened(id: f.id, name: f.name, file: file, head: head, offset: f.offset))
                }
            }
        }
        for f in files where f.orphanedAt == nil && !present.contains(f.id) {
            f.orphanedAt = now
            logger.info("file rotated away or deleted; reading it to its end", metadata: ["input": "\(f.name)", "path": "\(f.path)"])
        }
    }

    private func open(_ path: String, name: String, now: EpochMillis) -> (File, FileIdentity, [UInt8])? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        var st = stat()
        guard fd >= 0, fstat(fd, &st) == 0 else {
            let reason = InputError.reason(errno)
            if fd >= 0 { close(fd) }
            let delay = min((failing[path]?.delay ?? 500) * 2, 60_000)
            if failing[path] == nil {
                logger.warning("cannot open input; retrying with backoff", metadata: ["path": "\(path)", "error": "\(reason)"])
            }
            failing[path] = (now + delay, delay)
            return nil
        }
        if failing.removeValue(forKey: path) != nil { logger.info("input is readable again", metadata: ["path": "\(path)"]) }
        let fromStart = started || options.fromBeginning
        let identity = "\(st.st_dev):\(st.st_ino)"
        var head = [UInt8](repeating: 0, count: Fingerprint.maxLength)
        let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        head.removeSubrange(max(0, got)...)
        let file = FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                                modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
        let offset = resume.removeValue(forKey: identity) ?? knownOffset?(file, head) ?? (fromStart ? 0 : Int64(st.st_size))
        let f = File(id: nextID, name: name, path: path, fd: fd, device: UInt64(st.st_dev), inode: UInt64(st.st_ino),
                     offset: min(offset, Int64(st.st_size)), now: now)
        f.size = Int64(st.st_size)
        nextID += 1
        files.append(f)
        if status[name] == nil { status[name] = Status(name: name) }
        logger.info("following", metadata: ["input": "\(name)", "path": "\(path)", "offset": "\(f.offset)"])
        return (f, file, head)
    }

    // MARK: reading

    private func readAll(_ now: EpochMillis, _ handle: (FollowEvent) -> Void) -> Bool {
        var budget = options.readBudget
        var more = false
        // The rest of a rotated-away file comes before its successor.
        let ordered = files.filter { $0.orphanedAt != nil }.sorted { $0.orphanedAt! < $1.orphanedAt! }
            + files.filter { $0.orphanedAt == nil }
        var done: [Int] = []
        for f in ordered {
            if !read(f, now: now, budget: &budget, handle) {
                done.append(f.id)
                continue
            }
            if f.offset < f.size { more = true }
            if let orphaned = f.orphanedAt, f.offset >= f.size, now - max(orphaned, f.lastGrowth) >= options.rotateWait {
                logger.debug("closing rotated-away file", metadata: ["input": "\(f.name)", "path": "\(f.path)"])
                done.append(f.id)
            }
        }
        for id in done {
            guard let i = files.firstIndex(where: { $0.id == id }) else { continue }
            handle(.closed(id: id))
            close(files[i].fd)
            files.remove(at: i)
        }
        return more
    }

    /// Reads what is new in `f`; false when the file failed and must be dropped.
    private func read(_ f: File, now: EpochMillis, budget: inout Int, _ handle: (FollowEvent) -> Void) -> Bool {
        var st = stat()
        guard fstat(f.fd, &st) == 0 else { return fail(f, now) }
        let size = Int64(st.st_size)
        let modified = Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec)
        defer { f.modified = modified }
        if size < f.offset || ((size != f.size || modified != f.modified) && rewritten(f, size: size)) {
            logger.info("file truncated; reading it from the start", metadata: ["input": "\(f.name)", "path": "\(f.path)", "offset": "\(f.offset)", "size": "\(size)"])
            readCopy(of: f, handle)
            handle(.restarted(id: f.id))
            f.offset = 0
            f.head.removeAll()
        }
        f.size = size
        while f.offset < size, budget > 0 {
            let want = min(chunk.count, budget, Int(size - f.offset))
            let n = pread(f.fd, chunk.baseAddress, want, off_t(f.offset))
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return fail(f, now)
            }
            if n == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<n])
            if f.offset < Int64(Self.headBytes) {
                f.head.append(contentsOf: bytes.prefix(Self.headBytes - Int(f.offset)))
            }
            handle(.data(id: f.id, bytes: bytes))
            f.offset += Int64(n)
            f.lastGrowth = now
            budget -= n
            status[f.name, default: Status(name: f.name)].bytesRead += n
            status[f.name]!.lastRead = now
        }
        return true
    }

    /// copytruncate copies the file, then truncates it: what was written after our last
    /// read and before the copy is only in the copy. A sibling named like the file
    /// (`app.log.1`, `app.log-20261123`) that starts with the same bytes and reaches past
    /// our offset is that copy: its rest is read before the file starts over. Only lines
    /// written between the copy and the truncation are lost, as for any reader.
    private func readCopy(of f: File, _ handle: (FollowEvent) -> Void) {
        guard !f.head.isEmpty else { return }
        let slash = f.path.lastIndex(of: "/")
        let dir = slash.map { String(f.path[..<$0]) } ?? "."
        let base = slash.map { String(f.path[f.path.index(after: $0)...]) } ?? f.path
        var best: (path: String, fd: Int32, size: Int64, mtime: Int)? = nil
        for name in Directory.entries(dir.isEmpty ? "/" : dir) where name != base && name.hasPrefix(base) && !name.hasSuffix(".gz") {
            let path = (dir.isEmpty ? "" : dir) + "/" + name
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { continue }
            var st = stat()
            var head = [UInt8](repeating: 0, count: f.head.count)
            let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, f.head.count, 0) }
            let mtime = fstat(fd, &st) == 0 ? Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec) : 0
            if (st.st_mode & S_IFMT) == S_IFREG, n == f.head.count, head == f.head, Int64(st.st_size) > f.offset,
               best == nil || mtime > best!.mtime {
                if let b = best { close(b.fd) }
                best = (path, fd, Int64(st.st_size), mtime)
            } else {
                close(fd)
            }
        }
        guard let copy = best else { return }
        defer { close(copy.fd) }
        var offset = f.offset
        while offset < copy.size {
            let n = pread(copy.fd, chunk.baseAddress, min(chunk.count, Int(copy.size - offset)), off_t(offset))
            if n <= 0 { break }
            handle(.data(id: f.id, bytes: UnsafeRawBufferPointer(rebasing: chunk[0..<n])))
            offset += Int64(n)
            status[f.name, default: Status(name: f.name)].bytesRead += n
        }
        logger.info("read the end of the file from its copy", metadata: ["input": "\(f.name)", "copy": "\(copy.path)", "bytes": "\(offset - f.offset)"])
    }

    /// The first bytes differ from those read: truncated and written again past the offset
    /// before we looked.
    private func rewritten(_ f: File, size: Int64) -> Bool {
        guard !f.head.isEmpty, size > 0 else { return false }
        var now = [UInt8](repeating: 0, count: f.head.count)
        let n = now.withUnsafeMutableBytes { pread(f.fd, $0.baseAddress, f.head.count, 0) }
        return n >= 0 && (n < f.head.count || now != f.head)
    }

    private func fail(_ f: File, _ now: EpochMillis) -> Bool {
        logger.warning("read failed; the file is dropped and its name retried", metadata: ["input": "\(f.name)", "path": "\(f.path)", "error": "\(InputError.reason(errno))"])
        failing[f.path] = (now + 1000, 1000)
        resume["\(f.device):\(f.inode)"] = f.offset
        return false
    }
}
