/// Options that shape how inputs are read, shared by `scan`, `classify` and `test`.
public struct ReadOptions: Sendable {
    public var framing = FramingOptions()
    /// Offset of zoneless timestamps from UTC, in seconds.
    public var defaultOffsetSeconds = 0
    /// "Now", for stdin's syslog year and read time; files use their modification time.
    public var now: EpochMillis
    /// Forced formats and fields (`--timestamp-format`, `--timestamp-field`); a pipeline
    /// adds its pattern files' `timestamps:` after them.
    public var timestamps = TimestampSettings()
    /// Bytes of an input held back while looking for its first timestamp (`UntimedRecords`).
    public var lookAhead = UntimedRecords.defaultLookAhead

    public init(framing: FramingOptions = FramingOptions(), defaultOffsetSeconds: Int = 0, timestamps: TimestampSettings = TimestampSettings(),
                now: EpochMillis) {
        self.framing = framing
        self.defaultOffsetSeconds = defaultOffsetSeconds
        self.timestamps = timestamps
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
    /// Inputs that showed no timestamp, whose records took their fallback time: named once
    /// each on stderr.
    public var untimedInputs: [String] = []
}

/// One pass over inputs: read, frame, classify, count, and (with rules) evaluate them on
/// event time between records. A broken input is reported and the others are still read.
///
/// With rules, inputs are merged on event time: the next record counted is the earliest
/// one at the head of any open input (ties go to the input named first, in the order of
/// their first records), so two services' logs of the same hour share their windows, and
/// rotated archives (`app.log.2.gz app.log.1 app.log`) still replay oldest first. An input
/// is opened when the merge reaches its first record's time. Without rules, inputs are
/// read one after another, in the order given.
///
/// With a state file, each input continues from where the last run left it, and counts,
/// windows, alert states and positions are committed together every `commitRecords`
/// records or `commitInterval` of wall time. A run ends where no record still to come can
/// change an evaluation: a file still being written holds the merge where its next record
/// may be, and the last evaluation is at now less the lateness for current records, at the
/// newest record for an archive (`liveHorizon`).
public struct ScanPipeline {
    public let patterns: PatternSet
    public let options: ReadOptions
    public let engine: RuleEngine?
    public var commitRecords = 250_000
    public var commitInterval = 1.0
    /// Threads that read and classify besides the calling one, which counts and, while it
    /// waits, reads and classifies too; nil: one per core besides it. 0: the calling thread
    /// does everything.
    public var workers: Int? = nil
    /// With a state file: while the newest record is at most this much older than now, a run
    /// evaluates up to now (less the lateness), so silence counts; older records are an
    /// archive, evaluated on their own time only. 0: always on the records' time.
    public var liveHorizon: Int64 = 3_600_000

    public init(patterns: PatternSet, options: ReadOptions, engine: RuleEngine? = nil) {
        self.patterns = patterns
        var options = options
        options.timestamps = options.timestamps.then(patterns.timestamps)
        self.options = options
        self.engine = engine
    }

    /// An open input, and where counting stands in its batches.
    private final class Reading {
        let feed: BatchPool.Feed
        let input: Tally.Input
        let opened: OpenedInput
        let order: Int
        var place: (index: Int?, file: FileIdentity, head: [UInt8])?
        var batch: Batch?
        var cursor = 0
        /// Where a later run resumes after the batches counted so far.
        var position: RecordFramer.Resume
        /// A file still being written (with a state file): its last record may get more lines.
        let writing: Bool
        /// Set when such a file is read to its end: its last record's time, which holds the
        /// merge, since the writer's next records may be as old as that.
        var holds: EpochMillis?

        init(feed: BatchPool.Feed, input: Tally.Input, opened: OpenedInput, order: Int,
             place: (index: Int?, file: FileIdentity, head: [UInt8])?, resume: RecordFramer.Resume?, writing: Bool) {
            self.feed = feed
            self.writing = writing
            self.input = input
            self.opened = opened
            self.order = order
            self.place = place
            position = resume ?? RecordFramer.Resume(offset: 0, line: 0, lastTime: nil, timestamped: false)
        }

        /// The last counted record's time, which the next one inherits (not a fallback: see
        /// `Record`); at a batch's start, where the batch before left the input. Read from the
        /// batch when asked, not stored per record.
        var lastTime: EpochMillis? {
            guard let batch, cursor > 0 else { return position.lastTime }
            return batch.inheritedTime(cursor - 1)
        }

        /// Where a later run resumes so that every record counted so far is read once.
        var resumePoint: RecordFramer.Resume {
            guard let batch else { return position }
            return cursor < batch.count ? batch.resumePoint(cursor, timeBefore: lastTime) : batch.tail
        }

        var head: EpochMillis { holds ?? batch!.time(cursor) }
    }

    /// `onRecord` sees each record with its classification (for `classify`); `onTransition`
    /// each alert transition, in evaluation order. `evaluateThrough` runs evaluations up to
    /// that instant after the last record (rule tests ask about later times).
    ///
    /// With a state that `holdsOutput`, transitions reach `onTransition` only once committed,
    /// then `onPrinted` flushes stdout and the state forgets them; what an earlier run
    /// committed and did not print comes first. When `onPrinted` says the output failed (a
    /// full disk), nothing more is printed: the state keeps it all for the next run.
    public func run(_ inputs: [InputSpec], state: RunState? = nil, evaluateThrough: EpochMillis? = nil,
                    onRecord: ((Record, Classification?, String) -> Void)? = nil,
                    onTransition: ((AlertTransition) -> Void)? = nil, onPrinted: (() -> Bool)? = nil) -> ScanResult {
        var tally = Tally(patterns: patterns, engine: engine)
        if let state { tally.counts = state.base }
        let baseErrors = tally.counts.matchErrors
        var runErrors = baseErrors.map { _ in 0 }
        var errors: [InputError] = []
        var untimed: [String] = []
        let holding = state?.holdsOutput ?? false
        let emit: (AlertTransition) -> Void = { t in
            state?.record(t)
            if !holding { onTransition?(t) }
        }
        /// What the state holds that is not on stdout yet: printed, then forgotten.
        var outputFailed = false
        func printCommitted() throws(StateError) {
            guard let state, holding, !outputFailed, !(state.restoredUnprinted.isEmpty && state.committedTransitions.isEmpty) else { return }
            for t in state.restoredUnprinted + state.committedTransitions { onTransition?(t) }
            if onPrinted?() == false {
                outputFailed = true
                return
            }
            try state.printed()
        }
        var sinceCommit = 0
        var lastCommit = SystemClock.monotonicSeconds()
        let pool = BatchPool(patterns: patterns, workers: workers ?? BatchPool.workers())
        defer { pool.stop() }
        let merge = engine != nil
        let ordered = engine == nil && state == nil ? inputs.map { ($0, nil) } : oldestFirst(inputs, writing: state != nil)
        var next = 0
        var open: [Reading] = []

        func commit(final: Bool = false) throws(StateError) {
            guard let state else { return }
            tally.counts.matchErrors = zip(baseErrors, runErrors).map(+)
            try state.commit(&tally.counts, final: final)
            try printCommitted()
            sinceCommit = 0
            lastCommit = SystemClock.monotonicSeconds()
        }
        /// Every open input's position, then the counts: one transaction.
        func checkpoint() throws(StateError) {
            guard let state else { return }
            for reading in open {
                guard let p = reading.place else { continue }
                reading.place!.index = state.moved(p.index, name: reading.opened.name, file: p.file, head: p.head,
                                                   gzip: reading.opened.compressed, to: reading.resumePoint)
            }
            try commit()
        }
        /// Opens the next input that can be read; false when none is left.
        func openNext() -> Bool {
            while next < ordered.count {
                let spec = ordered[next].0
                let order = next
                next += 1
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
                let stream = options.stream(opened, spec: spec, resume: resume)
                // A file still being written: its last record may get more lines, so it waits for
                // the next run, as one pass over all the data would have it.
                let finishAtEnd = state == nil || place == nil || opened.compressed || settled(opened)
                let feed = pool.open(InputFeed(source: source, stream: stream, finishAtEnd: finishAtEnd))
                open.append(Reading(feed: feed, input: tally.begin(opened.name), opened: opened, order: order,
                                    place: place, resume: resume, writing: !finishAtEnd))
                return true
            }
            return false
        }

        /// Where the merge stopped for a file still being written, if it did.
        var heldAt: EpochMillis? = nil
        do throws(StateError) {
            try printCommitted()
            merging: while true {
                // Every open input needs a record at hand; one that ended is closed.
                var i = 0
                while i < open.count {
                    let reading = open[i]
                    if reading.holds != nil {
                        i += 1
                        continue
                    }
                    if let batch = reading.batch {
                        if reading.cursor < batch.count {
                            i += 1
                            continue
                        }
                        if batch.final {
                            tally.counts.truncatedRecords += batch.truncatedRecords
                            if let failure = batch.failure { errors.append(failure) }
                            // A file still being written holds the other inputs where its writer's
                            // next record may be: no older than its last one, nor than now less the
                            // lateness. One pass over all of it would merge those in first, so the
                            // others' later records wait for the next run.
                            if merge, let engine, reading.writing, batch.failure == nil {
                                reading.position = batch.tail
                                reading.batch = nil
                                reading.holds = max(reading.lastTime ?? .min, options.now - engine.store.allowedLateness)
                                pool.recycle(batch)
                                i += 1
                                continue
                            }
                            // Its position and every other input's go with the counts.
                            try checkpoint()
                            pool.recycle(batch)
                            open.remove(at: i)
                            continue
                        }
                        reading.position = batch.tail
                        reading.batch = nil
                        pool.recycle(batch)
                        if state != nil, sinceCommit >= commitRecords || SystemClock.monotonicSeconds() - lastCommit >= commitInterval {
                            try checkpoint()
                        }
                    }
                    let batch = pool.next(reading.feed)
                    if batch.timedByFallback, !untimed.contains(reading.opened.name) { untimed.append(reading.opened.name) }
                    for (p, n) in batch.matchErrors.enumerated() { runErrors[p] += n }
                    reading.batch = batch
                    reading.cursor = 0
                }
                // The input whose head is earliest; the next input opens once the merge reaches
                // its first time, and every input is last in line for ties with those before it.
                guard let pick = open.indices.min(by: { a, b in (open[a].head, open[a].order) < (open[b].head, open[b].order) }).map({ open[$0] }) else {
                    if openNext() { continue }
                    break
                }
                if let held = pick.holds {
                    // Every other input is at or past it: done, once every input has been opened.
                    if next < ordered.count {
                        _ = openNext()
                        continue
                    }
                    heldAt = held
                    try checkpoint()
                    break merging
                }
                var limit = EpochMillis.max
                if merge {
                    if next < ordered.count, let first = ordered[next].1 {
                        if first < pick.head {
                            _ = openNext()
                            continue
                        }
                        limit = first
                    }
                    for other in open where other !== pick {
                        limit = min(limit, pick.order < other.order ? other.head : other.head - 1)
                    }
                }
                let batch = pick.batch!
                var c = pick.cursor
                while c < batch.count, batch.time(c) <= limit {
                    let record = batch.record(c)
                    let match = batch.matches[c]
                    tally.count(record, match: match, in: pick.input, at: record.time, eventTime: true, emit)
                    onRecord?(record, match, pick.input.name)
                    c += 1
                    sinceCommit += 1
                    if sinceCommit >= commitRecords, state != nil {
                        pick.cursor = c
                        try checkpoint()
                    }
                }
                pick.cursor = c
            }
            if let engine {
                if state != nil {
                    // Only instants no later record can change; later ones are evaluated by the next
                    // run, when their records have arrived. Records still current: up to now less the
                    // lateness, so that silence counts (a service that stopped logging). An archive:
                    // up to its newest record less the lateness, so that the next night's run goes on
                    // as one pass over both would.
                    if let first = tally.counts.firstTime { engine.start(at: first) }
                    if let newest = engine.store.watermark {
                        let live = liveHorizon > 0 && options.now - newest <= liveHorizon
                        var end = (live ? options.now : newest) - engine.store.allowedLateness
                        // Not past the records left for the next run.
                        if let heldAt { end = min(end, heldAt - 1) }
                        engine.advance(before: end + 1, emit)
                    }
                } else if let end = [tally.counts.lastTime, evaluateThrough].compactMap({ $0 }).max() {
                    // The final evaluation: at the first instant at or after the last record (or the
                    // latest time a rule test asks about).
                    engine.start(at: tally.counts.firstTime ?? end)
                    engine.finish(through: end, emit)
                }
            }
            try commit(final: true)
        } catch {
            tally.counts.matchErrors = zip(baseErrors, runErrors).map(+)
            return ScanResult(counts: tally.counts, errors: errors, stateError: error, untimedInputs: untimed)
        }
        tally.counts.matchErrors = zip(baseErrors, runErrors).map(+)
        return ScanResult(counts: tally.counts, errors: errors, stateError: nil, untimedInputs: untimed)
    }
}
