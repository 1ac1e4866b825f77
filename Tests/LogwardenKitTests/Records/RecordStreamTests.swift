import Testing
@testable import LogwardenKit

/// A stream stopped anywhere and resumed from its `resumePoint` hands out every record
/// exactly once, with the same lines and times as one pass: what `--state` relies on.
struct RecordStreamTests {
    static let text = """
        2025-10-27 10:00:00,001 INFO start
        2025-10-27 10:00:01,002 ERROR failed
        Traceback (most recent call last):
          File "app.py", line 3, in <module>
            main()
        ValueError: bad value

        2025-10-27 10:00:02,003 WARNING a line
          with a continuation
        no timestamp here
        {"time":"2025-10-27T10:00:03Z","msg":"json"}
        2025-10-27 10:00:04,004 INFO last without newline
        """

    func records(_ bytes: [UInt8], from resume: RecordFramer.Resume? = nil, stopAt: Int? = nil,
                 chunk: Int = 7) -> (rows: [String], resume: RecordFramer.Resume) {
        var stream = RecordStream(framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 0), resume: resume)
        var rows: [String] = []
        let emit: (Record) -> Void = { rows.append("\($0.firstLine)-\($0.lastLine) \($0.time ?? -1) \(String(decoding: $0.text, as: UTF8.self))") }
        stream.feed(bytes, Int(resume?.offset ?? 0)..<(stopAt ?? bytes.count), chunk: chunk, emit)
        if stopAt == nil { stream.finish(emit) }
        return (rows, stream.resumePoint)
    }

    @Test func resumingAnywhereGivesEachRecordOnce() {
        let bytes = Array(Self.text.utf8)
        let whole = records(bytes).rows
        #expect(whole.count == 5)
        for stop in 0...bytes.count {
            for chunk in [1, 5, 64] {
                let first = records(bytes, stopAt: stop, chunk: chunk)
                let rest = records(bytes, from: first.resume, chunk: chunk)
                #expect(first.rows + rest.rows == whole, "stopped at \(stop), chunks of \(chunk)")
            }
        }
    }
}
