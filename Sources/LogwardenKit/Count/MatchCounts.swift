/// Counts of one run: records per input, matches per pattern and per series, and the
/// records and values that were cut, capped or failed to match.
public struct MatchCounts: Sendable {
    public let patterns: PatternSet
    /// Inputs in the order they were read, with their record counts.
    public private(set) var inputs: [(name: String, records: Int)] = []
    public private(set) var perPattern: [SeriesStats]
    public private(set) var series: [SeriesKey: SeriesStats] = [:]
    /// Distinct capture-value sets per pattern, to enforce `max_series`.
    private var distinct: [Int]
    /// Values that fell over `max_series` and were counted as `__other__`, per pattern.
    public private(set) var overflow: [Int]
    public var matchErrors: [Int]
    public private(set) var unmatched = 0
    public var truncatedRecords = 0
    public private(set) var firstTime: EpochMillis?
    public private(set) var lastTime: EpochMillis?
    /// Per input, as `inputs`: records that came after an evaluation of their time.
    private var lateByInput: [LateRecords] = []
    /// How many of them this process counted: a cheap test for news.
    public private(set) var lateCounted = 0

    public static let overflowValue = "__other__"

    /// Matches per series and minute since the last `takeMinuteCounts`, when tracked (the
    /// state file's history).
    public var tracksMinutes = false
    public private(set) var minuteCounts: [SeriesMinute: Int] = [:]

    public struct SeriesMinute: Hashable, Sendable {
        public var key: SeriesKey
        /// Start of the minute, in epoch milliseconds.
        public var minute: EpochMillis
    }

    public init(patterns: PatternSet) {
        self.patterns = patterns
        perPattern = Array(repeating: SeriesStats(), count: patterns.count)
        distinct = Array(repeating: 0, count: patterns.count)
        overflow = Array(repeating: 0, count: patterns.count)
        matchErrors = Array(repeating: 0, count: patterns.count)
    }

    public var records: Int { inputs.reduce(0) { $0 + $1.records } }
    public var matched: Int { perPattern.reduce(0) { $0 + $1.count } }

    /// Starts counting a new input; returns its index for `add`.
    public mutating func beginInput(_ name: String) -> Int {
        inputs.append((name, 0))
        lateByInput.append(LateRecords())
        return inputs.count - 1
    }

    /// Counts one record and, when it matched, its series. Returns the series key counted
    /// (captures replaced by `__other__` when over the cap).
    @discardableResult
    public mutating func add(input: Int, time: EpochMillis?, match: Classification?,
                             example: () -> Example) -> SeriesKey? {
        guard let match else {
            addUnmatched(input: input, time: time)
            return nil
        }
        inputs[input].records += 1
        if let time { note(time) }
        perPattern[match.pattern].add(time: time, example: example)
        var key = SeriesKey(pattern: match.pattern, captures: match.captures)
        if !key.captures.isEmpty, series[key] == nil {
            if distinct[match.pattern] >= patterns.patterns[match.pattern].definition.maxSeries {
                overflow[match.pattern] += 1
                key.captures = Array(repeating: Self.overflowValue, count: key.captures.count)
            }
            if series[key] == nil { distinct[match.pattern] += 1 }
        }
        series[key, default: SeriesStats()].add(time: time, example: example)
        if tracksMinutes, let time { minuteCounts[SeriesMinute(key: key, minute: time - ((time % 60_000) + 60_000) % 60_000), default: 0] += 1 }
        return key
    }

    /// Notes a record of `input` at `time` that rule evaluations up to `evaluated` missed.
    public mutating func addLate(input: Int, time: EpochMillis, evaluated: EpochMillis) {
        lateByInput[input].add(time, evaluated: evaluated)
        lateCounted += 1
    }

    /// Late records per input name (an input read again after a rotation is one name).
    public var late: [String: LateRecords] {
        var out: [String: LateRecords] = [:]
        for (i, l) in lateByInput.enumerated() where l.count > 0 { out[inputs[i].name, default: LateRecords()].merge(l) }
        return out
    }

    /// Counts a record that matched no pattern.
    @inline(__always)
    public mutating func addUnmatched(input: Int, time: EpochMillis?) {
        inputs[input].records += 1
        unmatched += 1
        if let time { note(time) }
    }

    @inline(__always)
    private mutating func note(_ time: EpochMillis) {
        if firstTime == nil || time < firstTime! { firstTime = time }
        if lastTime == nil || time > lastTime! { lastTime = time }
    }

    /// Puts back minute counts a failed commit did not store.
    public mutating func restoreMinuteCounts(_ counts: [SeriesMinute: Int]) {
        minuteCounts.merge(counts) { $0 + $1 }
    }

    /// Distinct capture-value sets seen for pattern `index` (for `max_series`).
    public func distinctValues(_ index: Int) -> Int { distinct[index] }

    public mutating func takeMinuteCounts() -> [SeriesMinute: Int] {
        defer { minuteCounts.removeAll(keepingCapacity: true) }
        return minuteCounts
    }

    // MARK: restoring (the state file)

    /// Sets what earlier runs counted for pattern `index`.
    public mutating func restore(pattern index: Int, stats: SeriesStats, distinct: Int, overflow: Int, matchErrors: Int) {
        perPattern[index] = stats
        self.distinct[index] = distinct
        self.overflow[index] = overflow
        self.matchErrors[index] = matchErrors
    }

    public mutating func restore(series key: SeriesKey, stats: SeriesStats) { series[key] = stats }

    public mutating func restore(input name: String, records: Int, late: Int) {
        let i = input(named: name)
        inputs[i].records = records
        lateByInput[i] = LateRecords(count: late)
    }

    public mutating func restore(unmatched: Int, truncated: Int, firstTime: EpochMillis?, lastTime: EpochMillis?) {
        self.unmatched = unmatched
        truncatedRecords = truncated
        self.firstTime = firstTime
        self.lastTime = lastTime
    }

    /// What was counted since `base` (the same patterns): this run of a cumulative count.
    public func since(_ base: MatchCounts) -> MatchCounts {
        var out = self
        for (name, records) in base.inputs {
            if let i = out.inputs.firstIndex(where: { $0.name == name }) { out.inputs[i].records -= records }
        }
        for (name, before) in base.late {
            if let i = out.inputs.firstIndex(where: { $0.name == name }) { out.lateByInput[i].count -= before.count }
        }
        let kept = out.inputs.indices.filter { i in !(out.inputs[i].records == 0 && base.inputs.contains { $0.name == out.inputs[i].name }) }
        out.inputs = kept.map { out.inputs[$0] }
        out.lateByInput = kept.map { out.lateByInput[$0] }
        for i in out.perPattern.indices { out.perPattern[i].count -= base.perPattern[i].count }
        for (key, stats) in base.series { out.series[key]?.count -= stats.count }
        out.series = out.series.filter { $0.value.count > 0 }
        out.unmatched -= base.unmatched
        out.truncatedRecords -= base.truncatedRecords
        for i in out.matchErrors.indices { out.matchErrors[i] -= base.matchErrors[i] }
        for i in out.overflow.indices { out.overflow[i] -= base.overflow[i] }
        return out
    }

    /// Takes over the counts of a run under other patterns (a reload): counters never go
    /// back. A pattern keeps its counts when its name and definition are unchanged; a
    /// changed one starts at 0.
    public mutating func carry(_ old: MatchCounts) {
        inputs = old.inputs
        lateByInput = old.lateByInput
        unmatched = old.unmatched
        truncatedRecords = old.truncatedRecords
        firstTime = old.firstTime
        lastTime = old.lastTime
        var map: [Int: Int] = [:]
        let byName = Dictionary(patterns.patterns.indices.map { (patterns.patterns[$0].name, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, p) in old.patterns.patterns.enumerated() {
            guard let j = byName[p.name], patterns.patterns[j].definition.identity == p.definition.identity else { continue }
            map[i] = j
            perPattern[j] = old.perPattern[i]
            distinct[j] = old.distinct[i]
            overflow[j] = old.overflow[i]
            matchErrors[j] = old.matchErrors[i]
        }
        for (key, stats) in old.series {
            guard let j = map[key.pattern] else { continue }
            series[SeriesKey(pattern: j, captures: key.captures)] = stats
        }
    }

    /// Finds or starts the input called `name`.
    public mutating func input(named name: String) -> Int {
        if let i = inputs.lastIndex(where: { $0.name == name }) { return i }
        return beginInput(name)
    }
}

/// Records of one input that came after rule evaluations of their time: counted in the
/// totals, missing from those evaluations. The times are this run's, for the report.
public struct LateRecords: Sendable, Equatable {
    public var count = 0
    /// The oldest late record, and how far the furthest one was behind the evaluations.
    public var oldest: EpochMillis?
    public var behind: Int64 = 0

    public init(count: Int = 0) { self.count = count }

    mutating func add(_ time: EpochMillis, evaluated: EpochMillis) {
        count += 1
        oldest = min(oldest ?? time, time)
        behind = max(behind, evaluated - time)
    }

    mutating func merge(_ other: LateRecords) {
        count += other.count
        if let t = other.oldest { oldest = min(oldest ?? t, t) }
        behind = max(behind, other.behind)
    }
}
