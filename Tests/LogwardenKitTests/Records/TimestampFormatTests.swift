import Testing
@testable import LogwardenKit

/// strftime formats compiled into byte matchers: what they read, and what they refuse.
struct TimestampFormatTests {
    /// 2026-06-01T00:00:00Z: formats without a year take it from here, as syslog does.
    static let reference = TimestampParserTests.reference

    func read(_ format: String, _ text: String, offset: Int = 0) throws -> String? {
        let f = try TimestampFormat(format)
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
            f.match(UnsafePointer(b.baseAddress!), 0, b.count, reference: Self.reference, defaultOffset: offset)?.rfc3339
        }
    }

    @Test(arguments: [
        ("%m/%d/%Y, %I:%M:%S %p", "11/5/2025, 1:00:01 AM x", "2025-11-05T01:00:01Z"),
        ("%m/%d/%Y, %I:%M:%S %p", "11/05/2025, 11:59:59 pm", "2025-11-05T23:59:59Z"),
        ("%Y-%m-%d %H:%M:%S,%f", "2025-10-27 10:00:00,123 ERROR", "2025-10-27T10:00:00.123Z"),
        ("%Y-%m-%dT%H:%M:%S.%f%z", "2025-10-27T10:00:00.123456+02:00", "2025-10-27T08:00:00.123Z"),
        ("%F %T %z", "2025-10-27 10:00:00 -0130", "2025-10-27T11:30:00Z"),
        ("%F %T %z", "2025-10-27 10:00:00 Z", "2025-10-27T10:00:00Z"),
        ("%F %T %Z", "2025-10-27 10:00:00 GMT", "2025-10-27T10:00:00Z"),
        ("%F %T%z", "2025-10-27 10:00:00UTC", "2025-10-27T10:00:00Z"),
        ("%d/%b/%Y:%H:%M:%S %z", "27/Oct/2025:10:00:00 +0000", "2025-10-27T10:00:00Z"),
        ("%a, %d %B %Y %T", "Monday, 27 October 2025 10:00:00", "2025-10-27T10:00:00Z"),
        ("%a %b %e %T %Y", "Mon Oct  7 10:00:00 2025", "2025-10-07T10:00:00Z"),
        ("%b %e %H:%M:%S", "Dec 10 06:55:46 host", "2025-12-10T06:55:46Z"),
        ("%b %d %T", "Feb  3 04:05:06", "2026-02-03T04:05:06Z"),
        ("%d.%m.%y %R", "05.11.25 01:07", "2025-11-05T01:07:00Z"),
        ("%D %T", "11/05/25 01:07:00", "2025-11-05T01:07:00Z"),
        ("%Y%m%d%H%M%S", "20251027100000", "2025-10-27T10:00:00Z"),
        ("%Y %j %T", "2025 300 10:00:00", "2025-10-27T10:00:00Z"),
        ("%s", "1761559200 x", "2025-10-27T10:00:00Z"),
        ("%s.%f", "1761559200.5", "2025-10-27T10:00:00.500Z"),
        ("%-m/%-d/%Y %-I:%M %p", "1/2/2026 3:04 PM", "2026-01-02T15:04:00Z"),
        ("%%%Y-%m-%d", "%2025-10-27", "2025-10-27T00:00:00Z"),
        ("[%d/%m/%Y %H:%M:%S]", "[27/10/2025 10:00:00] x", "2025-10-27T10:00:00Z"),
    ])
    func reads(_ format: String, _ text: String, _ expected: String) throws {
        #expect(try read(format, text) == expected)
    }

    @Test func zonelessUsesTheDefaultOffset() throws {
        #expect(try read("%Y-%m-%d %H:%M", "2025-10-27 10:00", offset: 3600) == "2025-10-27T09:00:00Z")
        #expect(try read("%Y-%m-%d %H:%M %z", "2025-10-27 10:00 +0000", offset: 3600) == "2025-10-27T10:00:00Z")
    }

    @Test(arguments: [
        ("%m/%d/%Y", "13/01/2025"),
        ("%m/%d/%Y", "02/30/2025"),
        ("%m/%d/%Y %H:%M", "01/02/2025 24:00"),
        ("%m/%d/%Y %I:%M %p", "01/02/2025 13:00 PM"),
        ("%m/%d/%Y %I:%M %p", "01/02/2025 0:00 AM"),
        ("%Y-%m-%d", "25-10-27"),
        ("%Y-%m-%d", "2025/10/27"),
        ("%b %d %Y", "Foo 27 2025"),
        ("%Y %j", "2025 366"),
        ("%s", "12345"),
        ("%F %T %Z", "2025-10-27 10:00:00 CET"),
        ("%Y-%m-%d %H:%M:%S.%f", "2025-10-27 10:00:00."),
        ("%Y-%m-%d", ""),
    ])
    func refuses(_ format: String, _ text: String) throws {
        #expect(try read(format, text) == nil)
    }

    @Test(arguments: [
        ("%Y-%m-%d %Q", 9, "unsupported conversion %Q"),
        ("%Y-%m-%d %", 9, "a lone %"),
        ("%H:%M:%S", 0, "the format has no date"),
        ("%d %H:%M", 0, "the format has no date"),
        ("%j %T", 0, "%j needs a year"),
        ("%Y-%m-%d %H:%M %p", 0, "%p (AM/PM) needs %I"),
        ("", 0, "the format is empty"),
    ])
    func badFormatsSayWhereAndWhat(_ format: String, _ offset: Int, _ message: String) {
        #expect(throws: TimestampFormat.Problem.self) { try TimestampFormat(format) }
        do {
            _ = try TimestampFormat(format)
        } catch {
            #expect(error.offset == offset)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func aForcedFormatIsTriedAtTheKnownPlacesBeforeDetection() throws {
        let forced = TimestampSettings(formats: [try TimestampFormat("%d/%m/%Y %H:%M:%S")])
        func parse(_ line: String) -> String? { parseLine(line, settings: forced) }
        #expect(parse("05/11/2025 01:00:01 x") == "2025-11-05T01:00:01Z")
        #expect(parse("[05/11/2025 01:00:01] x") == "2025-11-05T01:00:01Z")
        #expect(parse("<13>05/11/2025 01:00:01 x") == "2025-11-05T01:00:01Z")
        #expect(parse("10.0.0.1 - - [05/11/2025 01:00:01] \"GET /\"") == "2025-11-05T01:00:01Z")
        #expect(parse("level=error ts=\"05/11/2025 01:00:01\" msg=x") == "2025-11-05T01:00:01Z")
        // Lines it does not fit are still detected.
        #expect(parse("2025-10-27T10:00:00Z x") == "2025-10-27T10:00:00Z")
        #expect(parse("[ERROR] no time") == nil)
    }

    @Test func hostileBytesNeverTrap() throws {
        var rng = SystemRandomNumberGenerator()
        let formats = try ["%m/%d/%Y, %I:%M:%S %p", "%F %T.%f %z", "%a %b %e %T %Y", "%s.%f", "%Y %j %Z", "[%d/%b/%Y:%T %z]"]
            .map { try TimestampFormat($0) }
        var parser = TimestampParser(referenceTime: Self.reference, settings: TimestampSettings(formats: formats))
        let alphabet = Array("0123456789/:.,- +Z[]=\"tsimeAPMUTCGMTOctMon\t\u{0}\u{FF}".utf8)
        for round in 0..<20_000 {
            let n = Int.random(in: 0...48, using: &rng)
            var bytes: [UInt8] = (0..<n).map { _ in
                round % 2 == 0 ? UInt8.random(in: 0...255, using: &rng) : alphabet.randomElement(using: &rng)!
            }
            bytes.withUnsafeMutableBufferPointer { b in
                let line = UnsafeBufferPointer(b)
                _ = parser.parseLineStart(line)
                _ = parser.parseValue(line)
                if let p = b.baseAddress {
                    for f in formats { _ = f.match(UnsafePointer(p), 0, b.count, reference: Self.reference, defaultOffset: 0) }
                }
            }
        }
        // Every prefix of real timestamps, too: reads never run past the end.
        for text in ["11/5/2025, 1:00:01 AM", "ts=2025-10-27T10:00:00.123Z", "time=\"2025-10-27 10:00:00", "Mon Oct  7 10:00:00 2025"] {
            let all = Array(text.utf8)
            for k in 0...all.count {
                let prefix = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(k, 1))
                defer { prefix.deallocate() }
                _ = prefix.initialize(from: all[0..<k])
                let line = UnsafeBufferPointer(rebasing: prefix[0..<k])
                _ = parser.parseLineStart(line)
                _ = parser.parseValue(line)
                for f in formats { _ = f.match(UnsafePointer(prefix.baseAddress!), 0, k, reference: Self.reference, defaultOffset: 0) }
            }
        }
    }
}
