/// The counter series that rules read: for each, its running total (the instant value of a
/// counter) and a `Window` of exact counts per bucket, plus the last few records as
/// evidence. Series are created on first use; every pattern's base series and the
/// unmatched counter exist from the start, at 0.
public final class SeriesStore {
    public struct Sample: Sendable, Equatable {
        /// The record's own time, shown as evidence.
        public var time: EpochMillis?
        /// The time it was counted at (its arrival, live): what windows see.
        public var countedAt: EpochMillis?
        public var input: String
        public var line: Int
        public var text: String
    }

    /// A class: every record bumps one or two series, in place, with no copy of their arrays.
    public final class Series {
        public let labels: Labels
        public var total = 0
        public var window: Window
        /// Kept only when a rule reads this series over a range: others just count.
        public var windowed: Bool
        /// True for logwarden_matches_total and pattern metrics: series that carry evidence.
        public let evidence: Bool
        /// The last records, as bytes in reused buffers: no allocation per matched record.
        fileprivate var ring: [(time: EpochMillis?, at: EpochMillis?, input: Int, line: Int, bytes: [UInt8])] = []
        fileprivate var next = 0
        /// The bucket of its last entry in the touch log, and the epoch it was written in.
        fileprivate var logged: Int64 = .min
        fileprivate var loggedEpoch = 0

        init(labels: Labels, window: Window, windowed: Bool, evidence: Bool) {
            self.labels = labels
            self.window = window
            self.windowed = windowed
            self.evidence = evidence
        }

        fileprivate func keep(time: EpochMillis?, at: EpochMillis?, input: Int, line: Int, text: UnsafeBufferPointer<UInt8>) {
            let cut = UnsafeBufferPointer(rebasing: text[0..<min(text.count, Example.maxBytes)])
            if ring.count < SeriesStore.samplesKept {
                ring.append((time, at, input, line, Array(cut)))
                return
            }
            ring[next].time = time
            ring[next].at = at
            ring[next].input = input
            ring[next].line = line
            ring[next].bytes.removeAll(keepingCapacity: true)
            ring[next].bytes.append(contentsOf: cut)
            next = (next + 1) % SeriesStore.samplesKept
        }
    }

    /// A kept record without its text: evidence picks a few among many series before
    /// paying for text.
    public struct SampleRef {
        public var time: EpochMillis?
        public var countedAt: EpochMillis?
        public var input: String
        public var line: Int
        fileprivate var series: Int
        fileprivate var slot: Int
    }

    /// The kept records of a series counted at a time in (t − range, t] (or at no time),
    /// oldest first.
    public func sampleRefs(_ id: Int, countedWithin range: Int64, of t: EpochMillis, into out: inout [SampleRef]) {
        let s = series[id]
        let n = s.ring.count
        let first = n < Self.samplesKept ? 0 : s.next
        for k in 0..<n {
            let slot = (first + k) % n
            let at = s.ring[slot].at ?? t
            guard at > t - range && at <= t else { continue }
            out.append(SampleRef(time: s.ring[slot].time, countedAt: s.ring[slot].at, input: inputNames[s.ring[slot].input],
                                 line: s.ring[slot].line, series: id, slot: slot))
        }
    }

    public func sample(_ ref: SampleRef) -> Sample {
        Sample(time: ref.time, countedAt: ref.countedAt, input: ref.input, line: ref.line,
               text: String(decoding: series[ref.series].ring[ref.slot].bytes, as: UTF8.self))
    }

    /// The last records of a series, oldest first, as text.
    public func samples(_ id: Int) -> [Sample] {
        let s = series[id]
        let ordered = s.ring.count < Self.samplesKept ? s.ring : Array(s.ring[s.next...] + s.ring[..<s.next])
        return ordered.map { Sample(time: $0.time, countedAt: $0.at, input: inputNames[$0.input], line: $0.line, text: String(decoding: $0.bytes, as: UTF8.self)) }
    }

    /// The longest range any rule reads a series over, or nil when no rule selects it (set by
    /// the rule engine before the first record). A series keeps a window only when some rule
    /// selects it, sized for that range: with a thousand sshd sources read over 5m, a window
    /// of 32 buckets each rather than the hour another rule needs for one series.
    public var windowRange: ((Labels) -> Int64?)? {
        didSet {
            for s in series {
                let range = windowRange.map { $0(s.labels) } ?? largestRange
                s.windowed = range != nil
                if let range { s.window = window(for: range) }
            }
        }
    }

    /// An empty window that covers `range` and the allowed lateness.
    func window(for range: Int64) -> Window {
        Window(width: bucketWidth, capacity: min(bucketCount, Int((range + allowedLateness) / bucketWidth) + 2))
    }
    private var inputNames: [String] = []
    private var inputIndex: [String: Int] = [:]
    /// Input number of each input's records_total series.
    private var inputOfSeries: [Int: Int] = [:]

    public static let samplesKept = 3

    public let patterns: PatternSet
    public let bucketWidth: Int64
    public let bucketCount: Int
    public let largestRange: Int64
    /// Records older than the newest time minus this are counted late, at the newest time.
    public let allowedLateness: Int64
    public private(set) var series: [Series] = []
    /// The same series, read per record without reference counting: `series` keeps them alive.
    private var unretained: [Unmanaged<Series>] = []
    private var byLabels: [Labels: Int] = [:]
    private var byMatch: [SeriesKey: [Int]] = [:]
    private var inputs: [String: Int] = [:]
    private var unmatchedID = 0
    /// Windows kept per group by the rule engine, bumped with the series that feed them.
    public final class GroupWindow {
        public var window: Window
        public var members = 0
        public init(window: Window) { self.window = window }
    }

    /// Per series: the group windows it also counts in (kept alive by `linkedGroups`).
    private var links: [[Unmanaged<GroupWindow>]] = []
    private var linkedGroups: [GroupWindow] = []
    /// Series and buckets that received records, for incremental rule evaluation; kept only
    /// once a rule engine reads the store (`logTouches`).
    public var touches = TouchLog()
    public var logTouches = false
    /// Bumped after each evaluation: a record in a bucket already logged must be logged
    /// again once a reader has read that entry (a late record after an evaluation).
    public var touchEpoch = 0

    /// Called for every new series (the engine links it to its group windows).
    public var onNewSeries: ((Int, Labels) -> Void)?

    public func link(_ id: Int, to group: GroupWindow) {
        while links.count <= id { links.append([]) }
        links[id].append(Unmanaged.passUnretained(group))
        linkedGroups.append(group)
        group.members += 1
    }

    public func newWindow() -> Window { Window(width: bucketWidth, capacity: bucketCount) }

    /// The newest record time seen: the clock of event-time windows.
    public private(set) var watermark: EpochMillis?
    public private(set) var lateRecords = 0

    public init(patterns: PatternSet, bucketWidth: Int64, largestRange: Int64, allowedLateness: Int64 = 60_000) {
        self.patterns = patterns
        self.bucketWidth = max(1, bucketWidth)
        self.allowedLateness = allowedLateness
        self.largestRange = largestRange
        bucketCount = Int((largestRange + allowedLateness) / self.bucketWidth) + 2
        unmatchedID = id(for: Labels([(Labels.metricName, "logwarden_unmatched_records_total")]), evidence: false)
        for index in patterns.patterns.indices { _ = matchSeries(SeriesKey(pattern: index, captures: [])) }
    }

    /// The series with these labels, created at 0 if new.
    public func id(for labels: Labels, evidence: Bool) -> Int {
        if let id = byLabels[labels] { return id }
        let range = windowRange.map { $0(labels) } ?? largestRange
        series.append(Series(labels: labels, window: window(for: range ?? 0), windowed: range != nil, evidence: evidence))
        unretained.append(Unmanaged.passUnretained(series[series.count - 1]))
        byLabels[labels] = series.count - 1
        onNewSeries?(series.count - 1, labels)
        return series.count - 1
    }

    public func inputSeries(_ name: String) -> Int {
        let number = inputNumber(name)
        if let id = inputs[name] { return id }
        let id = id(for: Labels([(Labels.metricName, "logwarden_records_total"), ("input", name)]), evidence: false)
        inputs[name] = id
        inputOfSeries[id] = number
        return id
    }

    /// The series a match counts in: logwarden_matches_total and the pattern's own metric.
    public func matchSeries(_ key: SeriesKey) -> [Int] {
        if let ids = byMatch[key] { return ids }
        let pattern = patterns.patterns[key.pattern]
        var ids = [id(for: Labels([(Labels.metricName, "logwarden_matches_total")]
                                  + pattern.counterLabels(captures: key.captures).map { ($0.name, $0.value) }), evidence: true)]
        if let metric = pattern.definition.metric {
            ids.append(id(for: Labels([(Labels.metricName, metric)] + pattern.labels(captures: key.captures).map { ($0.name, $0.value) }),
                          evidence: true))
        }
        byMatch[key] = ids
        return ids
    }

    /// The time a record is counted at: its own, or the newest time when it is later than
    /// the allowed lateness (it is then counted late). Advances the watermark.
    @inline(__always)
    public func admit(_ time: EpochMillis?) -> EpochMillis? {
        guard let time else { return watermark }
        guard let w = watermark else {
            watermark = time
            return time
        }
        if time > w {
            watermark = time
            return time
        }
        if w - time > allowedLateness {
            lateRecords += 1
            return w
        }
        return time
    }

    /// Counts one record (already admitted at `time`) in the input's series and in its match
    /// series, or in the unmatched counter. `recordTime` is the record's own time, for evidence.
    public func count(input: Int, at time: EpochMillis?, recordTime: EpochMillis?, line: Int,
                      text: UnsafeBufferPointer<UInt8>, match: SeriesKey?) {
        bump(input, time)
        guard let match else {
            bump(unmatchedID, time)
            return
        }
        let inputNumber = inputOfSeries[input] ?? 0
        for id in matchSeries(match) {
            bump(id, time)
            series[id].keep(time: recordTime, at: time, input: inputNumber, line: line, text: text)
        }
    }

    @inline(__always)
    private func bump(_ id: Int, _ time: EpochMillis?) {
        // Per record, so without reference counting: the store owns its series and groups.
        unretained[id]._withUnsafeGuaranteedRef { target in
            target.total += 1
            guard let time, target.windowed else { return }
            let k = target.window.add(time)
            if logTouches && (k != target.logged || target.loggedEpoch != touchEpoch) {
                touches.append(id, bucket: k)
                target.logged = k
                target.loggedEpoch = touchEpoch
            }
            guard id < links.count else { return }
            links.withUnsafeBufferPointer { all in
                for group in all[id] { _ = group._withUnsafeGuaranteedRef { $0.window.add(time) } }
            }
        }
    }

    /// Cells held by all windows: series × buckets (reported as a metric).
    /// Buckets held by the windows that exist (a window is allocated with its first record).
    public var windowCells: Int { series.reduce(0) { $0 + ($1.windowed ? $1.window.allocated : 0) } }

    /// Takes over another store's series (a reload): totals, windows and evidence of series
    /// with the same labels, so unchanged rules see the same windows as before.
    public func adopt(_ old: SeriesStore) {
        restore(watermark: old.watermark, lateRecords: old.lateRecords)
        for (id, o) in old.series.enumerated() {
            restore(labels: o.labels, evidence: o.evidence, total: o.total, cells: o.window.cells(), samples: old.samples(id))
        }
    }

    public func restore(watermark: EpochMillis?, lateRecords: Int) {
        self.watermark = watermark
        self.lateRecords = lateRecords
    }

    /// Sets a series as an earlier run or configuration left it; its cells also count in the
    /// group windows it belongs to.
    public func restore(labels: Labels, evidence: Bool, total: Int, cells: [Window.Cell], samples: [Sample]) {
        let id = id(for: labels, evidence: evidence)
        let target = series[id]
        target.total = total
        if target.windowed {
            for cell in cells {
                target.window.replay(cell)
                if logTouches { touches.append(id, bucket: cell.bucket) }
                if id < links.count { for group in links[id] { group.takeUnretainedValue().window.replay(cell) } }
            }
        }
        target.ring = samples.map { ($0.time, $0.countedAt, inputNumber($0.input), $0.line, Array($0.text.utf8)) }
        target.next = 0
    }

    private func inputNumber(_ name: String) -> Int {
        if let i = inputIndex[name] { return i }
        inputIndex[name] = inputNames.count
        inputNames.append(name)
        return inputNames.count - 1
    }
}
