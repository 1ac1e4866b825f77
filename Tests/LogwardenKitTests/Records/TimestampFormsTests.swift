import Testing
@testable import LogwardenKit

/// The forms issue 23 found undetected: US dates with AM/PM, logfmt `ts=`/`time=`, and
/// python-json-logger's `asctime`.
struct TimestampFormsTests {
    static let reference = TimestampParserTests.reference

    func parse(_ line: String, offset: Int = 0) -> String? { parseLine(line, offset: offset) }

    @Test(arguments: [
        ("11/5/2025, 1:00:01 AM [ERROR] sync failed", "2025-11-05T01:00:01Z"),
        ("11/05/2025 01:00:01 PM ERROR x", "2025-11-05T13:00:01Z"),
        ("11/5/2025, 12:00:01 AM midnight", "2025-11-05T00:00:01Z"),
        ("11/5/2025, 12:30:00 PM noon", "2025-11-05T12:30:00Z"),
        ("11/5/2025 1:00:01.250 pm x", "2025-11-05T13:00:01.250Z"),
        ("[11/5/2025, 1:00:01 AM] x", "2025-11-05T01:00:01Z"),
        ("11/5/2025, 1:00:01\u{202F}AM node's toLocaleString", "2025-11-05T01:00:01Z"),
        ("11/5/2025, 1:00:01\u{00A0}PM", "2025-11-05T13:00:01Z"),
    ])
    func usDatesWithAMPM(_ line: String, _ expected: String) {
        #expect(parse(line) == expected)
    }

    @Test(arguments: [
        "05/11/2025 13:00:01 no AM or PM: the order is unknown",
        "13/5/2025, 1:00:01 AM month 13",
        "2/30/2025, 1:00:01 AM February 30th",
        "11/5/2025, 13:00:01 PM hour 13",
        "11/5/2025, 0:00:01 AM hour 0",
        "11/5/25, 1:00:01 AM two-digit year",
        "11/5/2025,1:00:01 AM no space",
        "11/5/2025, 1:00:01 XM",
    ])
    func notUSDates(_ line: String) {
        #expect(parse(line) == nil)
    }

    @Test func usDatesUseTheTimezone() {
        #expect(parse("11/5/2025, 1:00:01 AM x", offset: -5 * 3600) == "2025-11-05T06:00:01Z")
    }

    @Test(arguments: [
        ("ts=2025-10-27T10:00:00.123Z level=error msg=\"boom\"", "2025-10-27T10:00:00.123Z"),
        ("level=error ts=2025-10-27T10:00:00Z caller=main.go:12", "2025-10-27T10:00:00Z"),
        ("time=\"2025-10-27T12:00:00+02:00\" level=error msg=x", "2025-10-27T10:00:00Z"),
        ("level=info time=2025-10-27T10:00:00.5-01:00 msg=x", "2025-10-27T11:00:00.500Z"),
        ("time=\"2025-10-27 10:00:00\" level=warning", "2025-10-27T10:00:00Z"),
        ("level=error ts=1761559200.25 msg=x", "2025-10-27T10:00:00.250Z"),
        ("at=error ts=1761559200123 msg=x", "2025-10-27T10:00:00.123Z"),
        ("msg=x\tts=1761559200 key=v", "2025-10-27T10:00:00Z"),
        ("level=error elapsed_time=5ms time=2025-10-27T10:00:00Z", "2025-10-27T10:00:00Z"),
    ])
    func logfmtKeysAnywhere(_ line: String, _ expected: String) {
        #expect(parse(line) == expected)
    }

    @Test(arguments: [
        "level=error elapsed_time=2025-10-27T10:00:00Z msg=not the key",
        "level=error startts=1761559200 msg=not the key",
        "level=error time=5ms msg=a duration",
        "level=error ts=12345 msg=too small to be a time",
        "level=error ts= msg=empty",
        "level=error ts=\"unterminated",
        "ts=",
    ])
    func notLogfmtTimes(_ line: String) {
        #expect(parse(line) == nil)
    }

    func frame(_ text: String, settings: TimestampSettings = TimestampSettings()) -> [(line: Int, time: String?)] {
        var out: [(Int, String?)] = []
        var source = MemorySource(text)
        _ = try? RecordReader.read(&source, framing: FramingOptions(),
                                   timestamps: TimestampParser(referenceTime: Self.reference, settings: settings)) {
            out.append(($0.firstLine, $0.hasOwnTime ? $0.time?.rfc3339 : nil))
        }
        return out
    }

    @Test func pythonJSONLoggerAsctime() {
        let log = """
            {"asctime": "2025-10-27 10:00:00,123", "levelname": "ERROR", "name": "api", "message": "psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist"}
            {"asctime": "2025-10-27 10:00:01,500", "levelname": "INFO", "name": "api", "message": "ok"}
            """
        #expect(frame(log).map(\.time) == ["2025-10-27T10:00:00.123Z", "2025-10-27T10:00:01.500Z"])
    }

    @Test func aJSONTimeFieldThatDoesNotParseGivesWayToTheNext() {
        let log = #"{"time": "soon", "asctime": "2025-10-27 10:00:00,123", "message": "x"}"#
        #expect(frame(log).map(\.time) == ["2025-10-27T10:00:00.123Z"])
    }

    @Test func aForcedFieldComesBeforeTheUsualOnes() throws {
        let log = #"{"time": "2025-10-27T10:00:00Z", "logged": "11/5/2025, 1:00:01 AM", "message": "x"}"#
        #expect(frame(log).map(\.time) == ["2025-10-27T10:00:00Z"])
        #expect(frame(log, settings: TimestampSettings(fields: ["logged"])).map(\.time) == ["2025-11-05T01:00:01Z"])
        let forced = TimestampSettings(formats: [try TimestampFormat("%d.%m.%Y %H:%M")], fields: ["when"])
        #expect(frame(#"{"when": "05.11.2025 01:00", "message": "x"}"#, settings: forced).map(\.time) == ["2025-11-05T01:00:00Z"])
    }

    @Test func logfmtLinesAreTimestampedSoUntimedLinesContinueThem() {
        let log = """
            ts=2025-10-27T10:00:00Z level=error msg="request failed"
            goroutine 1 [running]:
            main.main()
            ts=2025-10-27T10:00:01Z level=info msg=ok
            """
        #expect(frame(log).map(\.line) == [1, 4])
    }
}
