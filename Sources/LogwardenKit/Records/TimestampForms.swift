#if canImport(Glibc)
import Glibc
#endif

/// The detected forms that are not a fixed layout at the line's start: US dates with a
/// 12-hour clock, and logfmt `ts=`/`time=` keys anywhere in the line.
extension TimestampParser {
    /// `11/5/2025, 1:00:01 AM`, `11/05/2025 01:00:01.250 PM`: month first, one or two digits
    /// each, a comma or not, a 12-hour clock. Without AM/PM a date like `05/11/2025` could be
    /// either order, so it is left alone. Before AM/PM: a space, or the no-break spaces that
    /// JavaScript's `toLocaleString` writes (U+00A0, U+202F).
    mutating func parseUSDate(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        guard s + 19 <= n, TimeBytes.isDigit(p[s]) else { return nil }
        var i = s
        guard let month = number(p, &i, n, 2), take(p, &i, n, UInt8(ascii: "/")),
              let day = number(p, &i, n, 2), take(p, &i, n, UInt8(ascii: "/")),
              i + 4 <= n, let year = TimeBytes.digits(p, i, 4) else { return nil }
        i += 4
        _ = take(p, &i, n, UInt8(ascii: ","))
        guard i < n, p[i] == UInt8(ascii: " ") else { return nil }
        while i < n, p[i] == UInt8(ascii: " ") { i += 1 }
        guard let hour = number(p, &i, n, 2), take(p, &i, n, UInt8(ascii: ":")),
              i + 5 <= n, let mm = TimeBytes.digits(p, i, 2), p[i + 2] == UInt8(ascii: ":"),
              let ss = TimeBytes.digits(p, i + 3, 2) else { return nil }
        i += 5
        var ms = 0
        if i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") { (ms, i) = TimeBytes.fraction(p, i + 1, n) }
        let before = i
        while i < n {
            if p[i] == UInt8(ascii: " ") { i += 1 }
            else if i + 2 <= n, p[i] == 0xC2, p[i + 1] == 0xA0 { i += 2 }
            else if i + 3 <= n, p[i] == 0xE2, p[i + 1] == 0x80, p[i + 2] == 0xAF { i += 3 }
            else { break }
        }
        guard i > before, let (pm, _) = TimeBytes.meridiem(p, i, n),
              hour >= 1, hour <= 12, mm < 60, ss < 61, let days = days(year, month, day) else { return nil }
        return TimeBytes.millis(days, TimeBytes.hour24(hour, pm: pm), mm, ss, ms, defaultOffsetSeconds)
    }

    /// The value of a logfmt `ts=` or `time=` key (at the line's start or after a space or
    /// tab), quoted or not: a forced format, RFC 3339, or epoch seconds (with a fraction),
    /// milliseconds, microseconds or nanoseconds. Other keys ending in `ts` or `time`
    /// (`elapsed_time=`) are not it.
    mutating func parseLogfmt(_ p: UnsafePointer<UInt8>, _ n: Int) -> EpochMillis? {
        var i = 0
        while i < n, let hit = memchr(p + i, Int32(UInt8(ascii: "=")), n - i) {
            let eq = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - p
            i = eq + 1
            guard isKey(p, eq, "ts") || isKey(p, eq, "time"), eq + 1 < n else { continue }
            var start = eq + 1
            var end = start
            if p[start] == UInt8(ascii: "\"") {
                start += 1
                end = start
                while end < n, p[end] != UInt8(ascii: "\"") { end += 1 }
            } else {
                while end < n, !TimeBytes.isSpace(p[end]) { end += 1 }
            }
            if let t = logfmtValue(p, start, end) { return t }
        }
        return nil
    }

    private mutating func logfmtValue(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> EpochMillis? {
        guard e - s >= 10 else { return nil }
        if !formats.isEmpty, let t = forcedValue(p, s, e) { return t }
        if let t = parseEpochAnyUnit(p + s, e - s) { return t }
        return parseISO(p, s, e, dateSep: UInt8(ascii: "-"))
    }

    /// `key` ends just before `eq` and starts the line or follows a space or tab.
    private func isKey(_ p: UnsafePointer<UInt8>, _ eq: Int, _ key: StaticString) -> Bool {
        let k = key.utf8Start
        let count = key.utf8CodeUnitCount
        guard eq >= count else { return false }
        let start = eq - count
        for j in 0..<count where p[start + j] != k[j] { return false }
        return start == 0 || TimeBytes.isSpace(p[start - 1])
    }

    /// One to `max` digits at `i`, moving past them.
    private func number(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ max: Int) -> Int? {
        var v = 0
        let start = i
        while i < n, i - start < max, TimeBytes.isDigit(p[i]) {
            v = v * 10 + Int(p[i] &- 48)
            i += 1
        }
        return i > start ? v : nil
    }

    /// Moves past `c` if it is at `i`.
    private func take(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ c: UInt8) -> Bool {
        guard i < n, p[i] == c else { return false }
        i += 1
        return true
    }
}
