import Testing
@testable import LogwardenKit

/// The time a fresh parser reads at the start of `line` (syslog years from 2026-06-01), as RFC 3339.
func parseLine(_ line: String, offset: Int = 0, settings: TimestampSettings = TimestampSettings()) -> String? {
    var parser = TimestampParser(referenceTime: TimestampParserTests.reference, defaultOffsetSeconds: offset, settings: settings)
    var bytes = Array(line.utf8)
    return bytes.withUnsafeMutableBufferPointer { parser.parseLineStart(UnsafeBufferPointer($0))?.rfc3339 }
}

struct TimestampParserTests {
    /// 2026-06-01T00:00:00Z: syslog dates are read relative to it.
    static let reference: EpochMillis = 1_780_272_000_000

    func parse(_ line: String, offset: Int = 0) -> String? { parseLine(line, offset: offset) }

    @Test(arguments: [
        ("2025-10-27T10:00:00Z api started", "2025-10-27T10:00:00Z"),
        ("2025-10-27T10:00:00.123456+02:00 x", "2025-10-27T08:00:00.123Z"),
        ("2025-10-27T10:00:00+0000 app-01 sshd[1]: x", "2025-10-27T10:00:00Z"),
        ("2025-10-27 10:00:00,123 ERROR [api] boom", "2025-10-27T10:00:00.123Z"),
        ("2025-10-27 10:00:00.123 UTC [2211] ERROR:  x", "2025-10-27T10:00:00.123Z"),
        ("2025-10-27T10:00:00 no zone", "2025-10-27T10:00:00Z"),
        ("2025/10/27 10:00:00 [error] 311#311: *1 x", "2025-10-27T10:00:00Z"),
        ("Oct 27 10:00:00 host sshd[1]: x", "2025-10-27T10:00:00Z"),
        ("Feb  3 04:05:06 host cron[1]: x", "2026-02-03T04:05:06Z"),
        ("Oct 27 10:00:00.250000 host x", "2025-10-27T10:00:00.250Z"),
        ("[Sun Dec 04 04:47:44 2005] [notice] x", "2005-12-04T04:47:44Z"),
        ("10.0.0.1 - - [27/Oct/2025:10:00:00 +0100] \"GET / HTTP/1.1\" 200 1", "2025-10-27T09:00:00Z"),
        ("1761559200 epoch seconds", "2025-10-27T10:00:00Z"),
        ("1761559200.5 epoch seconds", "2025-10-27T10:00:00.500Z"),
        ("1761559200123 epoch ms", "2025-10-27T10:00:00.123Z"),
        ("<34>Oct 27 10:00:00 host x", "2025-10-27T10:00:00Z"),
    ])
    func detectsForm(_ line: String, _ expected: String) {
        #expect(parse(line) == expected)
    }

    @Test(arguments: [
        "  File \"/app/x.py\", line 3, in f",
        "psycopg2.errors.UndefinedColumn: column x does not exist",
        "12345 not a time",
        "2025-13-27 10:00:00 bad month",
        "2025-02-30T10:00:00Z bad day",
        "Foo 27 10:00:00 not a month",
        "",
    ])
    func rejectsNonTimestamps(_ line: String) {
        #expect(parse(line) == nil)
    }

    @Test func sameSecondCacheKeepsFractionsAndZonesApart() {
        var parser = TimestampParser(referenceTime: Self.reference)
        func at(_ s: String) -> String? {
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { parser.parseLineStart(UnsafeBufferPointer($0))?.rfc3339 }
        }
        #expect(at("2025-10-27T10:00:00.100Z a") == "2025-10-27T10:00:00.100Z")
        #expect(at("2025-10-27T10:00:00.900+01:00 b") == "2025-10-27T09:00:00.900Z")
        #expect(at("2025-10-27T10:00:01Z c") == "2025-10-27T10:00:01Z")
        #expect(at("2025-10-27 10:00:01,5 d") == "2025-10-27T10:00:01.500Z")
        #expect(at("2025/10/27 10:00:01 [error] e") == "2025-10-27T10:00:01Z")
    }

    @Test func syslogYearIsInferredFromReference() {
        // December read in June: last December, not the coming one.
        #expect(parse("Dec 10 06:55:46 LabSZ sshd[24200]: x") == "2025-12-10T06:55:46Z")
    }

    @Test func zonelessTimesUseTheConfiguredOffset() {
        #expect(parse("2025-10-27 10:00:00,000 INFO x", offset: 3600) == "2025-10-27T09:00:00Z")
        #expect(parse("2025-10-27T10:00:00Z x", offset: 3600) == "2025-10-27T10:00:00Z")
    }

    @Test func jsonValuesIncludeEpochUnits() {
        var parser = TimestampParser(referenceTime: Self.reference)
        func value(_ s: String) -> String? {
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { parser.parseValue(UnsafeBufferPointer($0))?.rfc3339 }
        }
        #expect(value("1761559200123456") == "2025-10-27T10:00:00.123Z")  // journald µs
        #expect(value("1761559200") == "2025-10-27T10:00:00Z")
        #expect(value("2025-10-27T10:00:00.5Z") == "2025-10-27T10:00:00.500Z")
    }
}

struct RFC3339Tests {
    @Test(arguments: [
        (0 as EpochMillis, "1970-01-01T00:00:00Z"),
        (1_795_305_600_123, "2026-11-22T00:00:00.123Z"),
        (1_795_305_659_007, "2026-11-22T00:00:59.007Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (-62_135_596_800_000, "0001-01-01T00:00:00Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        (253_402_300_800_000, "10000-01-01T00:00:00Z"),
    ])
    func formatsMillisecondsOnlyWhenThereAreAny(_ t: EpochMillis, _ expected: String) {
        #expect(t.rfc3339 == expected)
    }
}
