// Micro-benchmarks of the per-record hot path, one per stage, on a 1 MiB slice of the shared
// bench mix (../shared/bench/gen_logs.py --seed 42): split, timestamp, prefilter, match, count,
// plus frame (split + timestamps + framing) and tally (classify + count, as `scan` does it).
//
// Only LogwardenKit's public API is used, so the other side of issue 7 can change internals freely.
//
// Per-record benchmarks use scalingFactor .kilo: each iteration handles 1,000 records (cycling
// through the slice's records); package-benchmark's tables divide by 1,000 (ns and mallocs per
// record), its JMH export does not (bench/micro_report.py divides). split and frame handle the
// whole 1 MiB chunk per iteration. The instructions metric needs a hardware PMU (perf_event_open);
// where there is none (this VM), package-benchmark leaves it out and callgrind (make bench) counts.
//
// Data: $LOGWARDEN_BENCH_MIX (make bench-micro writes it), else /tmp/logwarden-bench/micro-1MiB.log.

import Benchmark
import Foundation
import LogwardenKit

/// The slice and everything derived from it, built once, outside any measurement.
final class Fixture: @unchecked Sendable {
    let chunk: [UInt8]
    /// Line starts (up to 64 bytes of each line), the bytes the timestamp parser looks at.
    let lineStarts: [UnsafeBufferPointer<UInt8>]
    /// The records of the slice as `scan` frames them, their text copied to storage that lives
    /// as long as the process (a record's bytes are otherwise only valid in its callback).
    let records: [Record]
    let lines: Int
    let patterns: PatternSet
    /// `Classifier.classify` of each record, for the count benchmark.
    let matches: [Classification?]

    static let framing = FramingOptions()
    /// The mix starts 2025-10-27; syslog lines need a reference year.
    static let reference: EpochMillis = 1_761_559_200_000

    init() {
        let env = ProcessInfo.processInfo.environment
        let path = env["LOGWARDEN_BENCH_MIX"] ?? "/tmp/logwarden-bench/micro-1MiB.log"
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            fatalError("LogwardenBenchmarks: no bench data at \(path); run `make bench-micro` (it writes it) or set LOGWARDEN_BENCH_MIX")
        }
        var bytes = [UInt8](data.prefix(1 << 20))
        if let last = bytes.lastIndex(of: UInt8(ascii: "\n")) { bytes.removeSubrange((last + 1)...) }
        chunk = bytes

        // A stable copy of the chunk for the line starts.
        let arena = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = arena.initialize(from: bytes)
        var starts: [UnsafeBufferPointer<UInt8>] = []
        var lineStart = 0
        for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            let n = min(64, i - lineStart)
            starts.append(UnsafeBufferPointer(rebasing: arena[lineStart..<(lineStart + n)]))
            lineStart = i + 1
        }
        lineStarts = starts
        lines = starts.count

        var recs: [Record] = []
        var stream = RecordStream(framing: Self.framing, timestamps: TimestampParser(referenceTime: Self.reference))
        let keep: (Record) -> Void = { record in
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, record.text.count))
            _ = copy.initialize(from: record.text)
            var r = record
            r.text = UnsafeBufferPointer(rebasing: copy[0..<record.text.count])
            recs.append(r)
        }
        bytes.withUnsafeBytes { stream.feed($0, keep) }
        stream.finish(keep)
        records = recs

        do {
            patterns = try PatternSet.load(RuleFiles.builtin())
        } catch {
            fatalError("LogwardenBenchmarks: the built-in pack does not load: \(error)")
        }
        let classifier = Classifier(patterns)
        matches = recs.map { classifier.classify($0) }
        let matched = matches.filter { $0 != nil }.count
        FileHandle.standardError.write(Data(
            "LogwardenBenchmarks: \(path): \(bytes.count) bytes, \(lines) lines, \(recs.count) records, \(matched) matched, \(patterns.count) patterns\n".utf8))
    }
}

let fixture = Fixture()

let benchmarks: @Sendable () -> Void = {
    let perRecord = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 2_000
    )
    let perChunk = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .instructions, .mallocCountTotal],
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 500
    )

    // baseline: an empty 1,000-step loop, for the framework's own cost per iteration (its
    // measurement allocates a few times per iteration; subtract this row's mallocs).
    Benchmark("baseline (empty loop)", configuration: perRecord) { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // split: LineSplitter over the 1 MiB chunk (memchr per line, no copy inside a chunk).
    Benchmark("split (1 MiB chunk)", configuration: perChunk) { benchmark in
        let f = fixture
        for _ in benchmark.scaledIterations {
            var splitter = LineSplitter(maxLineBytes: Fixture.framing.maxBytes)
            var n = 0
            f.chunk.withUnsafeBytes { raw in
                splitter.feed(raw) { line, _, _, _ in n &+= line.count }
            }
            blackHole(n)
        }
    }

    // frame: RecordStream (split + timestamp + multi-line framing + JSON scan) over the chunk.
    Benchmark("frame (1 MiB chunk)", configuration: perChunk) { benchmark in
        let f = fixture
        for _ in benchmark.scaledIterations {
            var stream = RecordStream(framing: Fixture.framing, timestamps: TimestampParser(referenceTime: Fixture.reference))
            var n = 0
            f.chunk.withUnsafeBytes { raw in stream.feed(raw) { n &+= $0.lineCount } }
            stream.finish { n &+= $0.lineCount }
            blackHole(n)
        }
    }

    // timestamp: TimestampParser.parseLineStart on the start of each line of the mix (its
    // formats in their mixed order; the parser keeps the last form and second that worked).
    Benchmark("timestamp (per line)", configuration: perRecord) { benchmark in
        let f = fixture
        var parser = TimestampParser(referenceTime: Fixture.reference)
        var i = 0
        let n = f.lineStarts.count
        for _ in benchmark.scaledIterations {
            blackHole(parser.parseLineStart(f.lineStarts[i]))
            i += 1
            if i == n { i = 0 }
        }
    }

    // prefilter: the pack's Aho–Corasick literal scan over each record's text, collecting the
    // candidate patterns as Classifier does.
    Benchmark("prefilter (per record)", configuration: perRecord) { benchmark in
        let f = fixture
        guard let prefilter = f.patterns.prefilter else {
            benchmark.error("the built-in pack has no prefilter")
            return
        }
        let size = max(1, f.patterns.count)
        let marks = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
        marks.initialize(repeating: 0, count: size)
        let candidates = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        candidates.initialize(repeating: 0, count: size)
        defer {
            marks.deallocate()
            candidates.deallocate()
        }
        var stamp: UInt32 = 0
        var i = 0
        var total = 0
        let n = f.records.count
        for _ in benchmark.scaledIterations {
            stamp &+= 1
            var found = 0  // the patterns whose literals occur, as Classifier collects them
            prefilter.matcher.scan(f.records[i].text, stamp: stamp, into: marks, found: candidates, count: &found)
            total &+= found
            i += 1
            if i == n { i = 0 }
        }
        blackHole(total)
    }

    // match: Classifier.classify (prefilter + PCRE2 JIT in priority order + captures).
    Benchmark("match (per record)", configuration: perRecord) { benchmark in
        let f = fixture
        let classifier = Classifier(f.patterns)
        var i = 0
        let n = f.records.count
        for _ in benchmark.scaledIterations {
            blackHole(classifier.classify(f.records[i]))
            i += 1
            if i == n { i = 0 }
        }
    }

    // count: MatchCounts.add of each record's (precomputed) classification.
    Benchmark("count (per record)", configuration: perRecord) { benchmark in
        let f = fixture
        var counts = MatchCounts(patterns: f.patterns)
        let input = counts.beginInput("bench")
        var i = 0
        let n = f.records.count
        for _ in benchmark.scaledIterations {
            let record = f.records[i]
            counts.add(input: input, time: record.time, match: f.matches[i]) {
                Example(input: "bench", line: record.firstLine, text: "")
            }
            i += 1
            if i == n { i = 0 }
        }
        blackHole(counts.matched)
    }

    // tally: Tally.count without alert rules, the per-record step of `scan --rules rules/patterns`.
    Benchmark("tally (per record)", configuration: perRecord) { benchmark in
        let f = fixture
        var tally = Tally(patterns: f.patterns, engine: nil)
        let input = tally.begin("bench")
        var i = 0
        let n = f.records.count
        for _ in benchmark.scaledIterations {
            let record = f.records[i]
            tally.count(record, in: input, at: record.time, eventTime: true) { _ in }
            i += 1
            if i == n { i = 0 }
        }
        blackHole(tally.counts.matched)
    }
}
