#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Patterns and rules, as loaded at start-up or by a reload.
public struct LiveConfig {
    public var patterns: PatternSet
    public var engine: RuleEngine?

    public init(patterns: PatternSet, engine: RuleEngine?) {
        self.patterns = patterns
        self.engine = engine
    }
}

/// A configuration that failed to load; the message says where and what to fix.
public struct ConfigError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public struct WatchOptions: Sendable {
    public var read: ReadOptions
    public var follow = Follower.Options()
    /// Windows on the records' own time instead of their arrival.
    public var eventTime = false
    /// On event time: how long the wall clock waits for late records before it moves the
    /// evaluations on by itself (when the inputs are quiet).
    public var allowedLateness: Int64 = 60_000
    /// A record still open to continuation lines is emitted after its input is quiet this long.
    public var maxWait: Int64 = 100
    public var textfile: String?
    public var textfileInterval: Int64 = 15_000
    /// With a state file: how often positions, counts and alert states are committed.
    public var commitInterval: Int64 = 1000
    /// The HTTP server shows snapshots: refreshed this often and after each evaluation.
    public var serving = false
    public var snapshotInterval: Int64 = 1000

    public init(read: ReadOptions) { self.read = read }
}

/// `watch`: follows files and stdin, counts records as they arrive, evaluates rules on the
/// wall clock, and keeps the textfile and the HTTP views fresh. One thread owns the whole
/// pipeline; it sleeps in poll() on the inputs, inotify, signals and the control's wake-ups.
/// Memory stays bounded whatever the input rate: it reads a budget of bytes, processes them,
/// and only then reads more, so a fast writer waits on the pipe (and the lag is reported).
public final class WatchPipeline {
    private let options: WatchOptions
    private let logger: Logger
    private let control: LiveControl
    private let signals: Signals
    private let sink: any AlertSink
    private let load: () throws(ConfigError) -> LiveConfig
    private var tally: Tally
    private let follower: Follower?
    private let stdin: StreamInput?
    private let state: RunState?
    private var nextCommit: EpochMillis = 0
    /// Alertmanagers and webhooks, re-sent to while alerts fire.
    public var notifier: NotifySink?
    private var nextResend: EpochMillis = 0
    /// Mining of unclassified records (`--templates`), announced every second.
    public var templates: TemplateWatch?
    private var nextAnnounce: EpochMillis = 0

    /// One input's record assembly, and (for a file) where a state file knows it.
    private final class Stream {
        var records: RecordStream
        var input: Tally.Input
        var lastData: EpochMillis
        var place: (id: Int, index: Int?, file: FileIdentity, head: [UInt8])?
        init(_ records: RecordStream, _ input: Tally.Input, _ now: EpochMillis) {
            self.records = records
            self.input = input
            lastData = now
        }
    }
    private var streams: [Int: Stream] = [:]
    private var stdinStream: Stream?
    /// Inputs whose records had no timestamp, said once each (on event time).
    private var untimedInputs: Set<String> = []
    /// Arrival time of the records being processed; never goes back.
    private var arrival: EpochMillis = 0
    /// When any input last delivered bytes.
    private var lastData: EpochMillis = 0
    private var reloadOK = true
    private var lastReload: EpochMillis = 0
    private let startTime: EpochMillis
    private var nextTextfile: EpochMillis = 0
    private var nextSnapshot: EpochMillis = 0

    public init(inputs: [String], options: WatchOptions, config: LiveConfig, state: RunState? = nil, control: LiveControl,
                signals: Signals, sink: any AlertSink, logger: Logger, load: @escaping () throws(ConfigError) -> LiveConfig) {
        self.options = options
        self.control = control
        self.signals = signals
        self.sink = sink
        self.logger = logger
        self.load = load
        tally = Tally(patterns: config.patterns, engine: config.engine)
        self.state = state
        if let state { tally.counts = state.base }
        let files = inputs.filter { $0 != "-" }
        follower = files.isEmpty ? nil : Follower(specs: files, options: options.follow, logger: logger)
        if let state { follower?.knownOffset = { state.knownOffset($0, head: $1) } }
        stdin = inputs.contains("-") ? StreamInput() : nil
        startTime = SystemClock.wallMillis()
        lastReload = startTime
    }

    /// Runs until SIGTERM/SIGINT, or until stdin ends when it is the only input. Returns the
    /// exit status.
    public func run() -> Int32 {
        arrival = startTime
        lastData = startTime
        // What a stopped `scan --state` committed and did not print comes first.
        if let state, !state.restoredUnprinted.isEmpty {
            state.restoredUnprinted.forEach(sink.emit)
            do throws(StateError) { try state.printed() } catch {
                logger.error("cannot commit the state", metadata: ["error": "\(error.description)"])
            }
        }
        // On event time the first record starts the clock of the rules.
        if !options.eventTime { tally.engine?.start(at: startTime) }
        if let stdin { stdinStream = Stream(newRecords(), tally.input(named: stdin.name), startTime) }
        var started = false
        var status: Int32 = 0
        loop: while true {
            let now = clock()
            for signal in signals.pending() {
                switch signal {
                case .stop:
                    logger.info("stopping on signal")
                    break loop
                case .reload: reload()
                }
            }
            if control.takeReloadRequests() { reload() }

            var more = false
            if let follower {
                more = follower.check(now: now) { event in handle(event, now) } || more
            }
            if let stdin, !stdin.atEOF, let stream = stdinStream {
                do {
                    more = try stdin.read(now: now, budget: options.follow.readBudget) { bytes in
                        stream.lastData = now
                        lastData = now
                        stream.records.feed(bytes) { count($0, stream.input) }
                    } || more
                } catch {
                    // A broken pipe will not mend: end stdin as at EOF, with exit status 2.
                    logger.error("stdin read failed; it is read no more", metadata: ["error": "\(error.description)"])
                    status = 2
                    stdin.close()
                }
                if stdin.atEOF {
                    stream.records.finish { count($0, stream.input) }
                    logger.info("end of stdin")
                    if follower == nil { break loop }
                }
            }
            flushQuiet(now)
            if !started {
                started = true
                logger.info("started", metadata: ["inputs": "\((follower?.specs.count ?? 0) + (stdin == nil ? 0 : 1))"])
            }
            let evaluated = evaluate(before: clock())
            if let notifier, let engine = tally.engine, SystemClock.wallMillis() >= nextResend {
                notifier.resend(engine.firingAlerts(at: clock()), now: clock())
                nextResend = SystemClock.wallMillis() + 1000
            }
            if let templates, SystemClock.wallMillis() >= nextAnnounce {
                for t in templates.announce(at: clock()) { emit(t) }
                nextAnnounce = SystemClock.wallMillis() + 1000
            }
            publish(force: evaluated)
            if tally.counts.lateCounted > lateSeen { reportLate() }
            if state != nil, announced > 0 || SystemClock.wallMillis() >= nextCommit {
                commit()
                nextCommit = SystemClock.wallMillis() + options.commitInterval
            }
            if !more { wait(until: nextDeadline()) }
        }
        shutdown()
        return status
    }

    /// Inputs whose late records were named on stderr: once each, as a scan does once a run.
    private var reportedLate: Set<String> = []
    private var lateSeen = 0

    private func reportLate() {
        lateSeen = tally.counts.lateCounted
        for (name, late) in tally.counts.late where !reportedLate.contains(name) {
            reportedLate.insert(name)
            logger.warning("\(ClockReport.late(name, late, withState: state != nil))")
        }
    }

    // MARK: reading

    private func clock() -> EpochMillis {
        arrival = max(arrival, SystemClock.wallMillis())
        return arrival
    }

    /// Records before an input's first timestamp take it; an input with none stays untimed,
    /// and is counted as it arrives.
    private func newRecords(_ resume: RecordFramer.Resume? = nil) -> RecordStream {
        var read = options.read
        read.timestamps = read.timestamps.then(tally.patterns.timestamps)
        return RecordStream(framing: read.framing, timestamps: read.parser(reference: SystemClock.wallMillis()),
                            untimed: UntimedRecords(lookAhead: read.lookAhead, fallback: nil), resume: resume)
    }

    // MARK: state

    private func moved(_ stream: Stream) {
        guard let state, let place = stream.place else { return }
        // A file opened short (or empty) is known by more of its start as it grows.
        if place.head.count < Fingerprint.maxLength, let head = follower?.head(of: place.id) { stream.place!.head = head }
        stream.place!.index = state.moved(place.index, name: stream.input.name, file: place.file, head: stream.place!.head,
                                          gzip: false, to: stream.records.resumePoint)
    }

    /// Positions, counts, windows and alert states, in one transaction. A failure is logged
    /// and retried at the next commit; after a crash the last commit is where reading resumes.
    private func commit(final: Bool = false) {
        guard let state else { return }
        for stream in streams.values { moved(stream) }
        // Match errors live in the classifier until then; counters of a reload are in counts.
        let carried = tally.counts.matchErrors
        for i in carried.indices { tally.counts.matchErrors[i] += tally.classifier.matchErrors[i] }
        defer { tally.counts.matchErrors = carried }
        do throws(StateError) {
            try state.commit(&tally.counts, final: final)
            announced = 0
        } catch {
            logger.error("cannot commit the state; will retry", metadata: ["error": "\(error.description)"])
        }
    }

    private func handle(_ event: FollowEvent, _ now: EpochMillis) {
        switch event {
        case let .opened(id, name, file, head, offset):
            // Go on as the last run left it (line numbers, the time records inherit), else
            // from where the follower starts.
            let known = state?.position(of: file, head: head, gzip: false)
            let resume = known?.resume.flatMap { $0.offset == offset ? $0 : nil }
                ?? RecordFramer.Resume(offset: offset, line: 0, lastTime: nil, timestamped: false)
            let stream = Stream(newRecords(resume), tally.input(named: name), now)
            if state != nil { stream.place = (id, known?.index, file, head) }
            streams[id] = stream
        case let .data(id, bytes):
            guard let stream = streams[id] else { return }
            stream.lastData = now
            lastData = now
            stream.records.feed(bytes) { count($0, stream.input) }
        case let .restarted(id):
            guard let stream = streams[id] else { return }
            stream.records.finish { count($0, stream.input) }
            stream.records = newRecords()
        case let .closed(id):
            guard let stream = streams[id] else { return }
            stream.records.finish { count($0, stream.input) }
            moved(stream)
            streams[id] = nil
        }
    }

    private func count(_ record: Record, _ input: Tally.Input) {
        if options.eventTime, record.time == nil, untimedInputs.insert(input.name).inserted {
            logger.warning("\(UntimedRecords.note(input: input.name, readTime: true))")
        }
        let time = options.eventTime ? (record.time ?? arrival) : arrival
        let match = tally.count(record, in: input, at: time, eventTime: options.eventTime) { emit($0) }
        templates?.take(record, match: match, patterns: tally.patterns, input: input.name)
    }

    private func emit(_ t: AlertTransition) {
        state?.record(t)
        announced += 1
        sink.emit(t)
    }

    /// Transitions announced since the last commit: committed at once, so a crash right
    /// after rarely announces one twice.
    private var announced = 0

    /// Records that waited `maxWait` for a continuation line that did not come.
    private func flushQuiet(_ now: EpochMillis) {
        for stream in allStreams where stream.records.hasPendingRecord && now - stream.lastData >= options.maxWait {
            stream.records.flushRecord { count($0, stream.input) }
        }
    }

    private var allStreams: [Stream] { Array(streams.values) + (stdinStream.map { [$0] } ?? []) }

    // MARK: time

    /// Runs the evaluations due before `now`; true if any ran. On event time the records
    /// move the evaluations on; the wall clock (less the allowed lateness) does so only
    /// once the inputs have been quiet for a second, so a backlog or a replay through a
    /// pipe is evaluated on its own time, as `scan` would.
    private func evaluate(before now: EpochMillis) -> Bool {
        guard let engine = tally.engine else { return false }
        let before = engine.evaluations
        if options.eventTime {
            guard now - lastData >= Self.quiet else { return false }
            engine.start(at: now - options.allowedLateness)
            engine.advance(before: now - options.allowedLateness) { emit($0) }
        } else {
            engine.advance(before: now) { emit($0) }
        }
        return engine.evaluations != before
    }

    static let quiet: EpochMillis = 1000

    private func nextDeadline() -> EpochMillis {
        var t = options.serving ? nextSnapshot : SystemClock.wallMillis() + 60_000
        if options.textfile != nil { t = min(t, nextTextfile) }
        if let follower { t = min(t, follower.nextDeadline) }
        if state != nil { t = min(t, nextCommit) }
        let shift = options.eventTime ? options.allowedLateness : 0
        for group in tally.engine?.groups ?? [] { if let next = group.next { t = min(t, next + shift + 1) } }
        if options.eventTime { t = min(t, max(lastData + Self.quiet, SystemClock.wallMillis() + 1)) }
        for stream in allStreams where stream.records.hasPendingRecord { t = min(t, stream.lastData + options.maxWait) }
        return t
    }

    /// Sleeps until something is readable or `deadline` (wall-clock milliseconds).
    private func wait(until deadline: EpochMillis) {
        var fds = [pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: control.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        if let fd = follower?.wakeDescriptor { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        if let stdin, !stdin.atEOF { fds.append(pollfd(fd: stdin.fd, events: Int16(POLLIN), revents: 0)) }
        let timeout = Int32(max(0, min(deadline - SystemClock.wallMillis(), 60_000)))
        _ = poll(&fds, nfds_t(fds.count), timeout)
        control.drainWakes()
    }

    // MARK: outputs

    private func publish(force: Bool) {
        let now = SystemClock.wallMillis()
        let textfileDue = options.textfile != nil && now >= nextTextfile
        let snapshotDue = options.serving && (force || now >= nextSnapshot)
        guard snapshotDue || textfileDue else { return }
        let metrics = Exposition.render(families())
        if options.serving {
            control.publish(LiveControl.Snapshot(ready: true, metrics: metrics, alerts: StatusAPI.alerts(tally.engine),
                                                 rules: StatusAPI.rules(tally.engine)))
            nextSnapshot = now + options.snapshotInterval
        }
        if textfileDue {
            writeTextfile(metrics)
            nextTextfile = now + options.textfileInterval
        }
    }

    private func writeTextfile(_ metrics: String) {
        guard let path = options.textfile else { return }
        do throws(OutputError) { try AtomicFile.write(metrics, to: path) } catch {
            logger.error("cannot write the textfile; will retry", metadata: ["error": "\(error.description)"])
        }
    }

    func families() -> [MetricFamily] {
        var counts = tally.counts
        for i in counts.matchErrors.indices { counts.matchErrors[i] += tally.classifier.matchErrors[i] }
        return ScanMetrics.families(counts) + (tally.engine?.families(timings: true) ?? []) + liveFamilies()
            + (notifier?.delivery.families() ?? []) + (templates?.families() ?? [])
    }

    private func liveFamilies() -> [MetricFamily] {
        var inputs = follower?.inputs ?? []
        if let stdin {
            var s = Follower.Status(name: stdin.name)
            s.bytesRead = stdin.bytesRead
            s.lagBytes = stdin.atEOF ? 0 : Int64(stdin.pendingBytes)
            s.lastRead = stdin.lastRead
            inputs.append(s)
        }
        func family(_ name: String, _ help: String, _ kind: MetricFamily.Kind, _ value: (Follower.Status) -> Double?) -> MetricFamily {
            MetricFamily(name: name, help: help, kind: kind,
                         samples: inputs.compactMap { s in value(s).map { .init(labels: [("input", s.name)], value: $0) } })
        }
        return [
            family("logwarden_input_bytes_total", "Bytes read, per input.", .counter) { Double($0.bytesRead) },
            family("logwarden_input_lag_bytes", "Bytes written to an input and not read yet.", .gauge) { Double($0.lagBytes) },
            family("logwarden_input_last_read_timestamp_seconds", "When an input was last read (Unix seconds).", .gauge) {
                $0.lastRead.map { Double($0) / 1000 }
            },
            family("logwarden_input_open_files", "Files open per input (more than one during a rotation).", .gauge) { Double($0.open) },
            MetricFamily(name: "logwarden_config_last_reload_successful", help: "Whether the last configuration reload succeeded.",
                         kind: .gauge, samples: [.init(labels: [], value: reloadOK ? 1 : 0)]),
            MetricFamily(name: "logwarden_config_last_reload_success_timestamp_seconds", help: "When the configuration was last loaded successfully.",
                         kind: .gauge, samples: [.init(labels: [], value: Double(lastReload) / 1000)]),
            MetricFamily(name: "logwarden_start_time_seconds", help: "When logwarden started (Unix seconds).",
                         kind: .gauge, samples: [.init(labels: [], value: Double(startTime) / 1000)]),
        ]
    }

    // MARK: reload and shutdown

    private func reload() {
        let config: LiveConfig
        do { config = try load() } catch {
            reloadOK = false
            logger.error("reload failed; the previous configuration keeps running", metadata: ["error": "\(error.description)"])
            control.reloaded(ok: false, message: error.description)
            publish(force: true)
            return
        }
        commit()  // what was counted under the old configuration, before it goes
        let old = tally
        var counts = old.counts
        for i in counts.matchErrors.indices { counts.matchErrors[i] += old.classifier.matchErrors[i] }
        tally = Tally(patterns: config.patterns, engine: config.engine)
        tally.counts.carry(counts)
        tally.counts.tracksMinutes = state != nil
        if let engine = config.engine {
            if let previous = old.engine { engine.takeOver(previous) }
            engine.start(at: clock())
        }
        state?.reloaded(patterns: config.patterns, engine: config.engine)
        for stream in allStreams { stream.input = tally.input(named: stream.input.name) }
        reloadOK = true
        lastReload = SystemClock.wallMillis()
        logger.info("configuration reloaded", metadata: ["patterns": "\(config.patterns.count)",
                                                         "rule_groups": "\(config.engine?.groups.count ?? 0)"])
        control.reloaded(ok: true, message: "")
        publish(force: true)
    }

    /// Stop reading; emit what is assembled, run the last evaluation, write the outputs. With
    /// a state file, a file's unfinished record stays unread: the next start reads it whole.
    private func shutdown() {
        if let stream = stdinStream { stream.records.finish { count($0, stream.input) } }
        if state == nil { for stream in streams.values { stream.records.finish { count($0, stream.input) } } }
        // The last evaluation: now, or on event time at the newest record (as `scan` ends).
        if let engine = tally.engine {
            let end = options.eventTime ? (engine.store.watermark ?? clock()) : clock()
            engine.start(at: end)
            engine.finish(through: end) { emit($0) }
        }
        if let templates { for t in templates.announce(at: clock()) { emit(t) } }
        commit(final: true)
        follower?.closeAll { _ in }
        streams.removeAll()
        sink.finish()
        nextTextfile = 0
        publish(force: true)
        logger.info("stopped", metadata: ["records": "\(tally.counts.records)"])
    }
}
