/// A strftime format a user forces (`--timestamp-format`, `timestamps: formats:`), compiled
/// once into steps that are matched on bytes, per record, without allocating.
///
/// Matching follows strptime: a number takes up to its width in digits (a month is `5` or
/// `05`), whitespace in the format matches any run of spaces and tabs (none included), and
/// names match in any case, whole or abbreviated. Without a year the year is inferred as
/// for syslog (from the input's modification time); without `%z`/`%Z` the time is in
/// `--timezone`. A result outside 1990–2100 is no match.
public struct TimestampFormat: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    private let steps: [Step]
    private let hasYear: Bool

    /// A format that cannot be compiled: what is wrong, at which byte of the format.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var message: String
        public var description: String { message }
    }

    public static let supported = "%Y %y %m %d %e %j %H %I %M %S %f %p %b %B %h %a %A %z %Z %s %T %F %D %R %n %t %%"

    fileprivate enum Field: Sendable { case year, year2, month, day, dayOfYear, hour, hour12, minute, second, epoch }

    fileprivate enum Step: Sendable, Equatable {
        case literal(UInt8)
        case spaces
        case number(Field, min: Int, max: Int)
        /// `%e`: a day that may be padded with a space.
        case paddedDay
        case fraction, monthName, weekdayName, meridiem, zone, utc
    }

    public var description: String { source }

    public static func == (a: TimestampFormat, b: TimestampFormat) -> Bool { a.source == b.source }

    public init(_ source: String) throws(Problem) {
        self.source = source
        var steps: [Step] = []
        let bytes = Array(source.utf8)
        guard !bytes.isEmpty else { throw Problem(offset: 0, message: "the format is empty; write it as e.g. %Y-%m-%d %H:%M:%S") }
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c != UInt8(ascii: "%") {
                if TimeBytes.isSpace(c) || c == 10 {
                    if steps.last != .spaces { steps.append(.spaces) }
                } else {
                    steps.append(.literal(c))
                }
                i += 1
                continue
            }
            let at = i
            i += 1
            // GNU's padding flags (`%-d`, `%_d`, `%0d`) change nothing when reading.
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "_") || bytes[i] == UInt8(ascii: "0") { i += 1 }
            guard i < bytes.count else {
                throw Problem(offset: at, message: "a lone % ends the format; write %% for a literal %")
            }
            guard let expanded = Self.conversion(bytes[i]) else {
                let name = String(decoding: bytes[i..<min(i + 1, bytes.count)], as: UTF8.self)
                throw Problem(offset: at, message: "unsupported conversion %\(name); supported: \(Self.supported)")
            }
            steps += expanded
            i += 1
        }
        try Self.validate(steps)
        self.steps = steps
        hasYear = steps.contains { $0 == .number(.year, min: 4, max: 4) || $0 == .number(.year2, min: 2, max: 2) }
    }

    private static func conversion(_ c: UInt8) -> [Step]? {
        switch c {
        case UInt8(ascii: "Y"): return [.number(.year, min: 4, max: 4)]
        case UInt8(ascii: "y"): return [.number(.year2, min: 2, max: 2)]
        case UInt8(ascii: "m"): return [.number(.month, min: 1, max: 2)]
        case UInt8(ascii: "d"): return [.number(.day, min: 1, max: 2)]
        case UInt8(ascii: "e"): return [.paddedDay]
        case UInt8(ascii: "j"): return [.number(.dayOfYear, min: 1, max: 3)]
        case UInt8(ascii: "H"): return [.number(.hour, min: 1, max: 2)]
        case UInt8(ascii: "I"): return [.number(.hour12, min: 1, max: 2)]
        case UInt8(ascii: "M"): return [.number(.minute, min: 1, max: 2)]
        case UInt8(ascii: "S"): return [.number(.second, min: 1, max: 2)]
        case UInt8(ascii: "s"): return [.number(.epoch, min: 1, max: 10)]
        case UInt8(ascii: "f"): return [.fraction]
        case UInt8(ascii: "p"): return [.meridiem]
        case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"): return [.monthName]
        case UInt8(ascii: "a"), UInt8(ascii: "A"): return [.weekdayName]
        case UInt8(ascii: "z"): return [.zone]
        case UInt8(ascii: "Z"): return [.utc]
        case UInt8(ascii: "n"), UInt8(ascii: "t"): return [.spaces]
        case UInt8(ascii: "%"): return [.literal(UInt8(ascii: "%"))]
        case UInt8(ascii: "T"): return expand("H:M:S")
        case UInt8(ascii: "R"): return expand("H:M")
        case UInt8(ascii: "F"): return expand("Y-m-d")
        case UInt8(ascii: "D"): return expand("m/d/y")
        default: return nil
        }
    }

    /// A shorthand's steps: letters are conversions, anything else is a literal.
    private static func expand(_ shape: StaticString) -> [Step] {
        UnsafeBufferPointer(start: shape.utf8Start, count: shape.utf8CodeUnitCount).flatMap { c in
            TimeBytes.isAlpha(c) ? conversion(c)! : [Step.literal(c)]
        }
    }

    /// A format must name a date; AM/PM needs a 12-hour clock; a day of the year needs its year.
    private static func validate(_ steps: [Step]) throws(Problem) {
        var year = false, month = false, day = false, dayOfYear = false, hour12 = false, meridiem = false, epoch = false
        for step in steps {
            switch step {
            case .number(.year, _, _), .number(.year2, _, _): year = true
            case .number(.month, _, _), .monthName: month = true
            case .number(.day, _, _), .paddedDay: day = true
            case .number(.dayOfYear, _, _): dayOfYear = true
            case .number(.hour12, _, _): hour12 = true
            case .number(.epoch, _, _): epoch = true
            case .meridiem: meridiem = true
            default: break
            }
        }
        if epoch { return }
        if dayOfYear, !year { throw Problem(offset: 0, message: "%j needs a year (%Y or %y)") }
        if !dayOfYear, !(day && month) {
            throw Problem(offset: 0, message: "the format has no date; it needs %d or %e with %m or %b (or %F, %j with %Y, or %s)")
        }
        if meridiem, !hour12 { throw Problem(offset: 0, message: "%p (AM/PM) needs %I, the hour on a 12-hour clock") }
    }

    /// The time this format reads at `s` in `p[..<n]`, or nil. `reference` gives a missing
    /// year; `defaultOffset` (seconds east of UTC) a missing zone.
    func match(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int, reference: EpochMillis, defaultOffset: Int) -> EpochMillis? {
        var i = s
        var year = 0, month = 0, day = 0, dayOfYear = 0, hour = 0, minute = 0, second = 0, ms = 0
        var twelve = false, pm = false
        var offset = defaultOffset
        var epoch: Int64? = nil
        for step in steps {
            switch step {
            case let .literal(c):
                guard i < n, p[i] == c else { return nil }
                i += 1
            case .spaces:
                while i < n, TimeBytes.isSpace(p[i]) { i += 1 }
            case let .number(field, lo, hi):
                var v: Int64 = 0
                let start = i
                while i < n, i - start < hi, TimeBytes.isDigit(p[i]) {
                    v = v * 10 + Int64(p[i] &- 48)
                    i += 1
                }
                guard i - start >= lo else { return nil }
                let x = Int(v)
                switch field {
                case .year: year = x
                case .year2: year = x < 69 ? 2000 + x : 1900 + x
                case .month: month = x
                case .day: day = x
                case .dayOfYear: dayOfYear = x
                case .hour: hour = x
                case .hour12:
                    hour = x
                    twelve = true
                    guard x >= 1, x <= 12 else { return nil }
                case .minute: minute = x
                case .second: second = x
                case .epoch: epoch = v
                }
            case .paddedDay:
                if i < n, p[i] == UInt8(ascii: " ") { i += 1 }
                guard i < n, TimeBytes.isDigit(p[i]) else { return nil }
                day = Int(p[i] &- 48)
                i += 1
                if i < n, TimeBytes.isDigit(p[i]) {
                    day = day * 10 + Int(p[i] &- 48)
                    i += 1
                }
            case .fraction:
                guard i < n, TimeBytes.isDigit(p[i]) else { return nil }
                (ms, i) = TimeBytes.fraction(p, i, n)
            case .monthName:
                guard let (m, end) = TimeBytes.month(p, i, n) else { return nil }
                month = m
                i = end
            case .weekdayName:
                guard let end = TimeBytes.weekday(p, i, n) else { return nil }
                i = end
            case .meridiem:
                guard let (isPM, end) = TimeBytes.meridiem(p, i, n) else { return nil }
                pm = isPM
                i = end
            case .zone:
                if let end = TimeBytes.utcName(p, i, n) {
                    offset = 0
                    i = end
                } else {
                    guard i < n, p[i] != UInt8(ascii: " "), let (z, end) = TimeBytes.zoneOffset(p, i, n) else { return nil }
                    offset = z
                    i = end
                }
            case .utc:
                if i < n, p[i] == UInt8(ascii: "Z") { i += 1 } else {
                    guard let end = TimeBytes.utcName(p, i, n) else { return nil }
                    i = end
                }
                offset = 0
            }
        }
        let t: EpochMillis
        if let epoch {
            t = epoch * 1000 + EpochMillis(ms)
        } else {
            if twelve { hour = TimeBytes.hour24(hour, pm: pm) }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            let days: Int
            if dayOfYear > 0 {
                let leap = CivilTime.daysInMonth(year: year, month: 2) == 29
                guard dayOfYear <= (leap ? 366 : 365) else { return nil }
                days = CivilTime.daysFromCivil(year: year, month: 1, day: 1) + dayOfYear - 1
            } else {
                guard month >= 1, month <= 12, day >= 1 else { return nil }
                if hasYear {
                    guard day <= CivilTime.daysInMonth(year: year, month: month) else { return nil }
                    days = CivilTime.daysFromCivil(year: year, month: month, day: day)
                } else {
                    guard let inferred = TimeBytes.inferYear(month: month, day: day, reference: reference) else { return nil }
                    days = inferred
                }
            }
            t = TimeBytes.millis(days, hour, minute, second, ms, offset)
        }
        return TimeBytes.plausible(t) ? t : nil
    }
}
