import Testing
@testable import LogwardenKit

/// Frames `text` and returns (firstLine, lastLine, text) per record.
func frame(_ text: String, _ options: FramingOptions = FramingOptions(), chunk: Int? = nil) -> [(Int, Int, String)] {
    var out: [(Int, Int, String)] = []
    var source = MemorySource(text)
    _ = try? RecordReader.read(&source, framing: options, timestamps: TimestampParser(referenceTime: 1_780_272_000_000)) {
        out.append(($0.firstLine, $0.lastLine, String(decoding: $0.text, as: UTF8.self)))
    }
    return out
}

struct RecordFramerTests {
    @Test func pythonTracebackWithChainedExceptionsIsOneRecord() {
        let log = """
        2025-10-27 10:00:00,000 ERROR [sync] failed to load oauth token scopes for user 7
        Traceback (most recent call last):
          File "/app/db.py", line 10, in load
            cursor.execute(sql)
        psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist
        LINE 1: SELECT user_oauth_tokens.scope FROM user_oauth_tokens
                       ^

        The above exception was the direct cause of the following exception:

        Traceback (most recent call last):
          File "/app/sync.py", line 3, in run
        sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedColumn) column user_oauth_tokens.scope does not exist
        2025-10-27 10:00:01,000 INFO [sync] next
        """
        let records = frame(log)
        #expect(records.count == 2)
        #expect(records[0].0 == 1 && records[0].1 == 13)
        #expect(records[0].2.hasSuffix("column user_oauth_tokens.scope does not exist"))
        #expect(records[1].0 == 14)
    }

    @Test func javaStackTraceWithCausedBy() {
        let log = """
        2025-10-27 10:00:00,000 ERROR [main] c.e.Client - request failed
        java.net.SocketTimeoutException: Read timed out
        \tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)
        Caused by: java.net.ConnectException: Connection refused
        \t... 3 more
        2025-10-27 10:00:01,000 INFO [main] ok
        """
        let records = frame(log)
        #expect(records.map(\.0) == [1, 6])
        #expect(records[0].1 == 5)
    }

    @Test func postgresDetailLinesWithoutPrefixContinue() {
        let log = """
        2025-10-27 10:00:00.123 UTC [7] ERROR:  duplicate key value violates unique constraint "bookings_pkey"
        DETAIL:  Key (id)=(1) already exists.
        HINT:  none
        2025-10-27 10:00:00.124 UTC [7] LOG:  checkpoint starting: time
        """
        #expect(frame(log).map { [$0.0, $0.1] } == [[1, 3], [4, 4]])
    }

    @Test func untimestampedInputKeepsOneRecordPerLineButJoinsTracebacks() {
        let log = "plain one\nplain two\nTraceback (most recent call last):\n  File \"x\", line 1\nKeyError: 'a'\nplain three\n"
        #expect(frame(log).map { [$0.0, $0.1] } == [[1, 1], [2, 5], [6, 6]])
    }

    @Test func jsonLinesAreAlwaysTheirOwnRecord() {
        let log = "2025-10-27T10:00:00Z a\n{\"message\":\"b\"}\n  indented after json\n"
        #expect(frame(log).map { [$0.0, $0.1] } == [[1, 1], [2, 2], [3, 3]])
    }

    @Test func recordWithoutTimeInheritsThePrevious() {
        var times: [String?] = []
        var source = MemorySource("x no time\n2025-10-27T10:00:00Z a\n{\"msg\":\"no time\"}\n")
        _ = try? RecordReader.read(&source, framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 0)) {
            times.append($0.time?.rfc3339)
        }
        #expect(times == [nil, "2025-10-27T10:00:00Z", "2025-10-27T10:00:00Z"])
    }

    @Test func maxLinesSplitsAndMaxBytesCuts() {
        let long = "2025-10-27T10:00:00Z start\n" + (1...5).map { "  line \($0)" }.joined(separator: "\n") + "\n"
        #expect(frame(long, FramingOptions(maxLines: 3)).map { [$0.0, $0.1] } == [[1, 3], [4, 6]])
        let cut = frame("2025-10-27T10:00:00Z " + String(repeating: "x", count: 500) + "\n", FramingOptions(maxBytes: 100))
        #expect(cut.count == 1 && cut[0].2.utf8.count == 100)
    }

    @Test func crlfInvalidUTF8AndNULPassThrough() {
        var bytes = Array("2025-10-27T10:00:00Z a\r\n".utf8)
        bytes += [0x32, 0x30, 0xFF, 0x00, 0xC3, 0x0A]
        var records: [[UInt8]] = []
        var source = MemorySource(bytes)
        _ = try? RecordReader.read(&source, framing: FramingOptions(multiline: false), timestamps: TimestampParser(referenceTime: 0)) {
            records.append(Array($0.text))
        }
        #expect(records.count == 2)
        #expect(records[0] == Array("2025-10-27T10:00:00Z a".utf8))
        #expect(records[1] == [0x32, 0x30, 0xFF, 0x00, 0xC3])
    }

    @Test func noMultilineMakesEveryLineARecord() {
        let log = "2025-10-27T10:00:00Z a\n  b\nc\n"
        #expect(frame(log, FramingOptions(multiline: false)).count == 3)
    }
}
