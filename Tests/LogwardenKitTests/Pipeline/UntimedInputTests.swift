import Foundation
import Testing
@testable import LogwardenKit

/// Inputs without timestamps in a scan: their records reach the windows at a time that
/// never runs ahead of the timestamped records around them.
struct UntimedInputTests {
    static let t0: EpochMillis = 1_761_559_200_000  // 2025-10-27T10:00:00Z

    func setModified(_ path: String, _ t: EpochMillis) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(t) / 1000)], ofItemAtPath: path)
    }

    /// `b.log` has no timestamps and was last written at 10:05: merged with `a.log`'s half
    /// hour of records, its errors count in 10:05's window, and nothing is late.
    @Test(arguments: [0, 1, 3]) func anUntimedFileIsMergedAtItsModificationTime(workers: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var quiet = ""
        for s in stride(from: 0, to: 1800, by: 2) { quiet += String(format: "2025-10-27T10:%02d:%02dZ INFO ok\n", s / 60, s % 60) }
        write(quiet, to: dir + "/a.log")
        write("ERROR connection refused\nERROR connection refused\nERROR connection refused\n", to: dir + "/b.log")
        try setModified(dir + "/b.log", Self.t0 + 5 * 60_000)
        let p = try ScanPipelineTests.refusedPipeline(workers: workers)
        var transitions: [String] = []
        let result = p.run([.file(dir + "/a.log"), .file(dir + "/b.log")], onTransition: { t in transitions.append("\(t.kind.rawValue)@\(t.evalTime.rfc3339)") })
        #expect(result.counts.records == 903)
        #expect(result.untimedInputs == [dir + "/b.log"])
        #expect(p.engine!.store.lateRecords == 0)
        #expect(transitions == ["pending@2025-10-27T10:05:00Z", "firing@2025-10-27T10:05:00Z", "resolved@2025-10-27T10:06:00Z"])
    }

    /// 300 KiB without a timestamp, then timestamped records: the file is read ahead past
    /// what the stream holds, and the errors at its start count at its first timestamp,
    /// not at its modification time (a day later), which would make every later record late.
    @Test(arguments: [0, 2]) func aLongUntimedStartTakesTheFirstTimestampFoundAhead(workers: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var log = "ERROR connection refused\nERROR connection refused\nERROR connection refused\n"
        log += String(repeating: "a banner line without a timestamp, long enough to fill the look-ahead\n", count: 4600)
        for s in stride(from: 0, to: 600, by: 10) { log += String(format: "2025-10-27T10:%02d:%02dZ INFO ok\n", s / 60, s % 60) }
        write(log, to: dir + "/app.log")
        try setModified(dir + "/app.log", Self.t0 + 86_400_000)
        let p = try ScanPipelineTests.refusedPipeline(workers: workers)
        var transitions: [String] = []
        var times: Set<EpochMillis?> = []
        let result = p.run([.file(dir + "/app.log")], onRecord: { r, _, _ in if !r.hasOwnTime { times.insert(r.time) } },
                           onTransition: { t in transitions.append("\(t.kind.rawValue)@\(t.evalTime.rfc3339)") })
        #expect(log.utf8.count > UntimedRecords.defaultLookAhead)
        #expect(times == [Self.t0])
        #expect(result.untimedInputs.isEmpty)
        #expect(p.engine!.store.lateRecords == 0)
        #expect(transitions == ["pending@2025-10-27T10:00:00Z", "firing@2025-10-27T10:00:00Z", "resolved@2025-10-27T10:01:00Z"])
    }

    /// Resumed by a later run (a state file), the rest of an untimed input takes that run's
    /// fallback, not the earlier run's: a fallback is not the input's own time.
    @Test func aLaterRunTimesTheRestByItsOwnFallback() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        write(String(repeating: "ERROR connection refused\n", count: 6), to: dir + "/app.log")
        let first = Self.t0, later = Self.t0 + 3_600_000
        try setModified(dir + "/app.log", first)
        let options = ReadOptions(now: 0)
        let opened = try InputOpener.open(.file(dir + "/app.log"), now: 0)
        let feed = InputFeed(source: opened.source, stream: options.stream(opened, spec: .file(dir + "/app.log"), resume: nil), finishAtEnd: true)
        let batch = Batch(capacity: 16)
        feed.fill(batch, minimum: .max)
        #expect(batch.count == 6)
        #expect((0..<6).allSatisfy { batch.record($0).time == first && batch.record($0).fallbackTime })
        #expect(batch.timedByFallback)
        // A commit after the third record, then a run an hour later.
        let resume = batch.resumePoint(3, timeBefore: batch.record(2).inheritedTime)
        #expect(resume.lastTime == nil)
        try setModified(dir + "/app.log", later)
        let again = try InputOpener.open(.file(dir + "/app.log"), now: 0)
        var source = again.source
        #expect(try source.skip(resume.offset) == resume.offset)
        var times: [EpochMillis?] = []
        var stream = options.stream(again, spec: .file(dir + "/app.log"), resume: resume)
        let chunk = Array(repeating: UInt8(0), count: 4096)
        var buffer = chunk
        let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        buffer[0..<n].withUnsafeBytes { stream.feed($0) { times.append($0.time) } }
        stream.finish { times.append($0.time) }
        #expect(times == [later, later, later])
    }
}
