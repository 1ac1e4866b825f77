/// Calendar arithmetic on plain integers, so that parsing and formatting never allocate
/// and never depend on the process's locale or time zone.
public enum CivilTime {
    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    @inline(__always)
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// An instant as milliseconds since the Unix epoch.
public typealias EpochMillis = Int64

extension EpochMillis {
    /// RFC 3339 in UTC with milliseconds when they are not zero, e.g. `2025-10-27T10:00:00.123Z`.
    public var rfc3339: String {
        let ms = Int((self % 1000 + 1000) % 1000)
        let seconds = Int((self - Int64(ms)) / 1000)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secOfDay = seconds - days * 86400
        let (y, m, d) = CivilTime.civilFromDays(days)
        guard (0...9999).contains(y) else {
            func pad(_ v: Int, _ w: Int) -> String {
                let s = String(v)
                return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
            }
            var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secOfDay / 3600, 2)):\(pad(secOfDay / 60 % 60, 2)):\(pad(secOfDay % 60, 2))"
            if ms != 0 { out += "." + pad(ms, 3) }
            return out + "Z"
        }
        // Digits into a fixed buffer: alerts and JSON lines print several times each.
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var i = 0
            func put(_ v: Int, _ width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                while divisor > 0 {
                    buffer[i] = UInt8(ascii: "0") + UInt8(v / divisor % 10)
                    i += 1
                    divisor /= 10
                }
            }
            func sep(_ c: Unicode.Scalar) {
                buffer[i] = UInt8(ascii: c)
                i += 1
            }
            put(y, 4); sep("-"); put(m, 2); sep("-"); put(d, 2); sep("T")
            put(secOfDay / 3600, 2); sep(":"); put(secOfDay / 60 % 60, 2); sep(":"); put(secOfDay % 60, 2)
            if ms != 0 { sep("."); put(ms, 3) }
            sep("Z")
            return i
        }
    }
}
