/// The pieces timestamps are read from, on bytes: digits, fractions, zones, month and
/// weekday names. Shared by detection (`TimestampParser`) and forced formats
/// (`TimestampFormat`), so both read a field the same way.
enum TimeBytes {
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) &- 97 < 26 }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 }

    /// Between 1990 and 2100: anything else is a number that only looks like a time.
    @inline(__always) static func plausible(_ ms: Int64) -> Bool { ms > 631_152_000_000 && ms < 4_102_444_800_000 }

    /// Exactly `count` digits at `at`; the caller has checked they are in bounds.
    @inline(__always)
    static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var v = 0
        for k in 0..<count {
            let d = p[at + k] &- 48
            if d > 9 { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// Milliseconds from a fraction of any length; returns the index after it.
    static func fraction(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> (Int, Int) {
        var i = start
        var ms = 0
        while i < n, isDigit(p[i]) {
            if i - start < 3 { ms = ms * 10 + Int(p[i] &- 48) }
            i += 1
        }
        let len = i - start
        if len == 1 { ms *= 100 } else if len == 2 { ms *= 10 }
        return (ms, i)
    }

    /// `Z`, `±HH:MM`, `±HHMM`, `±HH`, or ` UTC`/` GMT`; returns seconds east of UTC and the
    /// index after the zone.
    static func zoneOffset(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (Int, Int)? {
        guard i < n else { return nil }
        let c = p[i]
        if c == UInt8(ascii: "Z") { return (0, i + 1) }
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            guard i + 3 <= n, let hh = digits(p, i + 1, 2), hh < 24 else { return nil }
            var mm = 0
            var end = i + 3
            if end + 3 <= n, p[end] == UInt8(ascii: ":"), let m = digits(p, end + 1, 2) { mm = m; end += 3 }
            else if end + 2 <= n, let m = digits(p, end, 2) { mm = m; end += 2 }
            let sign = c == UInt8(ascii: "-") ? -1 : 1
            return (sign * (hh * 3600 + mm * 60), end)
        }
        if c == UInt8(ascii: " "), i + 4 <= n, let end = utcName(p, i + 1, n) { return (0, end) }
        return nil
    }

    /// `UTC` or `GMT` at `i`: the index after it.
    @inline(__always)
    static func utcName(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        guard i + 3 <= n else { return nil }
        let a = p[i], b = p[i + 1], d = p[i + 2]
        if (a, b, d) == (UInt8(ascii: "U"), UInt8(ascii: "T"), UInt8(ascii: "C"))
            || (a, b, d) == (UInt8(ascii: "G"), UInt8(ascii: "M"), UInt8(ascii: "T")) {
            return i + 3
        }
        return nil
    }

    /// The month whose three-letter abbreviation is at `i` (any case); the caller has
    /// checked that three bytes are there.
    static func monthNumber(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int? {
        let key = (UInt32(p[i] | 0x20) << 16) | (UInt32(p[i + 1] | 0x20) << 8) | UInt32(p[i + 2] | 0x20)
        switch key {
        case 0x6A616E: return 1   // jan
        case 0x666562: return 2   // feb
        case 0x6D6172: return 3   // mar
        case 0x617072: return 4   // apr
        case 0x6D6179: return 5   // may
        case 0x6A756E: return 6   // jun
        case 0x6A756C: return 7   // jul
        case 0x617567: return 8   // aug
        case 0x736570: return 9   // sep
        case 0x6F6374: return 10  // oct
        case 0x6E6F76: return 11  // nov
        case 0x646563: return 12  // dec
        default: return nil
        }
    }

    static let monthNames: [[UInt8]] = ["january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"].map { Array($0.utf8) }
    static let weekdayNames: [[UInt8]] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        .map { Array($0.utf8) }

    /// A month (1...12) written whole or as its abbreviation at `i`, and the index after it.
    static func month(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (Int, Int)? {
        guard i + 3 <= n, let m = monthNumber(p, i) else { return nil }
        return (m, afterName(monthNames[m - 1], p, i, n))
    }

    /// A weekday written whole or as its abbreviation at `i`: the index after it.
    static func weekday(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        guard i + 3 <= n else { return nil }
        for name in weekdayNames where p[i] | 0x20 == name[0] && p[i + 1] | 0x20 == name[1] && p[i + 2] | 0x20 == name[2] {
            return afterName(name, p, i, n)
        }
        return nil
    }

    /// After the whole `name` at `i` when it is written out, else after its first three letters.
    private static func afterName(_ name: [UInt8], _ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        guard i + name.count <= n else { return i + 3 }
        for k in 3..<name.count where p[i + k] | 0x20 != name[k] { return i + 3 }
        return i + name.count
    }

    /// `AM`/`PM` (any case) at `i`: whether it is PM, and the index after it.
    static func meridiem(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (pm: Bool, end: Int)? {
        guard i + 2 <= n, p[i + 1] | 0x20 == UInt8(ascii: "m") else { return nil }
        switch p[i] | 0x20 {
        case UInt8(ascii: "a"): return (false, i + 2)
        case UInt8(ascii: "p"): return (true, i + 2)
        default: return nil
        }
    }

    /// Hours 1...12 on a 12-hour clock with AM/PM to 0...23.
    @inline(__always) static func hour24(_ h: Int, pm: Bool) -> Int { h % 12 + (pm ? 12 : 0) }

    /// The year of a date without one, as syslog infers it: the year of `reference`, or the
    /// year before when the date would lie more than a day after it (a December log read in
    /// January). Returns days since the epoch; `month` is 1...12 and `day` at least 1.
    static func inferYear(month: Int, day: Int, reference: EpochMillis) -> Int? {
        let refDays = Int(reference / 86_400_000)
        let year = CivilTime.civilFromDays(refDays).year
        if day <= CivilTime.daysInMonth(year: year, month: month) {
            let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
            if days <= refDays + 1 { return days }
        }
        guard day <= CivilTime.daysInMonth(year: year - 1, month: month) else { return nil }
        return CivilTime.daysFromCivil(year: year - 1, month: month, day: day)
    }

    @inline(__always)
    static func millis(_ days: Int, _ hh: Int, _ mm: Int, _ ss: Int, _ ms: Int, _ offset: Int) -> EpochMillis {
        let seconds = days * 86_400 + hh * 3600 + mm * 60 + ss - offset
        return EpochMillis(seconds) * 1000 + EpochMillis(ms)
    }
}
