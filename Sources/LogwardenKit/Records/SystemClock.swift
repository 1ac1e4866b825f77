#if canImport(Glibc)
import Glibc
#endif

/// Clocks read without Foundation: the wall clock in epoch milliseconds (record arrival,
/// evaluation instants) and a monotonic one for durations.
public enum SystemClock {
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func wallMillis() -> EpochMillis {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return EpochMillis(ts.tv_sec) * 1000 + EpochMillis(ts.tv_nsec / 1_000_000)
    }
}
