#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import CLinux

/// What the watch loop shares with other threads (the HTTP server): the last rendered
/// views, and requests such as a reload. The loop alone owns the pipeline; others only
/// read snapshots and ask, and the loop wakes up to answer.
public final class LiveControl: Sendable {
    /// Rendered views, refreshed by the loop.
    public struct Snapshot: Sendable {
        public var ready = false
        public var metrics = ""
        public var alerts = #"{"status":"success","data":{"alerts":[]}}"#
        public var rules = #"{"status":"success","data":{"groups":[]}}"#
    }

    /// The outcome of the latest reload, numbered so a requester can wait for its own.
    public struct ReloadResult: Sendable {
        public var generation = 0
        public var ok = true
        public var message = ""
    }

    /// An eventfd: written to wake the loop's poll().
    public let wakeDescriptor: Int32
    private let snapshotState = Mutex(Snapshot())
    private let reloadRequests = Atomic<Int>(0)
    private let reloadState = Mutex(ReloadResult())

    public init() {
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
    }

    deinit { close(wakeDescriptor) }

    public var snapshot: Snapshot { snapshotState.withLock { $0 } }

    func publish(_ s: Snapshot) { snapshotState.withLock { $0 = s } }

    func wake() { eventfd_write(wakeDescriptor, 1) }

    /// Clears the wake-ups the loop has seen.
    func drainWakes() {
        var value: eventfd_t = 0
        _ = eventfd_read(wakeDescriptor, &value)
    }

    /// Asks for a reload and waits up to `timeout` seconds for its outcome.
    public func reload(timeout: Double = 10) -> ReloadResult? {
        let before = reloadState.withLock { $0.generation }
        reloadRequests.add(1, ordering: .sequentiallyConsistent)
        wake()
        let deadline = SystemClock.monotonicSeconds() + timeout
        while SystemClock.monotonicSeconds() < deadline {
            let r = reloadState.withLock { $0 }
            if r.generation > before { return r }
            usleep(10_000)
        }
        return nil
    }

    /// Reload requests since the last call (the loop's side).
    func takeReloadRequests() -> Bool { reloadRequests.exchange(0, ordering: .sequentiallyConsistent) > 0 }

    func reloaded(ok: Bool, message: String) {
        reloadState.withLock { r in
            r.generation += 1
            r.ok = ok
            r.message = message
        }
    }
}
