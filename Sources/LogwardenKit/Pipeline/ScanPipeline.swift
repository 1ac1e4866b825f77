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
    /// With a state file: cumulative over every run (this run's are `counts.since(state.base)`).
    public var counts: MatchCounts
    /// Inputs that could not be opened or read to the end (the run exits 2).
    public var errors: [InputError]
    /// The state file could not be written: the run stopped, and what was not committed
    /// will be read again next run.
    public var stateError: StateError?
}

/// One pass over inputs: read, frame, classify, count, and (with rules) evaluate them on
/// event time between records. A broken input is reported and the others are still read.
/// With a state file, each input continues from where the last run left it, and counts,
/// windows, alert states and positions are committed together every `commitRecords`
/// records or `commitInterval` of wall time.
public struct ScanPipeline {
    public let patterns: PatternSet
    public let options: ReadOptions
    public let engine: RuleEngine?
    public var commitRecords = 250_000
    public var commitInterval = 1.0
    /// Threads that classify while this one frames and counts; nil: one per core besides
    /// this one. 0 classifies on the calling thread.
    public var classifyWorkers: Int? = nil

    public init(patterns: PatternSet, options: ReadOptions, engine: RuleEngine? = nil) {
        self.patterns = patterns
        self.options = options
        self.engine = engine
    }

    /// `onRecord` sees each record with its classification (for `classify`); `onTransition`
    /// each alert transition, in evaluation order. `evaluateThrough` runs evaluations up to
    /// that instant after the last record (rule tests ask about later times).
    public func run(_ inputs: [InputSpec], state: RunState? = nil, evaluateThrough: EpochMillis? = nil,
                    onRecord: ((Record, Classification?, String) -> Void)? = nil,
                    onTransition: ((AlertTransition) -> Void)? = nil) -> ScanResult {
        var tally = Tally(patterns: patterns, engine: engine)
        if let state { tally.counts = state.base }
        var errors: [InputError] = []
        let emit: (AlertTransition) -> Void = { t in
            state?.record(t)
            onTransition?(t)
        }
        var sinceCommit = 0
        var lastCommit = SystemClock.monotonicSeconds()
        func commit(final: Bool = false) throws(StateError) {
            guard let state else { return }
            let errors = classifierErrors()
            tally.counts.matchErrors = errors.indices.map { state.base.matchErrors[$0] + errors[$0] }
            try state.commit(&tally.counts, final: final)
            sinceCommit = 0
            lastCommit = SystemClock.monotonicSeconds()
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: RecordReader.chunkSize, alignment: 64)
        defer { chunk.deallocate() }
        let workers = classifyWorkers ?? ClassifyPool.workers()
        let pool = workers > 0 ? ClassifyPool(patterns: patterns, workers: workers) : nil
        defer { pool?.stop() }
        func classifierErrors() -> [Int] { pool?.matchErrors ?? tally.classifier.matchErrors }
        do throws(StateError) {
            for spec in engine == nil && state == nil ? inputs : oldestFirst(inputs) {
                let opened: OpenedInput
                do { opened = try InputOpener.open(spec, now: options.now) } catch {
                    errors.append(error)
                    continue
                }
                var source = opened.source
                // Where this input was left, if a state file knows it.
                var place: (index: Int?, file: FileIdentity, head: [UInt8])? = nil
                var resume: RecordFramer.Resume? = nil
                if let state, let file = opened.file {
                    let head = Self.head(of: spec, now: options.now)
                    let known = state.position(of: file, head: head, gzip: opened.compressed)
                    if known.unchanged { continue }
                    place = (known.index, file, head)
                    if let r = known.resume, r.offset > 0 {
                        do {
                            if try source.skip(r.offset) == r.offset { resume = r } else { source = try InputOpener.open(spec, now: options.now).source }
                        } catch {
                            errors.append(error)
                            continue
                        }
                    }
                }
                let input = tally.begin(opened.name)
                let timestamps = TimestampParser(referenceTime: opened.modified, defaultOffsetSeconds: options.defaultOffsetSeconds)
                var stream = RecordStream(framing: options.framing, timestamps: timestamps, resume: resume)
                // Classified here, or by the pool's workers a batch at a time and counted in order.
                var filling: ClassifyPool.Batch? = nil
                func consume(_ batch: ClassifyPool.Batch) {
                    batch.forEach { i, record in
                        let match = batch.matches[i]
                        tally.count(record, match: match, in: input, at: record.time, eventTime: true, emit)
                        sinceCommit += 1
                        onRecord?(record, match, input.name)
                    }
                    pool?.recycle(batch)
                }
                /// Counts every record framed so far: before a checkpoint, and at the input's end.
                func drain() {
                    guard let pool else { return }
                    if let batch = filling, batch.count > 0 { pool.submit(batch) }
                    filling = nil
                    while let batch = pool.next(wait: true) { consume(batch) }
                }
                let body: (Record) -> Void = { record in
                    guard let pool else {
                        let match = tally.count(record, in: input, at: record.time, eventTime: true, emit)
                        sinceCommit += 1
                        onRecord?(record, match, input.name)
                        return
                    }
                    if filling == nil { filling = pool.batch() }
                    filling!.append(record)
                    guard filling!.count >= ClassifyPool.batchSize else { return }
                    pool.submit(filling!)
                    filling = nil
                    while pool.inFlight >= pool.depth, let batch = pool.next(wait: true) { consume(batch) }
                    while let batch = pool.next(wait: false) { consume(batch) }
                }
                func checkpoint(_ stream: RecordStream) throws(StateError) {
                    drain()
                    guard let state, let p = place else { return }
                    place!.index = state.moved(p.index, name: opened.name, file: p.file, head: p.head, gzip: opened.compressed,
                                               to: stream.resumePoint)
                    try commit()
                }
                let failure = try RecordReader.pump(&source, into: &stream, buffer: chunk, body) { (stream, _) throws(StateError) in
                    if state != nil, sinceCommit >= commitRecords || SystemClock.monotonicSeconds() - lastCommit >= commitInterval {
                        try checkpoint(stream)
                    }
                }
                // A file still being written: its last record may get more lines, so it waits for
                // the next run, as one pass over all the data would have it.
                if state == nil || place == nil || opened.compressed || settled(opened) { stream.finish(body) }
                drain()
                tally.counts.truncatedRecords += stream.truncatedRecords
                try checkpoint(stream)
                if let failure { errors.append(failure) }
            }
            if let engine {
                if state != nil {
                    // Only instants no later record can change: up to now less the lateness. Later
                    // ones are evaluated by the next run, when their records have arrived.
                    if let first = tally.counts.firstTime { engine.start(at: first) }
                    engine.advance(before: options.now - engine.store.allowedLateness + 1, emit)
                } else if let end = [tally.counts.lastTime, evaluateThrough].compactMap({ $0 }).max() {
                    // The final evaluation: at the first instant at or after the last record (or the
                    // latest time a rule test asks about).
                    engine.start(at: tally.counts.firstTime ?? end)
                    engine.finish(through: end, emit)
                }
            }
            try commit(final: true)
        } catch {
            pool?.stop()  // a batch may still be in a worker's hands
            tally.counts.matchErrors = classifierErrors()
            return ScanResult(counts: tally.counts, errors: errors, stateError: error)
        }
        if state == nil { tally.counts.matchErrors = classifierErrors() }
        return ScanResult(counts: tally.counts, errors: errors, stateError: nil)
    }

    /// Up to 1 KiB from an input's start, decompressed: its fingerprint.
    static func head(of spec: InputSpec, now: EpochMillis) -> [UInt8] {
        guard var source = try? InputOpener.open(spec, now: now).source else { return [] }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Fingerprint.maxLength, alignment: 16)
        defer { buffer.deallocate() }
        var got = 0
        while got < buffer.count, let n = try? source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[got...])), n > 0 { got += n }
        return Array(buffer[0..<got])
    }

    /// Not written to for the allowed lateness (1m): its last record is as complete as it
    /// will get, and evaluations up to now less the lateness may count it.
    func settled(_ opened: OpenedInput) -> Bool {
        options.now - opened.modified >= (engine?.store.allowedLateness ?? 60_000)
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
