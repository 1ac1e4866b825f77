/// Finds and parses the timestamp of a log line, on bytes, without allocating.
///
/// Forms (see DESIGN.md, "Records"): RFC 3339 / ISO 8601 (`T` or space, `.` or `,` fraction,
/// `Z`, `±HH:MM`, `±HHMM`, ` UTC`), nginx error `2025/10/27 10:00:00`, syslog
/// `Oct 27 10:00:00[.frac]` (year inferred), Apache error `[Mon Oct 27 10:00:00 2025]`,
/// access logs `[27/Oct/2025:10:00:00 +0000]`, epoch seconds or milliseconds, US dates
/// `11/5/2025, 1:00:01 AM`, and logfmt `ts=`/`time=` anywhere in the line
/// (`TimestampForms.swift`). Formats a user forces (`TimestampSettings`) are tried first.
/// Zoneless times are read in `defaultOffsetSeconds` (UTC unless configured).
public struct TimestampParser: Sendable {
    public enum Form: Int, Sendable, CaseIterable {
        case iso, slashDate, syslog, ctime, access, epoch, usDate, logfmt
    }

    /// Syslog lines carry no year: it is the year of this instant, or the year before if the
    /// date would otherwise lie more than a day after it (a December log read in January).
    public var referenceTime: EpochMillis
    public var defaultOffsetSeconds: Int
    /// Formats the user forced, tried in order before detection.
    let formats: [TimestampFormat]
    /// JSON keys whose value is the record's time: forced fields first, then the usual ones.
    let jsonKeys: [[UInt8]]
    /// The last form that worked is tried first: one input rarely mixes forms.
    private var lastForm: Form = .iso
    private var cachedDateKey = -1
    private var cachedDays = 0
    /// The 19 bytes `YYYY-MM-DD HH:MM:SS` of the last ISO time and its seconds: lines of one
    /// second share them, so only the fraction and zone are read again.
    private var secondKey: (UInt64, UInt64, UInt32) = (0, 0, 0)
    private var secondValue = -1

    /// JSON fields read for a record's time when no forced field has one (python-json-logger
    /// writes `asctime`).
    static let defaultJSONKeys = ["timestamp", "time", "ts", "@timestamp", "__REALTIME_TIMESTAMP", "asctime"]

    public init(referenceTime: EpochMillis, defaultOffsetSeconds: Int = 0, settings: TimestampSettings = TimestampSettings()) {
        self.referenceTime = referenceTime
        self.defaultOffsetSeconds = defaultOffsetSeconds
        formats = settings.formats
        jsonKeys = (settings.fields + Self.defaultJSONKeys.filter { !settings.fields.contains($0) }).map { Array($0.utf8) }
    }

    /// The timestamp that starts `line` (after an optional `<PRI>` or `[`), or, for access logs,
    /// the bracketed one within its first 160 bytes, or a logfmt `ts=`/`time=` value.
    public mutating func parseLineStart(_ line: UnsafeBufferPointer<UInt8>) -> EpochMillis? {
        guard let p = line.baseAddress, line.count >= 8 else { return nil }
        let n = line.count
        var start = 0
        if p[0] == UInt8(ascii: "<") {
            var i = 1
            while i < min(n, 5), TimeBytes.isDigit(p[i]) { i += 1 }
            if i > 1, i < n, p[i] == UInt8(ascii: ">") { start = i + 1 }
        }
        if start < n, p[start] == UInt8(ascii: "[") { start += 1 }
        if !formats.isEmpty, let t = forced(p, start, n) { return t }
        if let t = parse(p, start, n, lastForm) { return t }
        for form in Form.allCases where form != lastForm {
            if let t = parse(p, start, n, form) {
                lastForm = form
                return t
            }
        }
        return nil
    }

    /// A timestamp that is a whole value, as in a JSON field: a forced format, any form
    /// above, or epoch seconds, milliseconds, microseconds or nanoseconds.
    public mutating func parseValue(_ value: UnsafeBufferPointer<UInt8>) -> EpochMillis? {
        guard let p = value.baseAddress, value.count > 0 else { return nil }
        if let t = forcedValue(p, 0, value.count) { return t }
        if let t = parseEpochAnyUnit(p, value.count) { return t }
        return parseLineStart(value)
    }

    /// The forced formats at the places detection looks: the line's start, after a `<PRI>`
    /// or `[` there, and inside the first `[` of its first 160 bytes (where access logs put it).
    @inline(never)
    private func forced(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> EpochMillis? {
        if let t = forcedValue(p, 0, n) { return t }
        if start > 0, let t = forcedValue(p, start, n) { return t }
        var i = start
        let limit = min(n, 160)
        while i < limit, p[i] != UInt8(ascii: "[") { i += 1 }
        return i + 1 < limit ? forcedValue(p, i + 1, n) : nil
    }

    /// The first forced format that matches at `s`.
    func forcedValue(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        for format in formats {
            if let t = format.match(p, s, n, reference: referenceTime, defaultOffset: defaultOffsetSeconds) { return t }
        }
        return nil
    }

    private mutating func parse(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, _ form: Form) -> EpochMillis? {
        switch form {
        case .iso: return parseISO(p, s, n, dateSep: UInt8(ascii: "-"))
        case .slashDate: return parseISO(p, s, n, dateSep: UInt8(ascii: "/"))
        case .syslog: return parseSyslog(p, s, n)
        case .ctime: return parseCtime(p, s, n)
        case .access: return parseAccess(p, n)
        case .epoch: return parseEpochPrefix(p, s, n)
        case .usDate: return parseUSDate(p, s, n)
        case .logfmt: return parseLogfmt(p, n)
        }
    }

    // MARK: forms

    /// `YYYY-MM-DD[T ]HH:MM:SS[.,]frac zone` (dateSep `-`) or `YYYY/MM/DD HH:MM:SS` (dateSep `/`).
    mutating func parseISO(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, dateSep: UInt8) -> EpochMillis? {
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
              let year = TimeBytes.digits(p, s, 4), let month = TimeBytes.digits(p, s + 5, 2), let day = TimeBytes.digits(p, s + 8, 2),
              let hh = TimeBytes.digits(p, s + 11, 2), let mm = TimeBytes.digits(p, s + 14, 2), let ss = TimeBytes.digits(p, s + 17, 2),
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
            (ms, i) = TimeBytes.fraction(p, i, n)
        }
        var offset = defaultOffsetSeconds
        if dateSep == UInt8(ascii: "-"), let (zone, _) = TimeBytes.zoneOffset(p, i, n) { offset = zone }
        return EpochMillis(seconds - offset) * 1000 + EpochMillis(ms)
    }

    /// `Oct 27 10:00:00[.frac]`, day space-padded or not.
    private mutating func parseSyslog(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        guard s + 15 <= n, let month = TimeBytes.monthNumber(p, s), p[s + 3] == UInt8(ascii: " ") else { return nil }
        var i = s + 4
        if p[i] == UInt8(ascii: " ") { i += 1 }
        var day = 0
        var nd = 0
        while i < n, nd < 2, TimeBytes.isDigit(p[i]) { day = day * 10 + Int(p[i] &- 48); i += 1; nd += 1 }
        guard nd > 0, i + 9 <= n, p[i] == UInt8(ascii: " "),
              p[i + 3] == UInt8(ascii: ":"), p[i + 6] == UInt8(ascii: ":"),
              let hh = TimeBytes.digits(p, i + 1, 2), let mm = TimeBytes.digits(p, i + 4, 2), let ss = TimeBytes.digits(p, i + 7, 2),
              hh < 24, mm < 60, ss < 61
        else { return nil }
        i += 9
        var ms = 0
        if i < n, p[i] == UInt8(ascii: ".") { (ms, _) = TimeBytes.fraction(p, i + 1, n) }
        guard day >= 1, let days = TimeBytes.inferYear(month: month, day: day, reference: referenceTime) else { return nil }
        return TimeBytes.millis(days, hh, mm, ss, ms, defaultOffsetSeconds)
    }

    /// `Mon Oct 27 10:00:00[.frac] 2025` (Apache error log, inside `[...]`).
    private mutating func parseCtime(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        guard s + 24 <= n, TimeBytes.isAlpha(p[s]), TimeBytes.isAlpha(p[s + 1]), TimeBytes.isAlpha(p[s + 2]), p[s + 3] == UInt8(ascii: " "),
              let month = TimeBytes.monthNumber(p, s + 4), p[s + 7] == UInt8(ascii: " "),
              let day = TimeBytes.digits(p, s + 8, 2) ?? TimeBytes.digits(p, s + 9, 1), p[s + 10] == UInt8(ascii: " "),
              p[s + 13] == UInt8(ascii: ":"), p[s + 16] == UInt8(ascii: ":"),
              let hh = TimeBytes.digits(p, s + 11, 2), let mm = TimeBytes.digits(p, s + 14, 2), let ss = TimeBytes.digits(p, s + 17, 2)
        else { return nil }
        var i = s + 19
        var ms = 0
        if p[i] == UInt8(ascii: ".") { (ms, i) = TimeBytes.fraction(p, i + 1, n) }
        guard i + 5 <= n, p[i] == UInt8(ascii: " "), let year = TimeBytes.digits(p, i + 1, 4),
              let days = days(year, month, day), hh < 24, mm < 60, ss < 61
        else { return nil }
        return TimeBytes.millis(days, hh, mm, ss, ms, defaultOffsetSeconds)
    }

    /// `[27/Oct/2025:10:00:00 +0000]` anywhere in the first 160 bytes (after host and user).
    private mutating func parseAccess(_ p: UnsafePointer<UInt8>, _ n: Int) -> EpochMillis? {
        var i = 0
        let limit = min(n, 160)
        while i < limit {
            if p[i] == UInt8(ascii: "["), i + 27 <= n, p[i + 3] == UInt8(ascii: "/"), p[i + 7] == UInt8(ascii: "/"),
               p[i + 12] == UInt8(ascii: ":"), p[i + 15] == UInt8(ascii: ":"), p[i + 18] == UInt8(ascii: ":"),
               let day = TimeBytes.digits(p, i + 1, 2), let month = TimeBytes.monthNumber(p, i + 4), let year = TimeBytes.digits(p, i + 8, 4),
               let hh = TimeBytes.digits(p, i + 13, 2), let mm = TimeBytes.digits(p, i + 16, 2), let ss = TimeBytes.digits(p, i + 19, 2),
               let days = days(year, month, day), hh < 24, mm < 60, ss < 61 {
                var offset = defaultOffsetSeconds
                if p[i + 21] == UInt8(ascii: " "), let (zone, _) = TimeBytes.zoneOffset(p, i + 22, n) { offset = zone }
                return TimeBytes.millis(days, hh, mm, ss, 0, offset)
            }
            i += 1
        }
        return nil
    }

    /// Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits) starting a line.
    private func parseEpochPrefix(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> EpochMillis? {
        var i = s
        var v: Int64 = 0
        while i < n, i - s < 14, TimeBytes.isDigit(p[i]) { v = v * 10 + Int64(p[i] &- 48); i += 1 }
        let nd = i - s
        if i < n, TimeBytes.isDigit(p[i]) { return nil }
        let ms: Int64
        if nd == 10 {
            var frac = 0
            if i < n, p[i] == UInt8(ascii: ".") { (frac, i) = TimeBytes.fraction(p, i + 1, n) }
            ms = v * 1000 + Int64(frac)
        } else if nd == 13 {
            ms = v
        } else {
            return nil
        }
        guard i >= n || p[i] == UInt8(ascii: " ") || p[i] == UInt8(ascii: "\t") || p[i] == UInt8(ascii: "]") else { return nil }
        return TimeBytes.plausible(ms) ? ms : nil
    }

    /// A whole numeric value: seconds (with fraction), ms, µs or ns, told apart by magnitude.
    func parseEpochAnyUnit(_ p: UnsafePointer<UInt8>, _ n: Int) -> EpochMillis? {
        var i = 0
        var v: Int64 = 0
        while i < n, i < 19, TimeBytes.isDigit(p[i]) { v = v * 10 + Int64(p[i] &- 48); i += 1 }
        guard i > 0 else { return nil }
        var frac = 0
        if i < n, p[i] == UInt8(ascii: ".") { (frac, i) = TimeBytes.fraction(p, i + 1, n) }
        guard i == n else { return nil }
        let ms: Int64
        switch i > 0 ? v : 0 {
        case ..<100_000_000_000: ms = v * 1000 + Int64(frac)          // seconds
        case ..<100_000_000_000_000: ms = v                            // milliseconds
        case ..<100_000_000_000_000_000: ms = v / 1000                 // microseconds (journald)
        default: ms = v / 1_000_000                                    // nanoseconds
        }
        return TimeBytes.plausible(ms) ? ms : nil
    }

    // MARK: pieces

    /// Days since the epoch, cached for the last date seen: lines of one file share a date.
    @inline(__always)
    mutating func days(_ year: Int, _ month: Int, _ day: Int) -> Int? {
        let key = year * 10_000 + month * 100 + day
        if key == cachedDateKey { return cachedDays }
        guard month >= 1, month <= 12, day >= 1, day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
        cachedDateKey = key
        cachedDays = CivilTime.daysFromCivil(year: year, month: month, day: day)
        return cachedDays
    }
}
