/// Finds and parses the timestamp of a log line, on bytes, without allocating.
///
/// Forms (see DESIGN.md, "Records"): RFC 3339 / ISO 8601 (`T` or space, `.` or `,` fraction,
/// `Z`, `±HH:MM`, `±HHMM`, ` UTC`), nginx error `2025/10/27 10:00:00`, syslog
/// `Oct 27 10:00:00[.frac]` (year inferred), Apache error `[Mon Oct 27 10:00:00 2025]`,
/// access logs `[27/Oct/2025:10:00:00 +0000]`, and epoch seconds or milliseconds.
/// Zoneless times are read in `defaultOffsetSeconds` (UTC unless configured).
public struct TimestampParser: Sendable {
    public enum Form: Int, Sendable, CaseIterable {
        case iso, slashDate, syslog, ctime, access, epoch
    }

    /// Syslog lines carry no year: it is the year of this instant, or the year before if the
    /// date would otherwise lie more than a day after it (a December log read in January).
    public var referenceTime: EpochMillis
    public var defaultOffsetSeconds: Int
    /// The last form that worked is tried first: one input rarely mixes forms.
    private var lastForm: Form = .iso
    private var cachedDateKey = -1
    private var cachedDays = 0
    /// The 19 bytes `YYYY-MM-DD HH:MM:SS` of the last ISO time and its seconds: lines of one
    /// second share them, so only the fraction and zone are read again.
    private var secondKey: (UInt64, UInt64, UInt32) = (0, 0, 0)
    private var secondValue = -1

    public init(referenceTime: EpochMillis, defaultOffsetSeconds: Int = 0) {
        self.referenceTime = referenceTime
        self.defaultOffsetSeconds = defaultOffsetSeconds
    }

    /// The timestamp that starts `line` (after an optional `<PRI>` or `[`), or, for access logs,
    /// the bracketed one within its first 160 bytes.
    public mutating func parseLineStart(_ line: UnsafeBufferPointer<UInt8>) -> EpochMillis? {
        guard let p = line.baseAddress, line.count >= 8 else { return nil }
        let n = line.count
        var start = 0
        if p[0] == UInt8(ascii: "<") {
            var i = 1
            while i < min(n, 5), isDigit(p[i]) { i += 1 }
            if i > 1, i < n, p[i] == UInt8(ascii: ">") { start = i + 1 }
        }
        if start < n, p[start] == UInt8(ascii: "[") { start += 1 }
        if let t = parse(p, start, n, lastForm) { return t }
        for form in Form.allCases where form != lastForm {
            if let t = parse(p, start, n, form) {
                lastForm = form
                return t
            }
        }
        return nil
    }

    /// A timestamp that is a whole value, as in a JSON field: any form above, or epoch
    /// seconds, milliseconds, microseconds or nanoseconds.
    public mutating func parseValue(_ value: UnsafeBufferPointer<UInt8>) -> EpochMillis? {
        guard let p = value.baseAddress, value.count > 0 else { return nil }
        if let t = parseEpochAnyUnit(p, value.count) { return t }
        return parseLineStart(value)
    }

    private mutating func parse(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, _ form: Form) -> EpochMillis? {
        switch form {
        case .iso: return parseISO(p, s, n, dateSep: UInt8(ascii: "-"))
        case .slashDate: return parseISO(p, s, n, dateSep: UInt8(ascii: "/"))
        case .syslog: return parseSyslog(p, s, n)
        case .ctime: return parseCtime(p, s, n)
        case .access: return parseAccess(p, n)
        case .epoch: return parseEpochPrefix(p, s, n)
        }
    }

    // MARK: forms

    /// `YYYY-MM-DD[T ]HH:MM:SS[.,]frac zone` (dateSep `-`) or `YYYY/MM/DD HH:MM:SS` (dateSep `/`).
    private mutating func parseISO(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, dateSep: UInt8) -> EpochMillis? {
        guard s + 19 <= n else { return nil }
        let raw = UnsafeRawPointer(p + s)
        let key = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                   raw.loadUnaligned(fromByteOffset: 15, as: UInt32.self))
        if secondValue >= 0, key == secondKey {
            return finishISO(p, s, n, dateSep: dateSep, seconds: secondValue)
        }
        guard p[s + 4] == dateSep, p[s + 7] == dateSep,
              p[s + 4] == dateSep, p[s + 7] == dateSep,
              p[s + 10] == UInt8(ascii: "T") || p[s + 10] == UInt8(ascii: " "),
              p[s + 13] == UInt8(ascii: ":"), p[s + 16] == UInt8(ascii: ":"),
              let year = digits(p, s, 4), let month = digits(p, s + 5, 2), let day = digits(p, s + 8, 2),
              let hh = digits(p, s + 11, 2), let mm = digits(p, s + 14, 2), let ss = digits(p, s + 17, 2),
              let days = days(year, month, day), hh < 24, mm < 60, ss < 61
        else { return nil }
        secondKey = key
        secondValue = days * 86_400 + hh * 3600 + mm * 60 + ss
        return finishISO(p, s, n, dateSep: dateSep, seconds: secondValue)
    }

    /// Fraction and zone after the cached or freshly parsed seconds of an ISO time.
    @inline(__always)
    private func finishISO(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, dateSep: UInt8, seconds: Int) -> EpochMillis {
        var i = s + 19
        var ms = 0
        if i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") {
            i += 1
            (ms, i) = fraction(p, i, n)
        }
        var offset = defaultOffsetSeconds
        if dateSep == UInt8(ascii: "-"), let (zone, _) = zoneOffset(p, i, n) { offset = zone }
        return EpochMillis(seconds - offset) * 1000 + EpochMillis(ms)
    }

    /// `Oct 27 10:00:00[.frac]`, day space-padded or not.
    private mutating func parseSyslog(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        guard s + 15 <= n, let month = monthNumber(p, s), p[s + 3] == UInt8(ascii: " ") else { return nil }
        var i = s + 4
        if p[i] == UInt8(ascii: " ") { i += 1 }
        var day = 0
        var nd = 0
        while i < n, nd < 2, isDigit(p[i]) { day = day * 10 + Int(p[i] &- 48); i += 1; nd += 1 }
        guard nd > 0, i + 9 <= n, p[i] == UInt8(ascii: " "),
              p[i + 3] == UInt8(ascii: ":"), p[i + 6] == UInt8(ascii: ":"),
              let hh = digits(p, i + 1, 2), let mm = digits(p, i + 4, 2), let ss = digits(p, i + 7, 2),
              hh < 24, mm < 60, ss < 61
        else { return nil }
        i += 9
        var ms = 0
        if i < n, p[i] == UInt8(ascii: ".") { (ms, _) = fraction(p, i + 1, n) }
        let refDays = Int(referenceTime / 86_400_000)
        var year = CivilTime.civilFromDays(refDays).year
        guard var days = days(year, month, day) else { return nil }
        if days > refDays + 1 {
            year -= 1
            guard let earlier = self.days(year, month, day) else { return nil }
            days = earlier
        }
        return millis(days, hh, mm, ss, ms, defaultOffsetSeconds)
    }

    /// `Mon Oct 27 10:00:00[.frac] 2025` (Apache error log, inside `[...]`).
    private mutating func parseCtime(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        guard s + 24 <= n, isAlpha(p[s]), isAlpha(p[s + 1]), isAlpha(p[s + 2]), p[s + 3] == UInt8(ascii: " "),
              let month = monthNumber(p, s + 4), p[s + 7] == UInt8(ascii: " "),
              let day = digits(p, s + 8, 2) ?? digits(p, s + 9, 1), p[s + 10] == UInt8(ascii: " "),
              p[s + 13] == UInt8(ascii: ":"), p[s + 16] == UInt8(ascii: ":"),
              let hh = digits(p, s + 11, 2), let mm = digits(p, s + 14, 2), let ss = digits(p, s + 17, 2)
        else { return nil }
        var i = s + 19
        var ms = 0
        if p[i] == UInt8(ascii: ".") { (ms, i) = fraction(p, i + 1, n) }
        guard i + 5 <= n, p[i] == UInt8(ascii: " "), let year = digits(p, i + 1, 4),
              let days = days(year, month, day), hh < 24, mm < 60, ss < 61
        else { return nil }
        return millis(days, hh, mm, ss, ms, defaultOffsetSeconds)
    }

    /// `[27/Oct/2025:10:00:00 +0000]` anywhere in the first 160 bytes (after host and user).
    private mutating func parseAccess(_ p: UnsafePointer<UInt8>, _ n: Int) -> EpochMillis? {
        var i = 0
        let limit = min(n, 160)
        while i < limit {
            if p[i] == UInt8(ascii: "["), i + 27 <= n, p[i + 3] == UInt8(ascii: "/"), p[i + 7] == UInt8(ascii: "/"),
               p[i + 12] == UInt8(ascii: ":"), p[i + 15] == UInt8(ascii: ":"), p[i + 18] == UInt8(ascii: ":"),
               let day = digits(p, i + 1, 2), let month = monthNumber(p, i + 4), let year = digits(p, i + 8, 4),
               let hh = digits(p, i + 13, 2), let mm = digits(p, i + 16, 2), let ss = digits(p, i + 19, 2),
               let days = days(year, month, day), hh < 24, mm < 60, ss < 61 {
                var offset = defaultOffsetSeconds
                if p[i + 21] == UInt8(ascii: " "), let (zone, _) = zoneOffset(p, i + 22, n) { offset = zone }
                return millis(days, hh, mm, ss, 0, offset)
            }
            i += 1
        }
        return nil
    }

    /// Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits) starting a line.
    private func parseEpochPrefix(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        var i = s
        var v: Int64 = 0
        while i < n, i - s < 14, isDigit(p[i]) { v = v * 10 + Int64(p[i] &- 48); i += 1 }
        let nd = i - s
        if i < n, isDigit(p[i]) { return nil }
        let ms: Int64
        if nd == 10 {
            var frac = 0
            if i < n, p[i] == UInt8(ascii: ".") { (frac, i) = fraction(p, i + 1, n) }
            ms = v * 1000 + Int64(frac)
        } else if nd == 13 {
            ms = v
        } else {
            return nil
        }
        guard i >= n || p[i] == UInt8(ascii: " ") || p[i] == UInt8(ascii: "\t") || p[i] == UInt8(ascii: "]") else { return nil }
        return plausible(ms) ? ms : nil
    }

    /// A whole numeric value: seconds (with fraction), ms, µs or ns, told apart by magnitude.
    private func parseEpochAnyUnit(_ p: UnsafePointer<UInt8>, _ n: Int) -> EpochMillis? {
        var i = 0
        var v: Int64 = 0
        while i < n, i < 19, isDigit(p[i]) { v = v * 10 + Int64(p[i] &- 48); i += 1 }
        guard i > 0 else { return nil }
        var frac = 0
        if i < n, p[i] == UInt8(ascii: ".") { (frac, i) = fraction(p, i + 1, n) }
        guard i == n else { return nil }
        let ms: Int64
        switch i > 0 ? v : 0 {
        case ..<100_000_000_000: ms = v * 1000 + Int64(frac)          // seconds
        case ..<100_000_000_000_000: ms = v                            // milliseconds
        case ..<100_000_000_000_000_000: ms = v / 1000                 // microseconds (journald)
        default: ms = v / 1_000_000                                    // nanoseconds
        }
        return plausible(ms) ? ms : nil
    }

    // MARK: pieces

    /// Between 1990 and 2100: anything else is a number that only looks like a time.
    private func plausible(_ ms: Int64) -> Bool { ms > 631_152_000_000 && ms < 4_102_444_800_000 }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
    @inline(__always) private func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) &- 97 < 26 }

    @inline(__always)
    private func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var v = 0
        for k in 0..<count {
            let d = p[at + k] &- 48
            if d > 9 { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// Milliseconds from a fraction of any length; returns the index after it.
    private func fraction(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> (Int, Int) {
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

    /// `Z`, `±HH:MM`, `±HHMM`, `±HH`, or ` UTC`/` GMT`/` Z`; returns seconds east of UTC.
    private func zoneOffset(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (Int, Int)? {
        guard i < n else { return nil }
        let c = p[i]
        if c == UInt8(ascii: "Z") { return (0, i + 1) }
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            guard i + 3 <= n, let hh = digits(p, i + 1, 2) else { return nil }
            var mm = 0
            var end = i + 3
            if end + 3 <= n, p[end] == UInt8(ascii: ":"), let m = digits(p, end + 1, 2) { mm = m; end += 3 }
            else if end + 2 <= n, let m = digits(p, end, 2) { mm = m; end += 2 }
            let sign = c == UInt8(ascii: "-") ? -1 : 1
            return (sign * (hh * 3600 + mm * 60), end)
        }
        if c == UInt8(ascii: " "), i + 4 <= n {
            let a = p[i + 1], b = p[i + 2], d = p[i + 3]
            if (a, b, d) == (UInt8(ascii: "U"), UInt8(ascii: "T"), UInt8(ascii: "C"))
                || (a, b, d) == (UInt8(ascii: "G"), UInt8(ascii: "M"), UInt8(ascii: "T")) {
                return (0, i + 4)
            }
        }
        return nil
    }

    private func monthNumber(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int? {
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

    /// Days since the epoch, cached for the last date seen: lines of one file share a date.
    @inline(__always)
    private mutating func days(_ year: Int, _ month: Int, _ day: Int) -> Int? {
        let key = year * 10_000 + month * 100 + day
        if key == cachedDateKey { return cachedDays }
        guard month >= 1, month <= 12, day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
        cachedDateKey = key
        cachedDays = CivilTime.daysFromCivil(year: year, month: month, day: day)
        return cachedDays
    }

    @inline(__always)
    private func millis(_ days: Int, _ hh: Int, _ mm: Int, _ ss: Int, _ ms: Int, _ offset: Int) -> EpochMillis {
        let seconds = days * 86_400 + hh * 3600 + mm * 60 + ss - offset
        return EpochMillis(seconds) * 1000 + EpochMillis(ms)
    }
}
