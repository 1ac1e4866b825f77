import Foundation
import Testing
@testable import LogwardenKit

/// A scan commits state between any two records and merges inputs on event time.
struct ScanPipelineTests {
    /// Every framing case: lines before the first timestamp, tracebacks, indented and
    /// untimestamped continuations, blank lines, JSON, CRLF.
    static let mixed = """
        starting up without a timestamp
        second line without one
        2025-10-27T10:00:00Z INFO ready
        2025-10-27T10:00:01Z ERROR request failed
        Traceback (most recent call last):
          File "app.py", line 3, in <module>

        ValueError: bad
        {"timestamp":"2025-10-27T10:00:02Z","level":"ERROR","message":"timed out"}
        {"message":"no time of its own"}
        2025-10-27 10:00:03.123 UTC [42] ERROR:  column "scope" does not exist
        2025-10-27 10:00:03.123 UTC [42] STATEMENT:  SELECT scope FROM t
        DETAIL:  a line without a timestamp\r
        2025-10-27T10:00:04Z WARN slow\r
            indented continuation
        panic: runtime error
        goroutine 1 [running]:
        2025-10-27T10:00:05Z INFO done

        """

    struct Seen: Equatable {
        var text: [UInt8]
        var firstLine, lastLine: Int
        var time: EpochMillis?
    }

    /// Reads `bytes` from `resume` to the end, as a later run would.
    func records(_ bytes: [UInt8], from resume: RecordFramer.Resume?) -> [Seen] {
        var stream = RecordStream(framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 0, defaultOffsetSeconds: 0),
                                  resume: resume)
        var seen: [Seen] = []
        let emit: (Record) -> Void = { r in seen.append(Seen(text: Array(r.text), firstLine: r.firstLine, lastLine: r.lastLine, time: r.time)) }
        let rest = Array(bytes[Int(resume?.offset ?? 0)...])
        // Two pieces, so a record may span a read.
        rest.withUnsafeBytes { all in
            let cut = all.count / 3
            stream.feed(UnsafeRawBufferPointer(rebasing: all[0..<cut]), emit)
            stream.feed(UnsafeRawBufferPointer(rebasing: all[cut...]), emit)
        }
        stream.finish(emit)
        return seen
    }

    @Test func resumingAtAnyRecordReadsExactlyTheRecordsFromItOn() {
        let bytes = Array(Self.mixed.utf8)
        let feed = InputFeed(source: MemorySource(bytes),
                             stream: RecordStream(framing: FramingOptions(), timestamps: TimestampParser(referenceTime: 0, defaultOffsetSeconds: 0)),
                             finishAtEnd: true)
        let batch = Batch(capacity: 16)
        feed.fill(batch, minimum: .max)
        #expect(batch.final)
        let all = records(bytes, from: nil)
        #expect(all.count == batch.count)
        #expect(all.count == 11)
        for k in 0..<batch.count {
            let r = batch.record(k)
            #expect(Seen(text: Array(r.text), firstLine: r.firstLine, lastLine: r.lastLine, time: r.time) == all[k])
            let timeBefore = k == 0 ? nil : batch.record(k - 1).time
            let again = records(bytes, from: batch.resumePoint(k, timeBefore: timeBefore))
            #expect(again == Array(all[k...]), "resuming at record \(k) (line \(r.firstLine))")
        }
        // After the last record: nothing is read twice.
        #expect(records(bytes, from: batch.tail).isEmpty)
    }

    static let refused = """
        patterns:
          - name: refused
            class: connection_refused
            match: 'connection refused'
            severity: high
        """
    static let rules = """
        groups:
          - name: g
            interval: 15s
            rules:
              - alert: Refused
                expr: increase(logwarden_matches_total{pattern="refused"}[1m]) >= 3
        """

    /// A scan with the `refused` pattern and its alert rule, on `workers` threads besides the caller.
    static func refusedPipeline(workers: Int) throws -> ScanPipeline {
        var files = RuleFiles()
        var diags: [Diagnostic] = []
        files.add(RuleFiles.File(path: "p.yaml", text: refused), &diags)
        files.add(RuleFiles.File(path: "a.yaml", text: rules), &diags)
        let set = try PatternSet.load(files)
        let (groups, problems) = RuleFile.load(files)
        #expect(problems.isEmpty && diags.isEmpty)
        let engine = try #require(RuleEngine.make(groups, patterns: set, lateness: 60_000))
        var pipeline = ScanPipeline(patterns: set, options: ReadOptions(now: 0), engine: engine)
        pipeline.workers = workers
        return pipeline
    }

    /// `a.log` has half an hour of quiet records; `b.log` three errors at 10:05. Merged on
    /// event time, they land in 10:05's window (read one after the other, they would come
    /// 25 minutes late and be counted at 10:30).
    @Test(arguments: [0, 1, 3]) func inputsThatOverlapInTimeShareWindows(workers: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var quiet = ""
        for s in stride(from: 0, to: 1800, by: 2) {
            quiet += String(format: "2025-10-27T10:%02d:%02dZ INFO ok\n", s / 60, s % 60)
        }
        write(quiet, to: dir + "/a.log")
        write("""
            2025-10-27T10:05:00Z ERROR connection refused
            2025-10-27T10:05:10Z ERROR connection refused
            2025-10-27T10:05:20Z ERROR connection refused

            """, to: dir + "/b.log")
        let pipeline = try Self.refusedPipeline(workers: workers)
        var transitions: [String] = []
        let result = pipeline.run([.file(dir + "/a.log"), .file(dir + "/b.log")], onTransition: { t in
            transitions.append("\(t.kind.rawValue)@\(t.evalTime.rfc3339)")
        })
        #expect(result.errors.isEmpty)
        #expect(result.counts.records == 903)
        #expect(transitions == ["pending@2025-10-27T10:05:30Z", "firing@2025-10-27T10:05:30Z", "resolved@2025-10-27T10:06:00Z"])
    }
}
