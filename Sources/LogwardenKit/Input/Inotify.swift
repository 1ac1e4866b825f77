#if canImport(Glibc)
import Glibc
#endif

/// Directory watches that wake the follower when a file in them is written, created,
/// renamed or deleted. Only a hint: the follower still checks every file itself, and
/// polls when watches cannot be set (no such folder yet, a watch limit, a network mount).
final class Inotify {
    let fd: Int32
    private var watches: [String: Int32] = [:]

    /// What the last `drain` saw.
    struct Activity {
        /// A file in a watched folder was written to.
        var modified = false
        /// Names changed (create, rename, delete, attributes) or events were lost: look again.
        var changed = false
    }

    init?() {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 { return nil }
    }

    deinit { close(fd) }

    /// Watches `directory` unless already watched; false when it cannot (yet).
    @discardableResult
    func watch(directory: String) -> Bool {
        if watches[directory] != nil { return true }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_CLOSE_WRITE
                          | IN_DELETE_SELF | IN_MOVE_SELF)
        let wd = inotify_add_watch(fd, directory, mask)
        guard wd >= 0 else { return false }
        watches[directory] = wd
        return true
    }

    /// Reads every pending event; they only tell what kind of check to make.
    func drain() -> Activity {
        var activity = Activity()
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n <= 0 { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                if event.mask & UInt32(IN_MODIFY) != 0 { activity.modified = true }
                if event.mask & ~UInt32(IN_MODIFY | IN_CLOSE_WRITE) != 0 { activity.changed = true }
                if event.mask & UInt32(IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
                    // The folder itself went away: watch it again when it comes back.
                    watches = watches.filter { $0.value != event.wd }
                }
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
            }
        }
        return activity
    }
}
