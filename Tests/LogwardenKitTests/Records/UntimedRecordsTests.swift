import Testing
@testable import LogwardenKit

/// Records before an input's first timestamp take it when the stream finds it ahead; an
/// input with none at all takes the fallback (DESIGN.md, "Which clock a run evaluates on").
struct UntimedRecordsTests {
    static let fallback: EpochMillis = 1_790_000_000_000  // 2026-09-21T14:13:20Z, "the file's mtime"
    static let error = "[ERROR] [api] psycopg2.errors.UndefinedColumn: column user_oauth_tokens.scope does not exist at character 366"

    struct Row: Equatable, CustomStringConvertible {
        var line: Int
        var time: EpochMillis?
        var own: Bool
        var fallback: Bool
        var description: String { "\(line) \(time.map(\.rfc3339) ?? "-")\(own ? " own" : "")\(fallback ? " fallback" : "")" }
    }

    func rows(_ text: String, untimed: UntimedRecords? = UntimedRecords(fallback: fallback), chunk: Int = 7,
              resume: RecordFramer.Resume? = nil, stopAt: Int? = nil) -> (rows: [Row], stream: RecordStream) {
        var stream = RecordStream(framing: FramingOptions(), timestamps: TimestampParser(referenceTime: Self.fallback),
                                  untimed: untimed, resume: resume)
        var out: [Row] = []
        let emit: (Record) -> Void = { out.append(Row(line: $0.firstLine, time: $0.time, own: $0.hasOwnTime, fallback: $0.fallbackTime)) }
        let bytes = Array(text.utf8)
        stream.feed(bytes, Int(resume?.offset ?? 0)..<(stopAt ?? bytes.count), chunk: chunk, emit)
        if stopAt == nil { stream.finish(emit) }
        return (out, stream)
    }

    static let t0: EpochMillis = 1_761_559_200_000  // 2025-10-27T10:00:00Z

    @Test func anInputWithoutTimestampsTakesTheFallback() {
        let (got, stream) = rows([Self.error, Self.error, Self.error].joined(separator: "\n") + "\n")
        #expect(got == (1...3).map { Row(line: $0, time: Self.fallback, own: false, fallback: true) })
        #expect(stream.timedByFallback)
    }

    @Test func recordsBeforeTheFirstTimestampTakeIt() {
        let log = """
            starting up
            {"message":"json without a time"}
            2025-10-27T10:00:00Z ERROR first with a time
            no timestamp, continues it
            2025-10-27T10:00:01Z INFO next
            """
        for chunk in [1, 5, 64, 4096] {
            let (got, stream) = rows(log, chunk: chunk)
            #expect(got == [Row(line: 1, time: Self.t0, own: false, fallback: false),
                            Row(line: 2, time: Self.t0, own: false, fallback: false),
                            Row(line: 3, time: Self.t0, own: true, fallback: false),
                            Row(line: 5, time: Self.t0 + 1000, own: true, fallback: false)], "chunks of \(chunk)")
            #expect(!stream.timedByFallback)
        }
    }

    @Test func withoutAPolicyRecordsBeforeTheFirstTimestampStayUntimed() {
        let (got, _) = rows("starting up\n2025-10-27T10:00:00Z x\n", untimed: nil)
        #expect(got.map(\.time) == [nil, Self.t0])
    }

    @Test func pastTheLookAheadAFileIsReadAheadForItsFirstTimestamp() {
        let prefix = String(repeating: Self.error + "\n", count: 10)
        let log = prefix + "2025-10-27T10:00:00Z INFO late first timestamp\n"
        let asked = Box()
        let readAhead: @Sendable (Int64) -> EpochMillis? = { offset in
            asked.offsets.append(offset)
            return Self.t0
        }
        let (got, _) = rows(log, untimed: UntimedRecords(lookAhead: 200, fallback: Self.fallback, readAhead: readAhead))
        #expect(asked.offsets == [0])
        #expect(got.count == 11)
        #expect(got.allSatisfy { $0.time == Self.t0 && !$0.fallback })
    }

    @Test func pastTheLookAheadWithNothingToReadAgainTheFallbackHoldsUntilARealTimestamp() {
        let prefix = String(repeating: Self.error + "\n", count: 10)
        let (got, stream) = rows(prefix + "2025-10-27T10:00:00Z INFO\n" + Self.error + "\n",
                                 untimed: UntimedRecords(lookAhead: 200, fallback: Self.fallback))
        #expect(got.prefix(10).allSatisfy { $0.time == Self.fallback && $0.fallback })
        #expect(got[10] == Row(line: 11, time: Self.t0, own: true, fallback: false))
        // From the first timestamp on, untimed lines continue the record before them.
        #expect(got.count == 11)
        #expect(stream.timedByFallback)
    }

    @Test func aQuietInputReleasesWhatWasHeldWithTheFallback() {
        var stream = RecordStream(framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 0),
                                  untimed: UntimedRecords(fallback: Self.fallback))
        var got: [EpochMillis?] = []
        Array((Self.error + "\npartial").utf8).withUnsafeBytes { stream.feed($0) { got.append($0.time) } }
        #expect(got.isEmpty)
        #expect(stream.hasPendingRecord)
        stream.flushRecord { got.append($0.time) }
        #expect(got == [Self.fallback])
        // The partial line waits for its newline, and keeps the fallback.
        Array("\n".utf8).withUnsafeBytes { stream.feed($0) { got.append($0.time) } }
        stream.finish { got.append($0.time) }
        #expect(got == [Self.fallback, Self.fallback])
    }

    @Test func resumingAnywhereGivesTheSameRecordsAndTimes() {
        for log in [[Self.error, Self.error, Self.error].joined(separator: "\n"),
                    "starting\n{\"msg\":\"x\"}\n2025-10-27T10:00:00Z ERROR a\nmore\n2025-10-27T10:00:01Z b\n"] {
            let whole = rows(log, chunk: 4096).rows
            let bytes = log.utf8.count
            for stop in 0...bytes {
                let first = rows(log, chunk: 3, stopAt: stop)
                let rest = rows(log, chunk: 3, resume: first.stream.resumePoint)
                #expect(first.rows + rest.rows == whole, "stopped at \(stop)")
                // A fallback is never carried to a later run as the input's own time.
                if whole.allSatisfy(\.fallback) { #expect(first.stream.resumePoint.lastTime == nil) }
            }
        }
    }

    @Test func aHugeFirstLineDoesNotHoldMoreThanTheLookAhead() {
        let long = String(repeating: "x", count: 300_000)
        let (got, _) = rows(long + "\n2025-10-27T10:00:00Z y\n", untimed: UntimedRecords(lookAhead: 1024, fallback: Self.fallback), chunk: 32_768)
        #expect(got.first?.fallback == true)
        #expect(got.last?.time == Self.t0)
    }

    final class Box: @unchecked Sendable { var offsets: [Int64] = [] }
}
