/// Options that shape how inputs are read, shared by `scan`, `classify` and `test`.
public struct ReadOptions: Sendable {
    public var framing = FramingOptions()
    /// Offset of zoneless timestamps from UTC, in seconds.
    public var defaultOffsetSeconds = 0
    /// "Now", for stdin's syslog year; files use their modification time.
    public var now: EpochMillis

    public init(framing: FramingOptions = FramingOptions(), defaultOffsetSeconds: Int = 0, now: EpochMillis) {
        self.framing = framing
        self.defaultOffsetSeconds = defaultOffsetSeconds
        self.now = now
    }
}

/// What one pass over the inputs produced.
public struct ScanResult {
    public var counts: MatchCounts
    /// Inputs that could not be opened or read to the end (the run exits 2).
    public var errors: [InputError]
}

/// One pass over inputs: read, frame, classify, count, and (with rules) evaluate them on
/// event time between records. A broken input is reported and the others are still read.
public struct ScanPipeline {
    public let patterns: PatternSet
    public let options: ReadOptions
    public let engine: RuleEngine?

    public init(patterns: PatternSet, options: ReadOptions, engine: RuleEngine? = nil) {
        self.patterns = patterns
        self.options = options
        self.engine = engine
    }

    /// `onRecord` sees each record with its classification (for `classify`); `onTransition`
    /// each alert transition, in evaluation order. `evaluateThrough` runs evaluations up to
    /// that instant after the last record (rule tests ask about later times).
    public func run(_ inputs: [InputSpec], evaluateThrough: EpochMillis? = nil,
                    onRecord: ((Record, Classification?, String) -> Void)? = nil,
                    onTransition: ((AlertTransition) -> Void)? = nil) -> ScanResult {
        var tally = Tally(patterns: patterns, engine: engine)
        var errors: [InputError] = []
        let emit: (AlertTransition) -> Void = { onTransition?($0) }
        for spec in engine == nil ? inputs : oldestFirst(inputs) {
            let opened: OpenedInput
            do { opened = try InputOpener.open(spec, now: options.now) } catch {
                errors.append(error)
                continue
            }
            let input = tally.begin(opened.name)
            var source = opened.source
            let timestamps = TimestampParser(referenceTime: opened.modified, defaultOffsetSeconds: options.defaultOffsetSeconds)
            do {
                let stats = try RecordReader.read(&source, framing: options.framing, timestamps: timestamps) { record in
                    let match = tally.count(record, in: input, at: record.time, eventTime: true, emit)
                    onRecord?(record, match, input.name)
                }
                tally.counts.truncatedRecords += stats.truncatedRecords
            } catch {
                errors.append(error)
            }
        }
        // The final evaluation: at the first instant at or after the last record (or the
        // latest time a rule test asks about).
        if let engine, let end = [tally.counts.lastTime, evaluateThrough].compactMap({ $0 }).max() {
            engine.start(at: tally.counts.firstTime ?? end)
            engine.finish(through: end, emit)
        }
        tally.counts.matchErrors = tally.classifier.matchErrors
        return ScanResult(counts: tally.counts, errors: errors)
    }

    /// Inputs in the order of their first record's time (unknown last, then as given), so
    /// that rotated archives (`app.log app.log.1 app.log.2.gz`) replay oldest first.
    func oldestFirst(_ inputs: [InputSpec]) -> [InputSpec] {
        guard inputs.count > 1 else { return inputs }
        let firsts: [EpochMillis?] = inputs.map { spec in
            guard case .file = spec, let opened = try? InputOpener.open(spec, now: options.now) else { return nil }
            var source = LimitedSource(opened.source, limit: 256 * 1024)
            var first: EpochMillis? = nil
            _ = try? RecordReader.read(&source, framing: options.framing,
                                       timestamps: TimestampParser(referenceTime: opened.modified, defaultOffsetSeconds: options.defaultOffsetSeconds)) { record in
                if first == nil, record.hasOwnTime { first = record.time }
            }
            return first
        }
        return inputs.indices.sorted { a, b in
            switch (firsts[a], firsts[b]) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a < b
            }
        }.map { inputs[$0] }
    }
}

/// At most `limit` bytes of another source: enough to find a file's first timestamp.
struct LimitedSource: ByteSource {
    private var inner: any ByteSource
    private var left: Int

    init(_ inner: any ByteSource, limit: Int) {
        self.inner = inner
        left = limit
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard left > 0 else { return 0 }
        let n = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, left)]))
        left -= n
        return n
    }
}
