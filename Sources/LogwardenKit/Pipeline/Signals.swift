#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// SIGTERM, SIGINT and SIGHUP as readable events on a descriptor (signalfd), so the watch
/// loop handles them between two records, not inside a handler. Create it on the main
/// thread before any other thread starts: the signals are blocked for every thread created
/// after, and only the descriptor sees them.
public final class Signals {
    public enum Kind: Sendable { case stop, reload }

    public let descriptor: Int32

    public init() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        descriptor = signalfd(-1, &set, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
        // A reader that went away (`| head`, a closed socket) is an error to handle, not death.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { close(descriptor) }

    /// Signals received since the last call, in order.
    public func pending() -> [Kind] {
        var out: [Kind] = []
        var info = signalfd_siginfo()
        while read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            out.append(Int32(info.ssi_signo) == SIGHUP ? .reload : .stop)
        }
        return out
    }
}
